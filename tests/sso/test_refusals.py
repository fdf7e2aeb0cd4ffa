"""Answers of an identity provider refused: for another school, another audience, expired,
altered, replayed. Each with a page that says why (403), a log line and an audit record."""
import base64
import logging

from django.test import Client
from saml2 import time_util

from accounts.models import User
from schools.models import AuditEvent
from tests.factories import SchoolFactory

from .conftest import idp_answer, register


def _refused(answer, reason: str, school_slug: str) -> None:
    assert answer.status_code == 403
    assert f'data-reason="{reason}"'.encode() in answer.content
    assert AuditEvent.objects.filter(action="sso.sign_in.refused", school__slug=school_slug,
                                     detail__reason=reason).exists()


def test_an_answer_of_school_a_s_identity_provider_is_refused_at_school_b(client, school_idp, school, other_idp):
    school_b = SchoolFactory(slug="univ-b")
    register(school_b, other_idp, client)
    acs, fields = idp_answer(client, school.slug)
    answer = client.post(acs.replace("/univ-a/", "/univ-b/"), fields)
    assert answer.status_code == 403
    assert AuditEvent.objects.filter(action="sso.sign_in.refused", school=school_b).exists()
    assert not User.objects.exists() and "_auth_user_id" not in client.session


def test_an_answer_meant_for_school_a_is_refused_at_school_b_registering_the_same_idp(
        client, school_idp, school, idp):
    school_b = SchoolFactory(slug="univ-b")
    register(school_b, idp, client)
    acs, fields = idp_answer(client, school.slug)
    idp_answer(client, school_b.slug)  # school B has a request outstanding in this browser too
    answer = client.post(acs.replace("/univ-a/", "/univ-b/"), fields)
    _refused(answer, "audience", "univ-b")
    assert b"meant for another service" in answer.content
    assert not User.objects.exists()


def test_an_expired_assertion_is_refused(client, school_idp, school, idp, monkeypatch):
    acs, fields = idp_answer(client, school.slug)
    later = time_util.utc_now() + (idp.lifetime_minutes + 5) * 60
    monkeypatch.setattr(time_util, "utc_now", lambda: later)  # the answer arrives after its end
    answer = client.post(acs, fields)
    _refused(answer, "expired", school.slug)
    assert b"has expired" in answer.content
    assert not User.objects.exists()


def test_an_altered_assertion_is_refused(client, school_idp, school):
    acs, fields = idp_answer(client, school.slug)
    xml = base64.b64decode(fields["SAMLResponse"]).replace(b"Jeanne", b"Mallory")
    answer = client.post(acs, {**fields, "SAMLResponse": base64.b64encode(xml).decode()})
    _refused(answer, "signature", school.slug)
    assert not User.objects.exists()


def test_a_replayed_answer_is_refused_in_the_same_browser(client, school_idp, school):
    acs, fields = idp_answer(client, school.slug)
    assert client.post(acs, fields).status_code == 302
    client.logout()
    _refused(client.post(acs, fields), "unsolicited", school.slug)


def test_a_replayed_answer_is_refused_in_another_browser(client, school_idp, school):
    acs, fields = idp_answer(client, school.slug)
    client.post(acs, fields)
    answer = Client().post(acs, fields)
    _refused(answer, "unsolicited", school.slug)
    assert b"already used" in answer.content


def test_a_refusal_is_logged(client, school_idp, school, caplog):
    acs, fields = idp_answer(client, school.slug)
    with caplog.at_level(logging.WARNING, logger="vigil.sso"):
        Client().post(acs, fields)
    assert any("SSO sign-in refused for school univ-a: unsolicited" in r.getMessage() for r in caplog.records)


def test_an_answer_without_saml_response_is_a_400(client, school_idp, school):
    assert client.post(f"/sso/{school.slug}/acs/", {}).status_code == 400


def test_a_disabled_account_is_refused_at_its_next_sign_on(client, school_idp, school):
    acs, fields = idp_answer(client, school.slug)
    client.post(acs, fields)
    User.objects.update(is_active=False)
    client.logout()
    acs, fields = idp_answer(client, school.slug)
    answer = client.post(acs, fields)
    _refused(answer, "inactive", school.slug)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sso.sign_in").count() == 1  # the first one only
