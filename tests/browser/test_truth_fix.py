"""In Chromium: a faculty member finds that an AI output the expert marked right was wrong,
fixes its ground truth in this year's version of the course with the right answer of the
decision about it, fixes last year's copy with it, and reaches the regrade of each; the pages
pass axe-core, at 1280 px and on a 375 px phone."""
import re

import pytest
from playwright.sync_api import expect
from django.utils import timezone

from courses.models import Artifact, CourseVersion, Item, ItemKey
from courses.services import course_version_create_draft
from quizzes import regrade
from quizzes.models import RegradeJob, TruthFix
from tests.browser.conftest import assert_accessible, screenshot
from tests.quizzes.test_truth_fix import _reliance_world, author  # noqa: F401 - a helper and a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _two_versions(author):  # noqa: F811
    w = _reliance_world(author)
    second = course_version_create_draft(course=w.course, user=author)
    CourseVersion.objects.filter(pk=second.pk).update(status="published", published_at=timezone.now())
    return w, Item.objects.get(case__module__version=second, slug="r2")


def _fix(page, item: Item, name: str) -> None:
    page.goto(f"/studio/items/{item.pk}/")
    page.get_by_role("link", name="Fix the ground truth of its AI output").click()
    last_year = page.get_by_label(re.compile(r"Also fix .* version 1 \(published, English, 2 graded decisions\)"))
    assert last_year.is_checked() and last_year.is_enabled()
    page.get_by_label("No, it is wrong").check()
    page.get_by_label("The right answer to r2 if the AI output is wrong").select_option(label="B")
    page.get_by_label("Why is the ground truth changed?").fill("The AI misread the label: B is right.")
    screenshot(page, f"truth-fix-{name}")
    assert_accessible(page)
    page.get_by_role("button", name="Change the ground truth and show the dry run").click()


def test_a_faculty_member_fixes_a_ground_truth_in_two_versions_and_reaches_both_regrades(page, sign_in,
                                                                                       author):  # noqa: F811
    w, this_year = _two_versions(author)
    author.refresh_from_db()  # the stored password hash, for the session
    sign_in(page, author)
    _fix(page, this_year, "desktop")

    page.get_by_role("heading", name=re.compile("Regrades after the ground-truth fix of")).wait_for()
    fix = TruthFix.objects.get(artifact=this_year.artifact_id)
    assert [f.artifact_id for f in fix.twin_fixes.all()] == [w.items["R2"].artifact_id]
    assert not Artifact.objects.filter(pk__in=[this_year.artifact_id, w.items["R2"].artifact_id],
                                       ai_correct=True).exists()
    assert [ItemKey.objects.get(item=i).answer for i in (this_year, w.items["R2"])] == [{"answer": "b"}] * 2
    screenshot(page, "truth-fix-jobs-desktop")
    assert_accessible(page)

    for job in RegradeJob.objects.all():  # what the workers do after the commit
        regrade.regrade_job_dry_run(job_id=job.pk)
    # The page polls its jobs and reloads itself once they are done (a reload of ours would race it).
    expect(page.locator("span.status.ready")).to_have_count(2, timeout=15_000)
    page.wait_for_load_state()
    page.get_by_role("link", name="Open the regrade of r2 in version 1").click()
    page.get_by_role("heading", name="Regrade of r2").wait_for()
    assert page.get_by_text("Trainees whose figures change").is_visible()
    assert page.get_by_role("button", name="Regrade 2 answers now").is_visible()
    screenshot(page, "truth-fix-regrade-desktop")
    assert_accessible(page)


def test_the_ground_truth_fix_page_works_on_a_phone(english_phone_page, sign_in, author):  # noqa: F811
    page = english_phone_page
    _w, this_year = _two_versions(author)
    author.refresh_from_db()
    sign_in(page, author)
    _fix(page, this_year, "phone")
    page.get_by_role("heading", name=re.compile("Regrades after the ground-truth fix of")).wait_for()
    screenshot(page, "truth-fix-jobs-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the table scrolls, not the page
    assert_accessible(page)
