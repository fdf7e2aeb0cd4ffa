"""In Chromium: an author previews an error_spans item, marking a passage by selecting it; the
preview posts the trainee page's fields (span_start, span_end, span_label, span_correction)."""
from pathlib import Path

import pytest

from courses.models import Case, Course
from courses.services import course_package_import
from schools.models import Role
from tests.browser.test_authoring_story import select_by_mouse
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMAL = Path(__file__).resolve().parents[1] / "courses" / "packages" / "minimal"


def test_an_author_marks_a_passage_in_the_preview_and_sees_it_graded(page, sign_in):
    faculty = MembershipFactory(role=Role.FACULTY).user
    faculty.save(update_fields=["password"])
    version = course_package_import(path=MINIMAL, user=faculty, publish=True)
    Course.objects.filter(pk=version.course_id).update(owner=faculty)
    case = Case.objects.get(module__version=version, slug="fabricated-allergy")
    spans_item = case.items.get(slug="find-the-errors")
    sign_in(page, faculty)

    page.goto(f"/studio/cases/{case.pk}/preview/")  # the letter is no decide-first output: it shows at once
    section = page.locator(f"#item-{spans_item.pk}")
    section.locator("[data-span-marker] .span-text").wait_for()
    select_by_mouse(page, "documented penicillin allergy")
    section.get_by_role("button", name="Mark the selected text").click()
    assert section.locator("input[name=span_start]").first.input_value() != ""
    section.get_by_label("Failure mode 1").select_option("HAL")
    section.get_by_role("button", name="Check my answer").click()
    page.locator(f"#item-{spans_item.pk}").get_by_text("Errors found: 1 of 2").wait_for()
