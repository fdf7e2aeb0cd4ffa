"""Practice reports in Chromium: a trainee's report refused for an e-mail address, the place
marked, then sent; faculty triage it and turn it into a draft case; the analytics and the
cross-school view. English on a desktop (1280 px), French on a phone (375 px); the pages pass
axe-core and fit the screen."""
import re

import pytest

from courses.models import CourseVersion
from observatory.models import PracticeReport
from schools.models import Role
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import (CohortFactory, CourseFactory, CourseVersionFactory, MembershipFactory, ModuleFactory,
                             SchoolFactory)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _check(page, name: str) -> None:
    _fits(page)
    screenshot(page, name)
    assert_accessible(page)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_a_report_refused_for_an_identifier_then_sent_triaged_and_made_a_draft_case(request, sign_in, device):
    suffix = "phone-fr" if device == "phone_page" else "desktop"
    school = SchoolFactory(name="Hôpital Démo")
    trainee = MembershipFactory(school=school, role=Role.TRAINEE).user
    faculty = MembershipFactory(school=school, role=Role.FACULTY).user
    CohortFactory(school=school)
    module = ModuleFactory(version=CourseVersionFactory(course=CourseFactory(school=school, owner=faculty),
                                                        status=CourseVersion.Status.DRAFT))
    page = sign_in(request.getfixturevalue(device), trainee)
    page.goto(f"/school/{school.slug}/reports/new/")
    page.select_option("[name=tool]", "other")
    page.fill("[name=tool_name]", "Ward scribe")
    page.select_option("[name=tool_category]", "scribe")
    page.select_option("[name=failure_mode]", "HAL")
    page.select_option("[name=severity]", "near_miss")
    page.fill("[name=ai_output]", "Letter sent to jane.doe@example.org: no known allergies.")
    page.fill("[name=what_was_wrong]", "The penicillin allergy was said aloud and left out.")
    page.locator("form.card button[type=submit]").click()
    assert page.locator("mark").inner_text() == "jane.doe@example.org"
    assert not PracticeReport.objects.exists()
    _check(page, f"observatory-report-refused-{suffix}")
    page.fill("[name=ai_output]", "Letter: no known allergies.")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_selector(".message.success")
    report = PracticeReport.objects.get()
    _check(page, f"observatory-report-form-{suffix}")

    page.context.clear_cookies()
    sign_in(page, faculty)
    page.goto(f"/school/{school.slug}/reports/")
    _check(page, f"observatory-list-{suffix}")
    page.goto(f"/school/{school.slug}/reports/{report.pk}/")
    _check(page, f"observatory-detail-{suffix}")
    page.select_option("[name=module]", str(module.pk))
    page.locator(f"form[action$='/reports/{report.pk}/to-case/'] button").click()
    page.wait_for_url(re.compile(r"/studio/cases/\d+/$"))
    report.refresh_from_db()
    assert report.status == "case" and report.case.module_id == module.pk
    page.goto(f"/school/{school.slug}/reports/analytics/")
    assert "Ward scribe" in page.inner_text("main")
    _check(page, f"observatory-analytics-{suffix}")
    page.goto("/observatory/across-schools/")
    _check(page, f"observatory-across-{suffix}")
    page.goto("/observatory/")
    _check(page, f"observatory-home-{suffix}")
