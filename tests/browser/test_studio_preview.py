"""In Chromium: an author previews an error_spans item with the trainee's span widget,
marking a passage from the keyboard only, and sees it graded at once with the key."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.models import Case, Course
from courses.services import course_package_import
from schools.models import Role
from tests.browser.test_trainee_pages import tab_to
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMAL = Path(__file__).resolve().parents[1] / "courses" / "packages" / "minimal"
DOCUMENTED, ALLERGY_END = 74, 117  # the words “documented penicillin allergy (rash, 2019).” in the letter


def test_an_author_marks_a_passage_in_the_preview_from_the_keyboard_and_sees_it_graded(page, sign_in):
    faculty = MembershipFactory(role=Role.FACULTY).user
    faculty.save(update_fields=["password"])
    version = course_package_import(path=MINIMAL, user=faculty, publish=True)
    Course.objects.filter(pk=version.course_id).update(owner=faculty)
    case = Case.objects.get(module__version=version, slug="fabricated-allergy")
    spans_item = case.items.get(slug="find-the-errors")
    sign_in(page, faculty)

    page.goto(f"/studio/cases/{case.pk}/preview/")  # the letter is no decide-first output: it shows at once
    tab_to(page, ".ai-text.selectable span[data-s]")
    for _ in range(40):
        if page.evaluate("document.activeElement.dataset.s") == str(DOCUMENTED):
            break
        page.keyboard.press("ArrowRight")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("[data-pending]")).to_contain_text("documented penicillin allergy (rash, 2019).")
    page.keyboard.press("Enter")
    section = page.locator(f"#item-{spans_item.pk}")
    row = section.locator("ol[data-span-list] > li")
    expect(row.locator("q")).to_have_text("documented penicillin allergy (rash, 2019).")
    assert (row.locator("[name=span_start]").input_value(), row.locator("[name=span_end]").input_value()) == (
        str(DOCUMENTED), str(ALLERGY_END))
    row.locator("select[name=span_label]").select_option("HAL")
    section.get_by_role("button", name="Submit my answer").click()
    expect(page.locator(f"#item-{spans_item.pk}")).to_contain_text("Errors found: 1 of 2")
    expect(page.locator(f"#item-{spans_item.pk} .preview-aside")).to_contain_text("Key")
