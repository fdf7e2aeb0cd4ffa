"""In Chromium: a faculty member fixes a wrong key in this year's version of a course, fixes
last year's copy of the question with it (a third version, whose key was already changed, is
offered but cannot be ticked), and reaches the regrade of each version; the pages pass axe-core."""
import pytest
from playwright.sync_api import expect

from courses.models import ItemKey
from quizzes import regrade
from quizzes.models import KeyFix, RegradeJob
from tests.browser.conftest import assert_accessible, screenshot
from tests.quizzes.test_key_twins import author, course_versions  # noqa: F401 - a fixture and a helper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_faculty_member_fixes_a_key_in_two_versions_and_reaches_both_regrades(page, sign_in, author):  # noqa: F811
    v1, v2, v3 = course_versions(author, [["a", "b"], ["a"], ["b", "a", "a"]])
    ItemKey.objects.filter(item=v2).update(answer={"answer": "a"})
    author.refresh_from_db()  # the stored password hash, for the session
    sign_in(page, author)

    page.goto(f"/studio/items/{v3.pk}/")
    page.get_by_role("link", name="Fix the key").click()
    last_year = page.get_by_label("Also fix version 1 (published, 2 graded answers)")
    assert last_year.is_checked() and last_year.is_enabled()
    changed = page.get_by_label("Also fix version 2 (published, 1 graded answer)")
    assert not changed.is_checked() and changed.is_disabled()
    assert page.get_by_text("Its key is not the one being fixed").is_visible()
    page.get_by_label("Option 1 is the right answer").check()
    page.get_by_label("Why is the key changed?").fill("The key was swapped: A is right.")
    screenshot(page, "key-fix-twins-desktop")
    assert_accessible(page)
    page.get_by_role("button", name="Change the key and prepare the dry runs").click()

    page.get_by_role("heading", name="Regrades after the key fix of which").wait_for()
    page.get_by_text("The key was changed in 2 versions.").wait_for()
    fix = KeyFix.objects.get(item=v3)
    assert [f.item_id for f in fix.twin_fixes.all()] == [v1.pk]
    assert {job.item_id for job in RegradeJob.objects.all()} == {v1.pk, v3.pk}
    assert [ItemKey.objects.get(item=v).answer for v in (v1, v2, v3)] == [{"answer": "a"}] * 3
    screenshot(page, "key-fix-jobs-desktop")
    assert_accessible(page)

    for job in RegradeJob.objects.all():  # what the workers do after the commit
        regrade.regrade_job_dry_run(job_id=job.pk)
    # The page polls its jobs and reloads itself once they are done (a reload of ours would race it).
    expect(page.locator("span.status.ready")).to_have_count(2, timeout=15_000)
    page.wait_for_load_state()
    page.get_by_role("link", name="Open the regrade of version 1").click()
    page.get_by_role("heading", name="Regrade of which").wait_for()
    assert page.get_by_role("button", name="Regrade 2 answers now").is_visible()
