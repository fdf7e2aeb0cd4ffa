"""Names and Role Provisioning Services against the test platform: the LMS course's roster
synced into its cohort, on demand from the cohort's LTI page and by the beat's task; the
people the LMS stops listing unenrolled (only those the LMS enrolled), listed again enrolled
again."""
import pytest
from django.db import transaction

from lti import roster
from lti.models import ContextBinding, LtiEnrollment, LtiIdentity
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
    # removed: the first launcher (lms-user-1), whom this roster does not list
    assert counts == {"members": 4, "created": 2, "added": 2, "removed": 1, "unchanged": 0, "skipped": 2,
                      "changed": 0, "kept": 0}
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
    assert (counts["created"], counts["added"], counts["removed"], counts["unchanged"]) == (0, 0, 0, 2)


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
    assert ("Roster synced: added 2, removed 1, unchanged 0, skipped 2 (4 members read, 2 accounts created)."
            in response.content.decode())


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


# ---------------------------------------------------------------- members the LMS no longer lists

def sync(bound):
    with transaction.atomic():
        return roster.roster_sync(binding=bound, actor=None)


def enrolled(bound) -> set[str]:
    return set(LtiIdentity.objects.filter(user__enrollments__cohort=bound.cohort).values_list("sub", flat=True))


def test_a_member_the_roster_no_longer_lists_is_unenrolled_and_keeps_their_account(bound, lms):
    sync(bound)
    lms.members = [m for m in MEMBERS if m["user_id"] != "m-1"]
    counts = sync(bound)
    assert (counts["added"], counts["removed"], counts["unchanged"]) == (0, 1, 1)
    assert enrolled(bound) == {"m-2"}
    grace = LtiIdentity.objects.get(sub="m-1").user
    assert not Enrollment.objects.filter(cohort=bound.cohort, user=grace).exists()
    assert Membership.objects.filter(user=grace, school=bound.cohort.school).exists()
    event = AuditEvent.objects.get(action="lti.roster.unenrol", subject=grace)
    assert event.cohort_id == bound.cohort_id


def test_the_first_launcher_no_longer_listed_is_unenrolled_too(bound, lms):
    assert "lms-user-1" in enrolled(bound)  # enrolled by their launch
    sync(bound)
    assert "lms-user-1" not in enrolled(bound)


def test_a_member_listed_as_inactive_or_deleted_is_unenrolled(bound, lms):
    sync(bound)
    lms.members = [dict(MEMBERS[0], status="Inactive"), dict(MEMBERS[1], status="Deleted")]
    counts = sync(bound)
    assert counts["removed"] == 2 and enrolled(bound) == set()


def test_a_member_listed_again_is_enrolled_again_with_their_work(bound, lms):
    sync(bound)
    lms.members = MEMBERS[1:]
    sync(bound)
    lms.members = MEMBERS
    counts = sync(bound)
    assert counts["added"] == 1 and counts["removed"] == 0 and "m-1" in enrolled(bound)


def test_an_enrolment_an_admin_made_by_hand_stays(bound, lms):
    from schools.services import cohort_enroll

    by_hand = UserFactory()
    MembershipFactory(school=bound.cohort.school, user=by_hand, role=Role.TRAINEE)
    with transaction.atomic():
        cohort_enroll(cohort=bound.cohort, usernames=[by_hand.username], actor=None)
    sync(bound)
    assert Enrollment.objects.filter(cohort=bound.cohort, user=by_hand).exists()


def test_a_member_enrolled_by_hand_before_the_lms_listed_them_stays_when_it_stops(bound, lms):
    from lti.services import launch_user
    from schools.services import cohort_enroll

    with transaction.atomic():
        grace = launch_user(platform=bound.platform, sub="m-1", claims={}, role=Role.TRAINEE)
        cohort_enroll(cohort=bound.cohort, usernames=[grace.username], actor=None)
    assert sync(bound)["removed"] == 1  # the first launcher, not listed
    lms.members = MEMBERS[1:]
    assert sync(bound)["removed"] == 0  # Grace was enrolled by hand
    assert "m-1" in enrolled(bound)


def test_an_empty_roster_takes_nobody_back(bound, lms):
    sync(bound)
    lms.members = []
    assert sync(bound)["removed"] == 0 and enrolled(bound) == {"m-1", "m-2"}


