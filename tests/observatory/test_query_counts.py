"""The practice-report pages and API cost an exact number of queries, whatever the number of
reports, schools or cohorts: a change that adds one fails here, so it is a choice. Each count
is with three reports (ten for the cross-school view, over five schools)."""
import pytest
from django.test import Client

from observatory.models import Sharing
from schools.models import Enrollment, Role
from tests.factories import (AssignmentFactory, CohortFactory, CourseFactory, EnrollmentFactory, MembershipFactory,
                             PracticeReportFactory, SchoolFactory)

pytestmark = pytest.mark.django_db

# Pinned (README, "Practice reports").
# The form reads the school's register for its "which tool" select (one query).
FORM, FORM_REFUSED, LIST, DETAIL, ANALYTICS, ACROSS, HOME = 6, 10, 8, 7, 10, 4, 4
API_LIST, API_CREATE, API_CELLS = 5, 9, 3


@pytest.fixture
def school():
    school = SchoolFactory()
    PracticeReportFactory.create_batch(3, school=school)
    return school


def client_of(school, role):
    user = MembershipFactory(school=school, role=role).user
    client = Client()
    client.force_login(user)
    return client, user


FORM_DATA = {"tool": "other", "tool_name": "Ward scribe", "tool_category": "scribe", "failure_mode": "HAL",
             "severity": "near_miss", "ai_output": "No allergies.", "what_was_wrong": "Allergy left out."}


def test_the_report_form(school, django_assert_num_queries):
    client, _user = client_of(school, Role.TRAINEE)
    with django_assert_num_queries(FORM):
        assert client.get(f"/school/{school.slug}/reports/new/").status_code == 200


def test_a_report_refused_for_an_identifier(school, django_assert_num_queries):
    client, _user = client_of(school, Role.TRAINEE)
    with django_assert_num_queries(FORM_REFUSED):
        response = client.post(f"/school/{school.slug}/reports/new/", {**FORM_DATA, "ai_output": "call 06 12 34 56 78"})
    assert response.status_code == 400


def test_the_triage_list(school, django_assert_num_queries):
    client, _user = client_of(school, Role.FACULTY)
    with django_assert_num_queries(LIST):
        assert client.get(f"/school/{school.slug}/reports/").status_code == 200


def test_a_report(school, django_assert_num_queries):
    client, _user = client_of(school, Role.FACULTY)
    report = school.practice_reports.first()
    with django_assert_num_queries(DETAIL):
        assert client.get(f"/school/{school.slug}/reports/{report.pk}/").status_code == 200


def test_the_analytics_beside_a_cohorts_detection(school, django_assert_num_queries):
    client, user = client_of(school, Role.REVIEWER)
    for _ in range(2):
        cohort = CohortFactory(school=school)
        AssignmentFactory(cohort=cohort, course=CourseFactory(school=school))
        EnrollmentFactory(cohort=cohort, role=Enrollment.CohortRole.TRAINEE)
    with django_assert_num_queries(ANALYTICS):
        assert client.get(f"/school/{school.slug}/reports/analytics/").status_code == 200


def test_the_cross_school_view(django_assert_num_queries):
    for _ in range(5):
        other = SchoolFactory()
        Sharing.objects.create(school=other, share=True)
        PracticeReportFactory.create_batch(2, school=other)
    client, _user = client_of(SchoolFactory(), Role.TRAINEE)
    with django_assert_num_queries(ACROSS):
        assert b"<td class=\"num\">10</td>" in client.get("/observatory/across-schools/").content


def test_the_hub(school, django_assert_num_queries):
    client, _user = client_of(school, Role.FACULTY)
    with django_assert_num_queries(HOME):
        assert client.get("/observatory/").status_code == 200


def test_the_api_list(school, django_assert_num_queries):
    client, _user = client_of(school, Role.ADMIN)
    with django_assert_num_queries(API_LIST):
        assert len(client.get(f"/api/v1/schools/{school.slug}/practice-reports/").json()) == 3


def test_the_api_create(school, django_assert_num_queries):
    client, _user = client_of(school, Role.TRAINEE)
    with django_assert_num_queries(API_CREATE):
        response = client.post(f"/api/v1/schools/{school.slug}/practice-reports/", FORM_DATA,
                               content_type="application/json")
    assert response.status_code == 201


def test_the_api_cells(school, django_assert_num_queries):
    client, _user = client_of(school, Role.TRAINEE)
    with django_assert_num_queries(API_CELLS):
        assert client.get("/api/v1/observatory/cells/").status_code == 200


MINE, EXPORT = 4, 8  # with three reports each, as the others


def test_my_reports(school, django_assert_num_queries):
    user = school.practice_reports.first().reporter
    client = Client()
    client.force_login(user)
    PracticeReportFactory.create_batch(2, school=school, reporter=user)
    with django_assert_num_queries(MINE):
        assert client.get("/observatory/my-reports/").status_code == 200


def test_the_reports_csv(school, django_assert_num_queries):
    client, _user = client_of(school, Role.REVIEWER)
    with django_assert_num_queries(EXPORT):
        assert client.get(f"/school/{school.slug}/reports/reports.csv").status_code == 200
