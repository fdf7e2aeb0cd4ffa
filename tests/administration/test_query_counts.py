"""The school admin's pages cost a fixed number of queries, whatever the number of members,
cohorts or assignments."""
import pytest
from django.test import Client

from schools.models import Role
from tests.factories import AssignmentFactory, CohortFactory, CourseVersionFactory, EnrollmentFactory, MembershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db
MEMBERS, COHORT, SCHOOL = 7, 7, 5


@pytest.fixture
def client_for():
    def make(school):
        client = Client()
        client.force_login(MembershipFactory(school=school, role=Role.ADMIN).user)
        return client
    return make


@pytest.mark.parametrize("n", [1, 6])
def test_the_members_page(client_for, django_assert_num_queries, n):
    school = SchoolFactory(slug="north")
    cohort = CohortFactory(school=school)
    for _ in range(n):
        member = EnrollmentFactory(cohort=cohort).user
        MembershipFactory(school=school, user=member)
    client = client_for(school)
    with django_assert_num_queries(MEMBERS):
        assert client.get("/school/north/manage/members/").status_code == 200


@pytest.mark.parametrize("n", [1, 4])
def test_the_cohort_page(client_for, django_assert_num_queries, n):
    school = SchoolFactory()
    cohort = CohortFactory(school=school)
    for _ in range(n):
        AssignmentFactory(cohort=cohort, course=CourseVersionFactory(course__school=school).course)
        CourseVersionFactory(course__school=school)
    client = client_for(school)
    with django_assert_num_queries(COHORT):
        assert client.get(f"/school/manage/cohorts/{cohort.pk}/").status_code == 200


@pytest.mark.parametrize("n", [1, 5])
def test_the_school_page(client_for, django_assert_num_queries, n):
    school = SchoolFactory(slug="north")
    for _ in range(n):
        CohortFactory(school=school)
    client = client_for(school)
    with django_assert_num_queries(SCHOOL):
        assert client.get("/school/north/manage/").status_code == 200
