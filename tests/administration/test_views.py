"""The school admin's pages: a school admin creates and edits a cohort, assigns, changes and
withdraws a course, archives the cohort, grants and revokes roles and deactivates a member;
bad input answers 400 (or 409) saying what is wrong, and nothing is written."""
from datetime import datetime, timezone as dt_timezone

import pytest
from django.test import Client

from schools.models import Assignment, AuditEvent, Cohort, Membership, Role
from tests.factories import (AssignmentFactory, CohortFactory, CourseVersionFactory, EnrollmentFactory,
                             MembershipFactory, SchoolFactory)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory(slug="north")


@pytest.fixture
def admin(school):
    return MembershipFactory(school=school, role=Role.ADMIN, user__username="ada").user


@pytest.fixture
def client(admin):
    client = Client()
    client.force_login(admin)
    return client


def test_the_school_page_lists_active_and_archived_cohorts(client, school):
    CohortFactory(school=school, name="Interns 2026")
    CohortFactory(school=school, name="Interns 2024", archived_at=datetime(2025, 1, 1, tzinfo=dt_timezone.utc))
    page = client.get("/school/north/manage/").content.decode()
    assert "Interns 2026" in page and "Archived cohorts" in page and "Interns 2024" in page


def test_the_administration_tabs_lead_to_the_lti_and_xapi_pages(client, school):
    page = client.get("/school/north/manage/").content.decode()
    assert 'href="/school/north/lti/"' in page and 'href="/school/north/xapi/"' in page
    assert client.get("/school/north/xapi/").status_code == 200


def test_creating_a_cohort(client, school):
    response = client.post("/school/north/manage/cohorts/new/", {"name": "Residents", "year": "2026"})
    cohort = Cohort.objects.get(school=school)
    assert response.status_code == 302 and response["Location"] == f"/school/manage/cohorts/{cohort.pk}/"
    assert (cohort.name, cohort.year, cohort.slug) == ("Residents", 2026, "residents")
    assert AuditEvent.objects.filter(action="cohort.create", school=school).exists()


def test_a_cohort_name_taken_is_refused_on_its_field(client, school):
    CohortFactory(school=school, name="Residents", slug="residents")
    response = client.post("/school/north/manage/cohorts/new/", {"name": "Residents"})
    assert response.status_code == 400
    assert "A cohort with this name already exists." in response.content.decode()
    assert Cohort.objects.filter(school=school).count() == 1


def test_a_cohort_without_a_name_is_refused(client, school):
    response = client.post("/school/north/manage/cohorts/new/", {"name": "", "year": "1800"})
    assert response.status_code == 400
    assert not Cohort.objects.exists()


def test_renaming_a_cohort(client, school):
    cohort = CohortFactory(school=school, name="Old")
    assert client.post(f"/school/manage/cohorts/{cohort.pk}/", {"name": "New", "year": "2027"}).status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.year) == ("New", 2027)


def test_assigning_a_course_with_a_due_date_and_retake(client, school):
    cohort = CohortFactory(school=school)
    version = CourseVersionFactory(course__school=school, course__slug="triage")
    response = client.post(f"/school/manage/cohorts/{cohort.pk}/assignments/", {
        "assign-course": "triage", "assign-due_at": "2027-03-01T18:00", "assign-retake_new_versions": "on"})
    assert response.status_code == 302
    assignment = Assignment.objects.get(cohort=cohort)
    assert assignment.course == version.course and assignment.retake_new_versions and assignment.due_at.year == 2027


def test_a_course_of_another_school_cannot_be_assigned(client, school):
    cohort = CohortFactory(school=school)
    CourseVersionFactory(course__school=SchoolFactory(), course__slug="theirs")
    response = client.post(f"/school/manage/cohorts/{cohort.pk}/assignments/", {"assign-course": "theirs"})
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_changing_then_withdrawing_an_assignment(client, school):
    cohort = CohortFactory(school=school)
    assignment = AssignmentFactory(cohort=cohort, course__slug="triage")
    url = f"/school/manage/cohorts/{cohort.pk}/assignments/triage/"
    assert client.post(url, {"action": "change", "a-triage-due_at": "2027-05-02T09:00"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_at.month == 5
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    assert not Assignment.objects.exists()
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == ["cohort.assign", "cohort.unassign"]


def test_archiving_a_cohort_from_its_page(client, school):
    cohort = CohortFactory(school=school)
    client.post(f"/school/manage/cohorts/{cohort.pk}/archive/", {"action": "archive"})
    cohort.refresh_from_db()
    assert cohort.archived_at is not None
    assert "Archived" in client.get(f"/school/manage/cohorts/{cohort.pk}/").content.decode()


def test_another_schools_admin_gets_404(school):
    cohort = CohortFactory(school=school)
    other = Client()
    other.force_login(MembershipFactory(role=Role.ADMIN).user)
    assert other.get(f"/school/manage/cohorts/{cohort.pk}/").status_code == 404
    assert other.get("/school/north/manage/members/").status_code == 404


def test_granting_and_revoking_a_role(client, school):
    member = MembershipFactory(school=school, user__username="rex").user
    assert client.post("/school/north/manage/members/roles/",
                       {"username": "rex", "role": "reviewer", "action": "grant"}).status_code == 302
    assert Membership.objects.filter(user=member, role=Role.REVIEWER).exists()
    assert client.post("/school/north/manage/members/roles/",
                       {"username": "rex", "role": "reviewer", "action": "revoke"}).status_code == 302
    assert not Membership.objects.filter(user=member, role=Role.REVIEWER).exists()


def test_revoking_the_last_admin_is_refused_with_409(client):
    response = client.post("/school/north/manage/members/roles/", {"username": "ada", "role": "admin", "action": "revoke"})
    assert response.status_code == 409
    assert "last admin" in response.content.decode()


def test_a_role_that_does_not_exist_is_refused(client, school):
    MembershipFactory(school=school, user__username="rex")
    response = client.post("/school/north/manage/members/roles/", {"username": "rex", "role": "dean", "action": "grant"})
    assert response.status_code == 400


def test_a_username_outside_the_school_is_404(client):
    MembershipFactory(user__username="stranger")
    response = client.post("/school/north/manage/members/roles/",
                           {"username": "stranger", "role": "faculty", "action": "grant"})
    assert response.status_code == 404


def test_deactivating_a_member_from_the_members_page(client, school):
    trainee = EnrollmentFactory(cohort__school=school, user__username="ann").user
    MembershipFactory(school=school, user=trainee)
    page = client.get("/school/north/manage/members/").content.decode()
    assert "ann" in page
    assert client.post("/school/north/manage/members/account/", {"username": "ann", "action": "deactivate"}).status_code == 302
    trainee.refresh_from_db()
    assert not trainee.is_active
    assert "Deactivated" in client.get("/school/north/manage/members/").content.decode()


def test_an_archived_cohort_stays_readable_on_the_staff_pages(client, school):
    cohort = CohortFactory(school=school, name="Interns 2024", archived_at=datetime(2025, 1, 1, tzinfo=dt_timezone.utc))
    index = client.get("/school/").content.decode()
    assert "Interns 2024" in index and "Archived" in index
    assert client.get(f"/school/cohorts/{cohort.pk}/").status_code == 200
