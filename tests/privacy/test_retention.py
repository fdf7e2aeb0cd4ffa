"""Retention: identifying data goes a set time after a member's cohorts end, never without the
school's admins being told first."""
from datetime import date, datetime, timedelta, timezone

import pytest
from django.core import mail

from privacy.models import PrivacyPolicy, RetentionNotice
from privacy.retention import NOTICE_DAYS, retention_apply
from schools.models import AuditEvent, Cohort, Role
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.factories import CohortFactory, EnrollmentFactory, MembershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 7, 1)


@pytest.fixture
def w():
    w = populate(world())
    MembershipFactory(school=w.cohort.school, role=Role.ADMIN, user__email="dean@school.example")
    PrivacyPolicy.objects.create(school=w.cohort.school, retention_days=365)
    return w


def _archive(cohort, on: date):
    Cohort.objects.filter(pk=cohort.pk).update(archived_at=datetime.combine(on, datetime.min.time(), timezone.utc))


def _usernames(w):
    for user in w.people.values():
        user.refresh_from_db()
    return sorted(u.username for u in w.people.values())


def test_nothing_happens_while_the_cohort_is_open(w):
    assert retention_apply(today=TODAY) == {"erased": 0, "warned": 0}
    assert not mail.outbox


def test_the_admins_are_warned_before_anything_is_erased(w):
    _archive(w.cohort, TODAY - timedelta(days=365 - NOTICE_DAYS))
    assert retention_apply(today=TODAY) == {"erased": 0, "warned": 3}
    assert mail.outbox[0].to == ["dean@school.example"]
    assert "Alice Archer (alice)" in mail.outbox[0].body
    assert _usernames(w) == ["alice", "bob", "carol"]
    assert AuditEvent.objects.filter(action="privacy.retention.notice").count() == 1


def test_a_second_run_does_not_warn_twice(w):
    _archive(w.cohort, TODAY - timedelta(days=365 - NOTICE_DAYS))
    retention_apply(today=TODAY)
    assert retention_apply(today=TODAY + timedelta(days=1)) == {"erased": 0, "warned": 0}
    assert len(mail.outbox) == 1


def test_the_day_the_notice_named_the_members_are_erased(w):
    _archive(w.cohort, TODAY - timedelta(days=365 - NOTICE_DAYS))
    retention_apply(today=TODAY)
    assert retention_apply(today=TODAY + timedelta(days=NOTICE_DAYS))["erased"] == 3
    assert all(name.startswith("erased-") for name in _usernames(w))
    assert RetentionNotice.objects.get().carried_out_at is not None
    assert AuditEvent.objects.filter(action="privacy.member.erase", actor=None).count() == 3


def test_a_member_enrolled_in_a_new_cohort_meanwhile_is_spared(w):
    _archive(w.cohort, TODAY - timedelta(days=365 - NOTICE_DAYS))
    retention_apply(today=TODAY)
    EnrollmentFactory(cohort=CohortFactory(school=w.cohort.school), user=w.people["bob"])
    retention_apply(today=TODAY + timedelta(days=NOTICE_DAYS))
    names = _usernames(w)
    assert "bob" in names and sum(n.startswith("erased-") for n in names) == 2


def test_a_member_of_another_school_is_never_erased_automatically(w):
    MembershipFactory(school=SchoolFactory(), user=w.people["carol"], role=Role.TRAINEE)
    _archive(w.cohort, TODAY - timedelta(days=365))
    retention_apply(today=TODAY)
    retention_apply(today=TODAY + timedelta(days=NOTICE_DAYS))
    assert "carol" in _usernames(w)
    assert "members of another school too: 1" in mail.outbox[0].body


def test_a_school_without_a_retention_period_keeps_its_data(w):
    PrivacyPolicy.objects.filter(school=w.cohort.school).update(retention_days=None)
    _archive(w.cohort, TODAY - timedelta(days=3650))
    assert retention_apply(today=TODAY) == {"erased": 0, "warned": 0}
