"""Login and resource-link launch against the test platform: the person signed in, created
in the school and enrolled in the cohort of the LMS course on the first launch, roles mapped."""
import pytest
from django.contrib.auth import get_user_model

from lti.models import ContextBinding, LtiIdentity, Placement
from schools.models import AuditEvent, Enrollment, Membership, Role
from tests.factories import CourseFactory, CourseVersionFactory, ModuleFactory
from tests.lti.conftest import launch
from tests.lti.platform import ROLE

pytestmark = pytest.mark.django_db


def test_first_launch_creates_the_learner_in_the_school_and_signs_them_in(client, lms, registered, school):
    response, _fields = launch(client, lms)
    assert response.status_code == 200
    identity = LtiIdentity.objects.get(platform=registered, sub="lms-user-1")
    user = identity.user
    assert (user.first_name, user.last_name, user.email) == ("Ada", "Lovelace", "ada@lms.test")
    assert Membership.objects.filter(school=school, user=user, role=Role.TRAINEE).exists()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEvent.objects.filter(action="lti.account.create", subject=user).exists()


def test_first_launch_creates_the_cohort_of_the_lms_course_and_enrols_the_learner(client, lms, registered, school):
    launch(client, lms)
    binding = ContextBinding.objects.get(platform=registered, context_id="course-101")
    assert binding.cohort.school == school and binding.cohort.name == "AI literacy 101"
    assert Enrollment.objects.filter(cohort=binding.cohort, role=Enrollment.CohortRole.TRAINEE).count() == 1


def test_a_second_launch_reuses_the_account_and_the_cohort(client, lms, registered):
    launch(client, lms)
    client.logout()
    response, _f = launch(client, lms)
    assert response.status_code == 200
    assert get_user_model().objects.filter(lti_identities__platform=registered).count() == 1
    assert ContextBinding.objects.count() == 1


def test_a_launch_into_an_archived_cohort_enrols_nobody_new_and_says_why(client, lms, registered):
    from django.utils import timezone

    launch(client, lms)
    client.logout()
    binding = ContextBinding.objects.get()
    Enrollment.objects.filter(cohort=binding.cohort).delete()
    binding.cohort.archived_at = timezone.now()
    binding.cohort.save(update_fields=["archived_at"])
    response, _f = launch(client, lms)
    assert response.status_code == 409 and b"archived" in response.content
    assert not Enrollment.objects.filter(cohort=binding.cohort).exists()


@pytest.mark.parametrize(("lti_role", "school_role", "cohort_role"), [
    (ROLE + "Instructor", Role.FACULTY, Enrollment.CohortRole.FACULTY),
    (ROLE + "Instructor#TeachingAssistant", Role.FACULTY, Enrollment.CohortRole.FACULTY),
    ("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator", Role.ADMIN, None),
    ("Learner", Role.TRAINEE, Enrollment.CohortRole.TRAINEE),
])
def test_lms_roles_map_to_school_roles(client, lms, registered, school, lti_role, school_role, cohort_role):
    lms.user["roles"] = [lti_role]
    response, _f = launch(client, lms)
    assert response.status_code == 200
    user = LtiIdentity.objects.get().user
    assert list(Membership.objects.filter(school=school, user=user).values_list("role", flat=True)) == [school_role]
    assert list(Enrollment.objects.filter(user=user).values_list("role", flat=True)) == (
        [cohort_role] if cohort_role else [])


def test_a_launch_with_no_role_vigil_maps_is_refused(client, lms, registered):
    lms.user["roles"] = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"]
    response, _f = launch(client, lms)
    assert response.status_code == 403
    assert b"None of your LMS roles" in response.content
    assert not LtiIdentity.objects.exists()


def test_the_launch_opens_the_module_placed_at_the_resource_link(client, lms, registered):
    launch(client, lms)  # binds the course
    version = CourseVersionFactory(course=CourseFactory(school=registered.school), status="published")
    module = ModuleFactory(version=version, slug="triage")
    Placement.objects.create(context=ContextBinding.objects.get(), resource_link_id="rl-1", course=version.course,
                             module_slug="triage", title="Triage")
    client.logout()
    response, _f = launch(client, lms)
    assert f'data-target="/learn/modules/{module.pk}/"' in response.content.decode()
    assert client.get(f"/learn/modules/{module.pk}/").status_code == 200


def test_the_login_and_launch_answers_may_be_framed_by_the_lms(client, lms, registered):
    url, params = lms.login_initiation("/lti/login/", "http://testserver/lti/launch/")
    page = client.get(url, params)
    assert "X-Frame-Options" not in page.headers


def test_the_platform_served_its_key_set_over_http_to_the_tool(client, lms, registered):
    launch(client, lms)
    assert ("GET", "/jwks") in lms.requests
