"""The practice-report pages and API: who may, bad input refused with the place, the
cross-school view absent below its threshold."""
import pytest
from django.test import Client
from django.urls import reverse

from courses.models import CourseVersion
from observatory.models import PracticeReport, Sharing
from schools.models import Role
from tests.factories import (CohortFactory, CourseFactory, CourseVersionFactory, MembershipFactory, ModuleFactory,
                             PracticeReportFactory, SchoolFactory, UserFactory)

pytestmark = pytest.mark.django_db

FORM = {"tool": "other", "tool_name": "Ward scribe", "tool_category": "scribe", "failure_mode": "SHIFT",
        "severity": "near_miss", "ai_output": "Summary says no allergies.",
        "what_was_wrong": "The patient had a penicillin allergy.", "clinician_action": ""}


def member(school, role=Role.TRAINEE):
    user = UserFactory()
    MembershipFactory(school=school, user=user, role=role)
    client = Client()
    client.force_login(user)
    return user, client


def test_a_member_reports_from_the_form():
    school = SchoolFactory()
    _user, client = member(school)
    response = client.post(reverse("observatory:new", args=[school.slug]), FORM)
    assert response.status_code == 302 and PracticeReport.objects.get().school == school


def test_the_form_says_no_patient_data():
    school = SchoolFactory()
    _user, client = member(school)
    assert b"No patient data." in client.get(reverse("observatory:new", args=[school.slug])).content


def test_an_identifier_is_refused_with_the_place_marked_in_the_text():
    school = SchoolFactory()
    _user, client = member(school)
    response = client.post(reverse("observatory:new", args=[school.slug]),
                           {**FORM, "ai_output": "Letter for jane.doe@example.org says no allergies."})
    body = response.content.decode()
    assert response.status_code == 400 and not PracticeReport.objects.exists()
    assert "<mark>jane.doe@example.org</mark>" in body and "Line 1, character 12" in body


def test_someone_of_another_school_cannot_report_to_it():
    _user, client = member(SchoolFactory())
    response = client.post(reverse("observatory:new", args=[SchoolFactory().slug]), FORM)
    assert response.status_code == 404 and not PracticeReport.objects.exists()


def test_a_trainee_does_not_see_the_triage_list():
    school = SchoolFactory()
    _user, client = member(school)
    assert client.get(reverse("observatory:list", args=[school.slug])).status_code == 404


def test_faculty_triage_a_report():
    school = SchoolFactory()
    report = PracticeReportFactory(school=school)
    _user, client = member(school, Role.FACULTY)
    response = client.post(reverse("observatory:detail", args=[school.slug, report.pk]), {"status": "reviewed"})
    report.refresh_from_db()
    assert response.status_code == 302 and report.status == "reviewed"


def test_faculty_turn_a_report_into_a_draft_case_of_their_course():
    school = SchoolFactory()
    faculty, client = member(school, Role.FACULTY)
    module = ModuleFactory(version=CourseVersionFactory(course=CourseFactory(school=school, owner=faculty),
                                                        status=CourseVersion.Status.DRAFT))
    report = PracticeReportFactory(school=school)
    response = client.post(reverse("observatory:to-case", args=[school.slug, report.pk]), {"module": module.pk})
    report.refresh_from_db()
    assert response.status_code == 302 and report.case.module == module


def test_a_module_of_a_course_they_do_not_edit_is_refused():
    school = SchoolFactory()
    _faculty, client = member(school, Role.FACULTY)
    module = ModuleFactory(version=CourseVersionFactory(course=CourseFactory(school=school, owner=UserFactory()),
                                                        status=CourseVersion.Status.DRAFT))
    report = PracticeReportFactory(school=school)
    response = client.post(reverse("observatory:to-case", args=[school.slug, report.pk]), {"module": module.pk})
    report.refresh_from_db()
    assert response.status_code == 400 and report.case_id is None and not module.cases.exists()


def test_the_analytics_put_reports_beside_the_cohorts_detection():
    school = SchoolFactory()
    PracticeReportFactory.create_batch(4, school=school)
    CohortFactory(school=school)
    _user, client = member(school, Role.REVIEWER)
    body = client.get(reverse("observatory:analytics", args=[school.slug])).content.decode()
    assert "Chest X-ray triage AI" in body and "SHIFT" in body and "no case yet" in body


