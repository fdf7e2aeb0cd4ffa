"""The school's audit log in Chromium: an admin finds who opened a trainee's record, in
English on a desktop and in French on a phone, from the drill-down too, and the pages pass
axe-core."""
import re

import pytest

from cohorts import services
from schools.models import Role
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import CohortFactory, EnrollmentFactory, MembershipFactory
from schools import services as school_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def log():
    """A reviewer opened Ann's record, then Bob's (returned with the school, its admin and cohort)."""
    cohort = CohortFactory()
    admin = MembershipFactory(school=cohort.school, role=Role.ADMIN, user__first_name="Ada", user__last_name="Admin").user
    reviewer = MembershipFactory(school=cohort.school, role=Role.REVIEWER, user__first_name="Rex",
                                 user__last_name="Reviewer").user
    for username in ("ann", "bob"):
        trainee = EnrollmentFactory(cohort=cohort, user__username=username, user__first_name=username.title(),
                                    user__last_name="Archer").user
        school_services.audit_record(actor=reviewer, action="cohort.trainee.read", cohort=cohort, subject=trainee)
    admin.refresh_from_db()  # the stored password hash, for the session
    return cohort.school, admin, cohort, trainee


LABELS = {  # the desktop asks for English, the phone for French
    "en": {"page": "page", "nav": "Audit log", "field": "Trainee (username)", "button": "Apply filters",
           "table": "Audit events", "opened": "Opened a trainee's record"},
    "fr": {"page": "phone_page", "nav": "Journal d'audit", "field": "Apprenant (identifiant)",
           "button": "Appliquer les filtres", "table": "Événements du journal d'audit",
           "opened": "A ouvert le dossier d'un apprenant"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_admin_finds_who_opened_a_trainees_record(request, sign_in, log, language):
    school, admin, _cohort, _bob = log
    labels = LABELS[language]
    page = sign_in(request.getfixturevalue(labels["page"]), admin)
    page.goto("/school/")
    page.get_by_role("link", name=labels["nav"]).click()
    page.wait_for_url(re.compile(rf"/school/{school.slug}/audit/$"))
    assert page.locator("html").get_attribute("lang") == language
    page.get_by_label(labels["field"]).fill("ann")
    page.get_by_role("button", name=labels["button"]).click()
    page.wait_for_url(re.compile(r"trainee=ann"))
    rows = page.get_by_role("region", name=labels["table"]).locator("tbody tr")
    assert rows.count() == 1
    assert re.search(rf"Rex Reviewer.*{labels['opened']}.*Ann Archer", rows.first.inner_text(), re.S)
    screenshot(page, f"audit-log-{language}")
    assert_accessible(page)


def test_the_drill_down_tells_an_admin_who_looked_and_links_to_the_log(page, sign_in, log):
    _school, admin, cohort, bob = log
    sign_in(page, admin)
    page.goto(f"/school/cohorts/{cohort.pk}/trainees/{bob.pk}/")
    box = page.get_by_role("region", name="Latest views of this record")
    assert "Rex Reviewer" in box.inner_text() and "Ada Admin" in box.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Every event about Bob Archer in the audit log").click()
    page.wait_for_url(re.compile(r"trainee=bob"))
    assert page.get_by_label("Trainee (username)").input_value() == "bob"