def test_the_page_shows_the_removed_count_after_the_roster_changed(client, bound, lms):
    sync(bound)
    lms.members = MEMBERS[1:]
    admin = UserFactory()
    MembershipFactory(school=bound.cohort.school, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    body = client.post(f"/school/cohorts/{bound.cohort_id}/lti/").content.decode()
    assert "Roster synced: added 0, removed 1, unchanged 1, skipped 2 (3 members read, 0 accounts created)." in body


def test_the_migration_counts_as_from_the_lms_the_enrolments_of_accounts_it_created(bound, lms):
    """Enrolments made before origins were recorded: those of the LMS's accounts are its."""
    import importlib

    from django.apps import apps

    from schools.services import cohort_enroll

    by_hand = UserFactory()
    MembershipFactory(school=bound.cohort.school, user=by_hand, role=Role.TRAINEE)
    with transaction.atomic():
        cohort_enroll(cohort=bound.cohort, usernames=[by_hand.username], actor=None)
    LtiEnrollment.objects.all().delete()
    migration = importlib.import_module("lti.migrations.0002_placement_removal_and_lti_enrolments")
    migration.lti_enrolments_backfill(apps, None)
    assert list(LtiEnrollment.objects.values_list("user__lti_identities__sub", flat=True)) == ["lms-user-1"]


# ---------------------------------------------------------------- roles the LMS changed

def school_roles(bound, sub) -> set[str]:
    user = LtiIdentity.objects.get(sub=sub).user
    return set(Membership.objects.filter(user=user, school=bound.cohort.school).values_list("role", flat=True))


def cohort_role(bound, sub) -> str | None:
    return (Enrollment.objects.filter(cohort=bound.cohort, user__lti_identities__sub=sub)
            .values_list("role", flat=True).first())


def relisted(sub, *roles, status="Active"):
    member = next(m for m in MEMBERS if m["user_id"] == sub)
    return dict(member, roles=[ROLE + r for r in roles], status=status)


def test_a_learner_made_instructor_becomes_the_cohorts_faculty(bound, lms):
    sync(bound)
    lms.members = [relisted("m-1", "Instructor"), MEMBERS[1]]
    counts = sync(bound)
    assert cohort_role(bound, "m-1") == Enrollment.CohortRole.FACULTY
    assert school_roles(bound, "m-1") == {Role.TRAINEE, Role.FACULTY}
    assert (counts["changed"], counts["added"], counts["removed"]) == (2, 0, 0)  # the school role, the cohort role
    grace = LtiIdentity.objects.get(sub="m-1").user
    event = AuditEvent.objects.get(action="lti.roster.role", subject=grace)
    assert (event.cohort_id, event.detail["before"], event.detail["role"]) == (bound.cohort_id, "trainee", "faculty")
    assert AuditEvent.objects.filter(action="school.member.add", subject=grace, detail__role="faculty").exists()


def test_an_instructor_made_learner_becomes_a_trainee_and_loses_the_faculty_role_the_lms_gave(bound, lms):
    sync(bound)
    lms.members = [MEMBERS[0], relisted("m-2", "Learner")]
    counts = sync(bound)
    assert cohort_role(bound, "m-2") == Enrollment.CohortRole.TRAINEE
    assert school_roles(bound, "m-2") == {Role.TRAINEE}
    assert counts["changed"] == 3  # trainee added, cohort role changed, faculty taken back
    alan = LtiIdentity.objects.get(sub="m-2").user
    assert AuditEvent.objects.filter(action="school.role.revoke", subject=alan, detail__role="faculty").exists()
    assert AuditEvent.objects.filter(action="lti.roster.role", subject=alan, detail__role="trainee").exists()


def test_an_instructor_removed_from_the_roster_loses_the_enrolment_and_the_faculty_role(bound, lms):
    sync(bound)
    lms.members = [MEMBERS[0]]
    counts = sync(bound)
    assert cohort_role(bound, "m-2") is None and school_roles(bound, "m-2") == set()  # faculty was his only role
    assert (counts["removed"], counts["changed"]) == (1, 1)
    assert LtiEnrollment.objects.get(user__lti_identities__sub="m-2").removed_at is not None  # the history stays


def test_an_instructor_listed_as_inactive_loses_the_faculty_role(bound, lms):
    sync(bound)
    lms.members = [MEMBERS[0], relisted("m-2", "Instructor", status="Inactive")]
    counts = sync(bound)
    assert cohort_role(bound, "m-2") is None and Role.FACULTY not in school_roles(bound, "m-2")
    assert counts["skipped"] == 1 and counts["changed"] == 1


def test_a_faculty_role_set_in_vigil_by_hand_is_kept_and_said_so(bound, lms):
    from schools.services import member_role_grant

    with transaction.atomic():
        grace = LtiIdentity.objects.get(sub="lms-user-1").user  # the first launcher, a trainee
        member_role_grant(school=bound.cohort.school, user=grace, role=Role.FACULTY, actor=None)
    lms.members = [{"user_id": "lms-user-1", "status": "Active", "roles": [ROLE + "Learner"]}]
    counts = sync(bound)
    assert Role.FACULTY in school_roles(bound, "lms-user-1")
    assert (counts["changed"], counts["kept"]) == (0, 1)


def test_a_school_admin_set_in_vigil_by_hand_is_never_demoted_by_the_roster(bound, lms):
    from schools.services import member_role_grant

    with transaction.atomic():
        ada = LtiIdentity.objects.get(sub="lms-user-1").user
        member_role_grant(school=bound.cohort.school, user=ada, role=Role.ADMIN, actor=None)
    lms.members = [{"user_id": "lms-user-1", "status": "Active", "roles": [ROLE + "Learner"]}]
    assert sync(bound)["kept"] == 1
    lms.members = MEMBERS  # no longer listed at all
    assert sync(bound)["kept"] == 1
    assert Role.ADMIN in school_roles(bound, "lms-user-1")


def test_an_administrator_made_learner_loses_the_admin_role_the_lms_gave(bound, lms):
    MembershipFactory(school=bound.cohort.school, user=UserFactory(), role=Role.ADMIN)  # not the last admin
    lms.members = [dict(MEMBERS[0], roles=[ROLE + "Administrator"])]
    sync(bound)
    assert school_roles(bound, "m-1") == {Role.ADMIN} and cohort_role(bound, "m-1") is None
    lms.members = [MEMBERS[0]]
    counts = sync(bound)
    assert school_roles(bound, "m-1") == {Role.TRAINEE} and cohort_role(bound, "m-1") == Enrollment.CohortRole.TRAINEE
    assert counts["added"] == 1 and counts["changed"] == 2  # trainee added, admin taken back


def test_the_last_admin_of_the_school_keeps_the_admin_role_the_lms_gave(bound, lms):
    lms.members = [dict(MEMBERS[0], roles=[ROLE + "Administrator"])]
    sync(bound)
    lms.members = [MEMBERS[0]]
    counts = sync(bound)
    assert Role.ADMIN in school_roles(bound, "m-1") and counts["kept"] == 1


def test_a_faculty_role_another_lms_course_still_gives_is_kept(bound, lms, client):
    sync(bound)
    lms.context = {"id": "course-202", "label": "AI202", "title": "AI literacy 202"}
    lms.user.update(sub="m-2", roles=[ROLE + "Instructor"])
    launch(client, lms)  # Alan teaches the other course too
    lms.members = [MEMBERS[0], relisted("m-2", "Learner")]
    counts = sync(bound)
    assert cohort_role(bound, "m-2") == Enrollment.CohortRole.TRAINEE and Role.FACULTY in school_roles(bound, "m-2")
    assert counts["kept"] == 0


def test_a_cohort_role_an_admin_set_by_hand_is_left_as_it_is(bound, lms):
    from schools.services import cohort_enroll

    with transaction.atomic():
        grace = services_launch_user(bound, "m-1")
        cohort_enroll(cohort=bound.cohort, usernames=[grace.username], role=Enrollment.CohortRole.TRAINEE, actor=None)
    lms.members = [relisted("m-1", "Instructor")]
    counts = sync(bound)
    assert cohort_role(bound, "m-1") == Enrollment.CohortRole.TRAINEE  # enrolled by hand: not the LMS's to change
    assert Role.FACULTY in school_roles(bound, "m-1") and counts["changed"] == 1


def services_launch_user(bound, sub):
    from lti.services import launch_user

    return launch_user(platform=bound.platform, sub=sub, claims={}, role=Role.TRAINEE)


def test_the_page_says_how_many_roles_changed(client, bound, lms):
    sync(bound)
    lms.members = [MEMBERS[0], relisted("m-2", "Learner")]
    admin = UserFactory()
    MembershipFactory(school=bound.cohort.school, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    body = client.post(f"/school/cohorts/{bound.cohort_id}/lti/").content.decode()
    assert "Roles changed: 3; staff roles set in Vigil and kept: 0." in body
