"""Each change to a school's people and cohorts writes its own audit record."""
from datetime import timedelta

import pytest
from django.utils import timezone

from schools import services
from schools.models import AuditEvent, Enrollment, Membership, Role
from training.errors import ApplicationError
from tests.factories import CohortFactory, CourseFactory, MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def _actions(cohort) -> list[tuple[str, dict]]:
    return list(AuditEvent.objects.filter(cohort=cohort).order_by("pk").values_list("action", "detail"))


def test_creating_a_cohort_is_audited_in_its_school():
    admin, school = UserFactory(), SchoolFactory()
    cohort = services.cohort_create(school=school, name="Class of 2028", actor=admin)
    event = AuditEvent.objects.get(action="cohort.create")
    assert (event.actor, event.school_id, event.cohort) == (admin, school.pk, cohort)


def test_enrolling_records_how_many_were_added():
    cohort, admin = CohortFactory(), UserFactory()
    first, second = UserFactory(), UserFactory()
    services.cohort_enroll(cohort=cohort, usernames=[first.username], actor=admin)
    services.cohort_enroll(cohort=cohort, usernames=[first.username, second.username], actor=admin)
    assert _actions(cohort) == [("cohort.enroll", {"role": "trainee", "enrolled": 1})] * 2


def test_enrolling_nobody_new_records_nothing():
    cohort, trainee = CohortFactory(), UserFactory()
    services.cohort_enroll(cohort=cohort, usernames=[trainee.username])
    services.cohort_enroll(cohort=cohort, usernames=[trainee.username])
    assert len(_actions(cohort)) == 1


def test_a_refused_enrolment_enrols_and_records_nothing():
    cohort, trainee = CohortFactory(), UserFactory()
    with pytest.raises(ApplicationError) as refused:
        services.cohort_enroll(cohort=cohort, usernames=[trainee.username, "nobody"])
    assert list(refused.value.errors) == ["usernames[1]"]
    assert not Enrollment.objects.filter(cohort=cohort).exists()
    assert _actions(cohort) == []


def test_members_of_another_school_are_refused_and_nobody_is_enrolled():
    cohort = CohortFactory()
    free, ours = UserFactory(), MembershipFactory(school=cohort.school).user
    theirs = [MembershipFactory(role=Role.TRAINEE).user, MembershipFactory(role=Role.FACULTY).user]
    names = [free.username, theirs[0].username, ours.username, theirs[1].username]
    with pytest.raises(ApplicationError) as refused:
        services.cohort_enroll(cohort=cohort, usernames=names)
    assert refused.value.errors == {
        "usernames[1]": [f"{theirs[0].username} is a member of another school."],
        "usernames[3]": [f"{theirs[1].username} is a member of another school."],
    }
    assert not Enrollment.objects.filter(cohort=cohort).exists()
    assert not Membership.objects.filter(school=cohort.school).exclude(user=ours).exists()
    assert _actions(cohort) == []


def test_a_member_of_this_school_and_another_one_is_enrolled():
    cohort = CohortFactory()
    both = MembershipFactory(school=cohort.school).user
    MembershipFactory(user=both)  # of another school too
    services.cohort_enroll(cohort=cohort, usernames=[both.username])
    assert Enrollment.objects.filter(cohort=cohort, user=both).exists()


def test_assigning_and_changing_the_due_date_are_recorded_but_not_a_repeat():
    cohort, course = CohortFactory(), CourseFactory()
    due = timezone.now() + timedelta(days=7)
    services.cohort_assign_course(cohort=cohort, course=course)
    services.cohort_assign_course(cohort=cohort, course=course)
    services.cohort_assign_course(cohort=cohort, course=course, due_at=due)
    assert _actions(cohort) == [("cohort.assign", {"course": course.slug, "due": None}),
                                ("cohort.assign", {"course": course.slug, "due": due.isoformat()})]


def test_a_new_role_in_a_school_is_recorded_once():
    school, person = SchoolFactory(), UserFactory()
    services.school_member_add(school=school, user=person, role="reviewer")
    services.school_member_add(school=school, user=person, role="reviewer")
    assert AuditEvent.objects.filter(action="school.member.add", subject=person, school=school).count() == 1


def test_an_archived_cohort_takes_nobody_new():
    cohort = CohortFactory(archived_at=timezone.now())
    trainee = UserFactory()
    with pytest.raises(ApplicationError) as refused:
        services.cohort_enroll(cohort=cohort, usernames=[trainee.username])
    assert (refused.value.status_code, Enrollment.objects.filter(cohort=cohort).count()) == (409, 0)