def test_only_an_admin_changes_sharing():
    school = SchoolFactory()
    _faculty, faculty_client = member(school, Role.FACULTY)
    _admin, admin_client = member(school, Role.ADMIN)
    url = reverse("observatory:sharing", args=[school.slug])
    assert faculty_client.post(url, {"share": "on"}).status_code == 404
    assert admin_client.post(url, {"share": "on"}).status_code == 302
    assert Sharing.objects.get(school=school).share is True


# ---------------------------------------------------------------- across schools

def shared_schools(n, reports_each=1, share=True, category="imaging", mode="SHIFT"):
    for _ in range(n):
        school = SchoolFactory()
        Sharing.objects.create(school=school, share=share)
        PracticeReportFactory.create_batch(reports_each, school=school, tool_category=category, failure_mode_id=mode)


def cells(client):
    return client.get("/api/v1/observatory/cells/").json()["cells"]


@pytest.fixture
def signed_in():
    client = Client()
    client.force_login(UserFactory())
    return client


def test_a_cell_of_k_schools_and_k_reports_is_published(signed_in, settings):
    settings.VIGIL_OBSERVATORY_K = 3
    shared_schools(3)
    assert cells(signed_in) == [{"tool_category": "imaging", "failure_mode": "SHIFT", "schools": 3, "reports": 3}]


def test_a_cell_of_too_few_schools_is_absent_from_page_and_api(signed_in, settings):
    settings.VIGIL_OBSERVATORY_K = 3
    shared_schools(2, reports_each=5, category="triage", mode="SHIFT")  # 10 reports, 2 schools
    shared_schools(3, category="imaging", mode="SHIFT")
    page = signed_in.get(reverse("observatory:across")).content.decode()
    assert [c["tool_category"] for c in cells(signed_in)] == ["imaging"]
    assert "Triage and early warning" not in page and ">10<" not in page


def test_a_cell_of_too_few_reports_is_absent(signed_in, settings):
    settings.VIGIL_OBSERVATORY_K = 3
    shared_schools(2, category="imaging", mode="SHIFT")
    shared_schools(1, reports_each=0)
    assert cells(signed_in) == []
    assert b"No count is large enough to publish yet." in signed_in.get(reverse("observatory:across")).content


def test_schools_that_do_not_share_are_not_counted(signed_in, settings):
    settings.VIGIL_OBSERVATORY_K = 3
    shared_schools(2)
    shared_schools(1, share=False)
    assert cells(signed_in) == []


def test_k_defaults_to_five(signed_in):
    shared_schools(4, reports_each=2)
    assert signed_in.get("/api/v1/observatory/cells/").json() == {"k": 5, "cells": []}


# ---------------------------------------------------------------- the API

def test_the_api_refuses_an_identifier_with_the_field_and_place():
    school = SchoolFactory()
    _user, client = member(school)
    response = client.post(f"/api/v1/schools/{school.slug}/practice-reports/",
                           {**FORM, "what_was_wrong": "NHS 943 476 5919 was in the summary."},
                           content_type="application/json")
    assert response.status_code == 400 and "what_was_wrong" in response.json()["errors"]
    assert not PracticeReport.objects.exists()


def test_the_api_lists_the_schools_reports_to_its_triagers():
    school = SchoolFactory()
    PracticeReportFactory(school=school)
    PracticeReportFactory()
    _user, client = member(school, Role.ADMIN)
    assert len(client.get(f"/api/v1/schools/{school.slug}/practice-reports/").json()) == 1


def test_the_analytics_show_the_cohorts_recall_of_the_reported_failure_mode():
    from progress.models import MeasureCounter
    from tests.factories import AssignmentFactory, EnrollmentFactory

    school = SchoolFactory()
    PracticeReportFactory.create_batch(4, school=school)
    cohort = CohortFactory(school=school)
    course = CourseFactory(school=school)
    AssignmentFactory(cohort=cohort, course=course)
    trainee = EnrollmentFactory(cohort=cohort).user
    MeasureCounter.objects.create(trainee=trainee, course=course, name="fm.SHIFT.keys", value=17)
    MeasureCounter.objects.create(trainee=trainee, course=course, name="fm.SHIFT.found", value=7)
    _user, client = member(school, Role.REVIEWER)
    body = client.get(reverse("observatory:analytics", args=[school.slug])).content.decode()
    assert "41%<span class=\"ci\">" in body and "7 of 17;" in body and 'data-label="Reports">4</td>' in body
    assert "95% CI</span> <span class=\"nw\">22–64%</span>" in body  # Wilson, 7 of 17
