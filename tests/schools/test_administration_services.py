"""The school admin's changes: each writes its audit record; the last admin is protected; a
deactivated member signs in no more but keeps their records; an archived cohort takes no
new course."""
import pytest
from django.test import Client

from schools import services
from schools.models import Assignment, AuditEvent, Membership, Role
from tests.factories import AssignmentFactory, CohortFactory, CourseFactory, MembershipFactory, SchoolFactory
from training.errors import ApplicationError, Conflict

pytestmark = pytest.mark.django_db


def _signs_in(username: str) -> bool:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": "pw-for-tests-1"})
    return "_auth_user_id" in client.session


def _actions(school):
    return list(AuditEvent.objects.filter(school=school).order_by("pk").values_list("action", flat=True))


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def admin(school):
    return MembershipFactory(school=school, role=Role.ADMIN).user


def test_renaming_a_cohort_is_audited_with_what_changed(admin):
    cohort = CohortFactory(name="Old", year=2025)
    services.cohort_update(cohort=cohort, name="New", year=2025, actor=admin)
    event = AuditEvent.objects.get(action="cohort.update")
    assert event.detail == {"cohort": "New", "name": "New"} and event.cohort == cohort


def test_saving_a_cohort_unchanged_records_nothing(admin):
    cohort = CohortFactory(name="Same", year=2025)
    services.cohort_update(cohort=cohort, name="Same", year=2025, actor=admin)
    assert not AuditEvent.objects.exists()


def test_archiving_then_restoring_a_cohort_is_audited_once_each(admin):
    cohort = CohortFactory()
    services.cohort_archive(cohort=cohort, actor=admin)
    services.cohort_archive(cohort=cohort, actor=admin)
    services.cohort_restore(cohort=cohort, actor=admin)
    assert _actions(cohort.school) == ["cohort.archive", "cohort.restore"]
    assert cohort.archived_at is None


def test_an_archived_cohort_is_given_no_new_course(admin):
    cohort = services.cohort_archive(cohort=CohortFactory(), actor=admin)
    with pytest.raises(Conflict, match="archived"):
        services.cohort_assign_course(cohort=cohort, course=CourseFactory(), actor=admin)


def test_withdrawing_a_course_deletes_the_assignment_and_is_audited(admin):
    assignment = AssignmentFactory()
    services.cohort_unassign_course(assignment=assignment, actor=admin)
    assert not Assignment.objects.exists()
    assert AuditEvent.objects.get().detail == {"course": assignment.course.slug}


def test_granting_a_staff_role_to_a_member(school, admin):
    member = MembershipFactory(school=school).user
    services.member_role_grant(school=school, user=member, role=Role.REVIEWER, actor=admin)
    assert Membership.objects.filter(school=school, user=member, role=Role.REVIEWER).exists()
    assert _actions(school) == ["school.role.grant"]


def test_a_stranger_to_the_school_is_given_no_role(school, admin):
    stranger = MembershipFactory().user
    with pytest.raises(ApplicationError, match="not a member"):
        services.member_role_grant(school=school, user=stranger, role=Role.FACULTY, actor=admin)


def test_the_trainee_role_is_no_staff_role(school, admin):
    member = MembershipFactory(school=school, role=Role.FACULTY).user
    with pytest.raises(ApplicationError, match="staff roles"):
        services.member_role_grant(school=school, user=member, role=Role.TRAINEE, actor=admin)


def test_the_last_admin_keeps_the_role(school, admin):
    with pytest.raises(Conflict, match="last admin"):
        services.member_role_revoke(school=school, user=admin, role=Role.ADMIN, actor=admin)
    assert Membership.objects.filter(user=admin, role=Role.ADMIN).exists()


def test_an_admin_among_two_may_lose_the_role(school, admin):
    other = MembershipFactory(school=school, role=Role.ADMIN).user
    services.member_role_revoke(school=school, user=other, role=Role.ADMIN, actor=admin)
    assert _actions(school) == ["school.role.revoke"]


def test_an_inactive_admin_does_not_count_as_the_remaining_one(school, admin):
    other = MembershipFactory(school=school, role=Role.ADMIN, user__is_active=False).user
    assert other
    with pytest.raises(Conflict, match="last admin"):
        services.member_role_revoke(school=school, user=admin, role=Role.ADMIN, actor=admin)


def test_a_deactivated_member_signs_in_no_more_and_keeps_their_roles(school, admin):
    member = MembershipFactory(school=school, user__username="ann").user
    services.member_deactivate(school=school, user=member, actor=admin)
    assert not _signs_in("ann")
    assert Membership.objects.filter(user=member, school=school).exists()
    assert _actions(school) == ["school.member.deactivate"]


def test_a_deactivated_members_open_session_ends(school, admin):
    member = MembershipFactory(school=school).user
    client = Client()
    client.force_login(member)
    services.member_deactivate(school=school, user=member, actor=admin)
    assert client.get("/school/").status_code == 302  # to the sign-in page


def test_a_member_of_another_school_too_is_not_deactivated_by_one(school, admin):
    member = MembershipFactory(school=school).user
    MembershipFactory(user=member)
    with pytest.raises(Conflict, match="elsewhere"):
        services.member_deactivate(school=school, user=member, actor=admin)


def test_an_admin_does_not_deactivate_themself(school, admin):
    MembershipFactory(school=school, role=Role.ADMIN)
    with pytest.raises(Conflict, match="your own"):
        services.member_deactivate(school=school, user=admin, actor=admin)


def test_reactivating_a_member_lets_them_sign_in(school, admin):
    member = MembershipFactory(school=school, user__username="bob", user__is_active=False).user
    services.member_reactivate(school=school, user=member, actor=admin)
    assert _signs_in("bob")
    assert _actions(school) == ["school.member.reactivate"]
