"""Names and Role Provisioning Services against the test platform: the LMS course's roster
synced into its cohort, on demand from the cohort's LTI page and by the beat's task."""
import pytest
from django.db import transaction

from lti import roster
from lti.models import ContextBinding, LtiIdentity
from schools.models import AuditEvent, Enrollment, Membership, Role
from tests.factories import MembershipFactory, UserFactory
from tests.lti.conftest import launch
from tests.lti.platform import ROLE

pytestmark = pytest.mark.django_db

MEMBERS = [
    {"user_id": "m-1", "status": "Active", "given_name": "Grace", "family_name": "Hopper", "email": "g@lms.test",
     "roles": [ROLE + "Learner"]},
    {"user_id": "m-2", "status": "Active", "given_name": "Alan", "family_name": "Turing", "roles": [ROLE + "Instructor"]},
    {"user_id": "m-3", "status": "Inactive", "roles": [ROLE + "Learner"]},
    {"user_id": "m-4", "status": "Active", "roles": [ROLE + "Mentor"]},
]


@pytest.fixture
def bound(client, lms, registered):
    launch(client, lms)
    client.logout()
    lms.trust_tool_keys(client.get("/lti/jwks/mercy.json").json())
    lms.members = MEMBERS
    return ContextBinding.objects.select_related("platform", "cohort").get()


def test_the_launch_keeps_the_roster_address(bound, lms):
    assert bound.memberships_url == lms.base + "/memberships"


def test_a_sync_creates_and_enrols_the_active_members_with_their_roles(bound, lms):
    with transaction.atomic():
        counts = roster.roster_sync(binding=bound, actor=None)
    assert counts == {"members": 4, "created": 2, "enrolled": 2, "skipped": 2}
    grace = LtiIdentity.objects.get(sub="m-1").user
    alan = LtiIdentity.objects.get(sub="m-2").user
    assert Enrollment.objects.get(cohort=bound.cohort, user=grace).role == Enrollment.CohortRole.TRAINEE
    assert Enrollment.objects.get(cohort=bound.cohort, user=alan).role == Enrollment.CohortRole.FACULTY
    assert Membership.objects.filter(user=alan, role=Role.FACULTY, school=bound.cohort.school).exists()
    assert not LtiIdentity.objects.filter(sub__in=["m-3", "m-4"]).exists()
    assert AuditEvent.objects.filter(action="lti.roster.sync", cohort=bound.cohort).exists()


def test_a_second_sync_changes_nothing(bound, lms):
    with transaction.atomic():
        roster.roster_sync(binding=bound, actor=None)
        counts = roster.roster_sync(binding=bound, actor=None)
    assert (counts["created"], counts["enrolled"]) == (0, 0)


def test_a_member_who_launched_first_keeps_one_account(bound, lms):
    lms.members = [{"user_id": "lms-user-1", "status": "Active", "roles": [ROLE + "Learner"]}]
    with transaction.atomic():
        counts = roster.roster_sync(binding=bound, actor=None)
    assert counts["created"] == 0 and LtiIdentity.objects.count() == 1


def test_an_admin_syncs_on_demand_from_the_cohort_page(client, bound, lms):
    admin = UserFactory()
    MembershipFactory(school=bound.cohort.school, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    response = client.post(f"/school/cohorts/{bound.cohort_id}/lti/")
    assert response.status_code == 200
    assert "Roster synced: 4 members read, 2 accounts created, 2 enrolled, 2 skipped." in response.content.decode()


def test_faculty_teaching_the_cohort_may_not_sync(client, bound, lms):
    teacher = UserFactory()
    MembershipFactory(school=bound.cohort.school, user=teacher, role=Role.FACULTY)
    Enrollment.objects.create(cohort=bound.cohort, user=teacher, role=Enrollment.CohortRole.FACULTY)
    client.force_login(teacher)
    assert client.post(f"/school/cohorts/{bound.cohort_id}/lti/").status_code == 404
    assert not LtiIdentity.objects.filter(sub="m-1").exists()


def test_the_lms_down_during_a_sync_says_so_and_enrols_nobody(client, bound, lms):
    admin = UserFactory()
    MembershipFactory(school=bound.cohort.school, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    lms.stop()
    response = client.post(f"/school/cohorts/{bound.cohort_id}/lti/")
    assert response.status_code == 502
    assert b"The LMS did not give the roster" in response.content
    assert not LtiIdentity.objects.filter(sub="m-1").exists()


def test_the_beat_task_syncs_every_bound_course(bound, lms):
    from lti.tasks import sync_roster

    sync_roster.apply(args=[bound.pk])
    assert LtiIdentity.objects.filter(sub="m-1").exists()
