"""Cohort API: school scoping, roles, bounded queries, atomic enrolment."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from schools.models import Assignment, AuditEvent, Enrollment, Membership, Role
from quizzes import services
from tests.factories import (
    AssignmentFactory, CohortFactory, EnrollmentFactory, ItemFactory, MembershipFactory, ModuleFactory, UserFactory,
    CaseFactory,
)


def client_for(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def cohort(db):
    return CohortFactory()


@pytest.fixture
def reviewer(cohort):
    return MembershipFactory(school=cohort.school, role=Role.REVIEWER).user


def cohort_with_graded_trainees(cohort, n):
    module = ModuleFactory()
    AssignmentFactory(cohort=cohort, course=module.version.course)
    item = ItemFactory(case=CaseFactory(module=module))
    for i in range(n):
        trainee = EnrollmentFactory(cohort=cohort).user
        attempt = services.attempt_start(trainee=trainee, module=module)
        response, _ = services.response_submit(attempt=attempt, item=item, answer={"answer": "b" if i % 2 else "a"})
        services.response_grade(response_id=response.pk)


def test_reviewer_reads_progress_of_a_cohort_of_their_school(cohort, reviewer):
    cohort_with_graded_trainees(cohort, 2)
    body = client_for(reviewer).get(f"/api/v1/cohorts/{cohort.pk}/progress/").json()
    module = body["courses"][0]["modules"][0]
    assert (module["trainees"], module["started"], module["completed"]) == (2, 2, 2)
    assert module["mean_score"] == pytest.approx(0.5)


def test_reviewer_of_another_school_sees_nothing(cohort):
    stranger = MembershipFactory(role=Role.REVIEWER).user
    c = client_for(stranger)
    assert c.get(f"/api/v1/cohorts/{cohort.pk}/progress/").status_code == 404
    assert c.get(f"/api/v1/cohorts/{cohort.pk}/reliance/").status_code == 404
    assert c.get("/api/v1/cohorts/").json()["results"] == []


def test_trainee_sees_no_cohort_dashboard(cohort):
    trainee = EnrollmentFactory(cohort=cohort).user
    assert client_for(trainee).get(f"/api/v1/cohorts/{cohort.pk}/reliance/").status_code == 404


def test_faculty_sees_the_cohorts_they_teach_only(cohort):
    teacher = EnrollmentFactory(cohort=cohort, role=Enrollment.CohortRole.FACULTY).user
    other = CohortFactory(school=cohort.school)
    c = client_for(teacher)
    assert c.get(f"/api/v1/cohorts/{cohort.pk}/progress/").status_code == 200
    assert c.get(f"/api/v1/cohorts/{other.pk}/progress/").status_code == 404


def test_reliance_reading_is_audited(cohort, reviewer):
    client_for(reviewer).get(f"/api/v1/cohorts/{cohort.pk}/reliance/")
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.cohort) == (reviewer, "cohort.reliance.read", cohort)


def test_reliance_gives_cohort_and_per_trainee_measures(cohort, reviewer):
    cohort_with_graded_trainees(cohort, 2)
    body = client_for(reviewer).get(f"/api/v1/cohorts/{cohort.pk}/reliance/").json()
    assert body["cohort"]["measures"]["mean_score"] == pytest.approx(0.5)
    assert sorted(t["measures"]["mean_score"] for t in body["trainees"]) == [0, 1]


def test_reliance_api_carries_k_n_and_bounds(cohort, reviewer):
    from progress.models import MeasureCounter
    cohort_with_graded_trainees(cohort, 2)
    trainee = Enrollment.objects.filter(cohort=cohort).first().user
    course = cohort.assignments.first().course
    MeasureCounter.objects.create(trainee=trainee, course=course, name="rel.W.n", value=5)
    MeasureCounter.objects.create(trainee=trainee, course=course, name="rel.W.accepted", value=5)
    body = client_for(reviewer).get(f"/api/v1/cohorts/{cohort.pk}/reliance/").json()
    ab = body["cohort"]["measures"]["reliance"]["evidence"]["automation_bias"]
    assert (ab["k"], ab["n"], ab["high"]) == (5, 5, 1.0) and 0.4 < ab["low"] < 0.6


@pytest.mark.parametrize("endpoint", ["progress", "reliance", "trends", "dashboard"])
def test_dashboard_queries_do_not_grow_with_the_cohort(cohort, reviewer, endpoint):
    cohort_with_graded_trainees(cohort, 2)
    c = client_for(reviewer)
    with CaptureQueriesContext(connection) as small:
        c.get(f"/api/v1/cohorts/{cohort.pk}/{endpoint}/")
    cohort_with_graded_trainees(cohort, 15)
    with CaptureQueriesContext(connection) as large:
        c.get(f"/api/v1/cohorts/{cohort.pk}/{endpoint}/")
    assert len(large) == len(small)
    assert len(small) == API_QUERIES[endpoint]


def test_enrolment_with_an_unknown_username_enrols_nobody(cohort):
    admin = MembershipFactory(school=cohort.school, role=Role.ADMIN).user
    known = UserFactory()
    response = client_for(admin).post(
        f"/api/v1/cohorts/{cohort.pk}/enrollments/", {"usernames": [known.username, "ghost"]}, format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"usernames[1]": ["No user named ghost."]}
    assert not Enrollment.objects.exists()


def test_enrolling_a_member_of_another_school_is_a_400_and_writes_nothing(cohort):
    admin = MembershipFactory(school=cohort.school, role=Role.ADMIN).user
    stranger = MembershipFactory(role=Role.TRAINEE).user  # a trainee of another school
    response = client_for(admin).post(
        f"/api/v1/cohorts/{cohort.pk}/enrollments/", {"usernames": [UserFactory().username, stranger.username]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"usernames[1]": [f"{stranger.username} is a member of another school."]}
    assert not Enrollment.objects.exists()
    assert not Membership.objects.filter(school=cohort.school).exclude(user=admin).exists()
    assert not AuditEvent.objects.exists()


def test_enrolling_into_an_archived_cohort_is_a_409_naming_the_cohort(cohort):
    from django.utils import timezone

    admin = MembershipFactory(school=cohort.school, role=Role.ADMIN).user
    cohort.archived_at = timezone.now()
    cohort.save(update_fields=["archived_at"])
    response = client_for(admin).post(
        f"/api/v1/cohorts/{cohort.pk}/enrollments/", {"usernames": [UserFactory().username]}, format="json",
    )
    assert (response.status_code, response.json()["errors"]) == (409, {"cohort": ["Archived."]})
    assert not Enrollment.objects.exists()


def test_school_admin_enrols_and_assigns(cohort):
    admin = MembershipFactory(school=cohort.school, role=Role.ADMIN).user
    trainee = UserFactory()
    module = ModuleFactory()
    c = client_for(admin)
    assert c.post(f"/api/v1/cohorts/{cohort.pk}/enrollments/", {"usernames": [trainee.username]}, format="json").status_code == 201
    response = c.post(f"/api/v1/cohorts/{cohort.pk}/assignments/", {"course": module.version.course.slug}, format="json")
    assert response.status_code == 201
    assert client_for(trainee).get("/api/v1/me/courses/").json()["courses"][0]["course"] == module.version.course.slug


def test_school_admin_says_a_new_version_must_be_retaken(cohort):
    admin = MembershipFactory(school=cohort.school, role=Role.ADMIN).user
    module = ModuleFactory()
    c = client_for(admin)
    url = f"/api/v1/cohorts/{cohort.pk}/assignments/"
    assert c.post(url, {"course": module.version.course.slug}, format="json").json()["retake_new_versions"] is False
    response = c.post(url, {"course": module.version.course.slug, "retake_new_versions": True}, format="json")
    assert response.json()["retake_new_versions"] is True
    assert Assignment.objects.get(cohort=cohort).retake_new_versions
    c.post(url, {"course": module.version.course.slug}, format="json")  # left out: unchanged
    assert Assignment.objects.get(cohort=cohort).retake_new_versions


def test_reviewer_cannot_enrol(cohort, reviewer):
    response = client_for(reviewer).post(f"/api/v1/cohorts/{cohort.pk}/enrollments/", {"usernames": ["x"]}, format="json")
    assert response.status_code == 404


# What each endpoint costs (exactly), for 2 trainees as for 17.
API_QUERIES = {"progress": 8, "reliance": 4, "trends": 6, "dashboard": 9}
