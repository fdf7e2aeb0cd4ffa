"""Placed activities listed on the school's LTI page and removed from it: the removed
placement's launch from the real test platform says so, its grades not yet received are no
longer sent (nor detected again), those received stay as they were."""
import pytest
from django.db import transaction

from lti import grades
from lti.models import LtiIdentity, Placement, ScorePassback
from lti.services import placement_remove
from schools.models import AuditEvent, Role
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.lti.conftest import launch, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, school):
    admin = UserFactory()
    MembershipFactory(school=school, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    return client


def detect(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(), transaction.atomic():
        return grades.passbacks_detect()


def remove(admin_client, placement):
    return admin_client.post(f"/school/{placement.context.platform.school.slug}/lti/",
                             {"action": "placement_remove", "placement": placement.pk})


def test_the_school_page_lists_each_placed_activity_with_its_lms_course(placed, admin_client, client):
    body = admin_client.get("/school/mercy/lti/").content.decode()
    assert "ai-lit/triage" in body and "AI literacy 101" in body
    assert f'name="placement" value="{placed["placement"].pk}"' in body


def test_a_removed_placement_leaves_the_list_and_is_audited(placed, admin_client):
    assert remove(admin_client, placed["placement"]).status_code == 302
    assert Placement.objects.get().removed_at is not None
    assert 'name="placement"' not in admin_client.get("/school/mercy/lti/").content.decode()
    event = AuditEvent.objects.get(action="lti.placement.remove")
    assert event.cohort_id == placed["placement"].context.cohort_id and event.detail["module"] == "triage"


def test_a_removed_placements_launch_says_it_was_removed(placed, client, lms):
    with transaction.atomic():
        placement_remove(placement=Placement.objects.get(), actor=None)
    client.logout()
    response, _f = launch(client, lms)
    assert response.status_code == 410
    assert b"This Vigil activity (Triage) was removed by your school" in response.content
    assert b"placement_removed" in response.content


def test_a_removed_placements_unsent_grades_stop_and_are_not_detected_again(
        placed, lms, django_capture_on_commit_callbacks):
    take(placed, ["b", "b"])
    assert detect(django_capture_on_commit_callbacks) == 1
    with transaction.atomic():
        assert placement_remove(placement=Placement.objects.get(), actor=None) == 1
    row = ScorePassback.objects.get()
    assert row.status == ScorePassback.Status.STOPPED
    assert grades.passback_send(passback_id=row.pk).status == ScorePassback.Status.STOPPED  # the queued message
    assert detect(django_capture_on_commit_callbacks) == 0
    assert lms.scores == {}


def test_a_grade_already_received_stays_received(placed, lms, django_capture_on_commit_callbacks):
    take(placed, ["b", "b"])
    detect(django_capture_on_commit_callbacks)
    grades.passback_send(passback_id=ScorePassback.objects.get().pk)
    with transaction.atomic():
        assert placement_remove(placement=Placement.objects.get(), actor=None) == 0
    assert ScorePassback.objects.get().status == ScorePassback.Status.SENT


def test_a_placement_removed_while_its_grade_was_queued_is_not_sent(placed, lms, django_capture_on_commit_callbacks):
    take(placed, ["b", "b"])
    detect(django_capture_on_commit_callbacks)
    Placement.objects.update(removed_at="2026-01-01T00:00:00Z")  # removed, the row not yet marked
    row = grades.passback_send(passback_id=ScorePassback.objects.get().pk)
    assert row.status == ScorePassback.Status.STOPPED and lms.scores == {}


def test_another_schools_placement_cannot_be_removed_from_this_page(placed, client):
    other = SchoolFactory(slug="other")
    admin = UserFactory()
    MembershipFactory(school=other, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    response = client.post("/school/other/lti/", {"action": "placement_remove", "placement": placed["placement"].pk})
    assert response.status_code == 400 and b"Choose one of the activities listed" in response.content
    assert Placement.objects.get().removed_at is None


def test_faculty_may_not_remove_a_placement(placed, client):
    client.force_login(LtiIdentity.objects.get(sub="lms-teacher").user)
    assert client.post("/school/mercy/lti/", {"action": "placement_remove",
                                              "placement": placed["placement"].pk}).status_code == 404
    assert Placement.objects.get().removed_at is None


def test_a_deactivated_registrations_grades_wait_and_go_once_reactivated(placed, lms, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from lti.services import platform_set_active

    take(placed, ["b", "b"])
    platform = placed["placement"].context.platform
    with transaction.atomic():
        platform_set_active(platform=platform, active=False, actor=None)
    assert detect(django_capture_on_commit_callbacks) == 0
    with transaction.atomic():
        platform_set_active(platform=platform, active=True, actor=None)
    assert detect(django_capture_on_commit_callbacks) == 1
    with transaction.atomic():
        platform_set_active(platform=platform, active=False, actor=None)
    ScorePassback.objects.update(changed_at=timezone.now() - timedelta(minutes=5))
    assert grades.passbacks_resend() == []
    row = grades.passback_send(passback_id=ScorePassback.objects.get().pk)  # a message queued before
    assert row.status == ScorePassback.Status.PENDING and lms.scores == {}
