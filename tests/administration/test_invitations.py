"""Invitations: the admin e-mails a member a link to set their password; the link works once,
before it expires, with Django's password validators; a resend ends the earlier link; an
expired, used or unknown link gets a page saying so, and is logged."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from schools.models import AuditEvent, Invitation, Role
from tests.factories import MembershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def school():
    return SchoolFactory(slug="north", name="North Medical School")


@pytest.fixture
def admin_client(school):
    client = Client()
    client.force_login(MembershipFactory(school=school, role=Role.ADMIN).user)
    return client


@pytest.fixture
def ann(school):
    return MembershipFactory(school=school, user__username="ann", user__email="ann@example.org").user


def _invite(client, django_capture_on_commit_callbacks, username="ann"):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/school/north/manage/members/invite/", {"username": username})
    return response


def _link(message) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)


def test_an_invitation_e_mails_a_link_that_sets_the_password_once(admin_client, ann, django_capture_on_commit_callbacks):
    assert _invite(admin_client, django_capture_on_commit_callbacks).status_code == 302
    assert mail.outbox[0].to == ["ann@example.org"] and "North Medical School" in mail.outbox[0].subject
    link = _link(mail.outbox[0])
    assert "Choose your password" in Client().get(link).content.decode()
    response = Client().post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    ann.refresh_from_db()
    assert ann.check_password(NEW_PASSWORD)
    again = Client().get(link)
    assert again.status_code == 410 and "already used" in again.content.decode()
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "school.invitation.send", "school.invitation.accept", "school.invitation.refused"]


def test_a_weak_password_is_refused_by_the_validators(admin_client, ann, django_capture_on_commit_callbacks):
    _invite(admin_client, django_capture_on_commit_callbacks)
    response = Client().post(_link(mail.outbox[0]), {"new_password1": "ann", "new_password2": "ann"})
    assert response.status_code == 400
    assert Invitation.objects.get().used_at is None


def test_an_expired_link_is_refused_and_logged(admin_client, ann, django_capture_on_commit_callbacks):
    _invite(admin_client, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(_link(mail.outbox[0]))
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert AuditEvent.objects.get(action="school.invitation.refused").detail == {"reason": "expired"}


def test_a_resend_ends_the_earlier_link(admin_client, ann, django_capture_on_commit_callbacks):
    _invite(admin_client, django_capture_on_commit_callbacks)
    _invite(admin_client, django_capture_on_commit_callbacks)
    first, second = _link(mail.outbox[0]), _link(mail.outbox[1])
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200
    assert AuditEvent.objects.filter(action="school.invitation.send").last().detail["resent"] is False
    assert AuditEvent.objects.filter(action="school.invitation.send").first().detail["resent"] is True


def test_an_unknown_link_gets_a_clear_404():
    response = Client().get("/invitations/not-a-token/")
    assert response.status_code == 404 and "not valid" in response.content.decode()


def test_a_member_without_an_e_mail_is_not_invited(admin_client, school, django_capture_on_commit_callbacks):
    MembershipFactory(school=school, user__username="noemail", user__email="")
    response = _invite(admin_client, django_capture_on_commit_callbacks, "noemail")
    assert response.status_code == 400 and "no e-mail address" in response.content.decode()
    assert not mail.outbox and not Invitation.objects.exists()


def test_the_link_of_a_member_deactivated_since_is_refused(admin_client, ann, django_capture_on_commit_callbacks):
    _invite(admin_client, django_capture_on_commit_callbacks)
    type(ann).objects.filter(pk=ann.pk).update(is_active=False)
    response = Client().get(_link(mail.outbox[0]))
    assert response.status_code == 410 and "deactivated" in response.content.decode()
