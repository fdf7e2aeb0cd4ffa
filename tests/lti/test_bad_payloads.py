"""The certification suite's "bad payloads": each launch refused with a clear 4xx page that
says what is wrong, a log line naming the reason, and nobody signed in or created."""
import logging

import pytest

from lti.models import LtiIdentity
from tests.lti.conftest import launch, start_launch
from tests.lti.platform import LTI, rsa_pem_pair

pytestmark = pytest.mark.django_db


def refused(client, lms, caplog, code: str, says: bytes):
    with caplog.at_level(logging.WARNING, logger="vigil.lti"):
        response, _f = launch(client, lms)
    assert response.status_code == 400, response.content
    assert says in response.content
    assert f"lti refused {code}:" in caplog.text
    assert "_auth_user_id" not in client.session
    assert not LtiIdentity.objects.exists()
    return response


def test_missing_kid(client, lms, registered, caplog):
    lms.tamper = {"no_kid": True}
    refused(client, lms, caplog, "kid_missing", b"names no signing key")


def test_unknown_kid(client, lms, registered, caplog):
    lms.tamper = {"kid": "not-a-published-kid"}
    refused(client, lms, caplog, "kid_unknown", b"a key the platform does not publish")


def test_signed_with_another_key_under_the_platform_kid(client, lms, registered, caplog):
    lms.tamper = {"sign_with": rsa_pem_pair()[0]}
    refused(client, lms, caplog, "bad_signature", b"signature does not verify")


def test_wrong_lti_version(client, lms, registered, caplog):
    lms.tamper = {"set": {LTI + "version": "1.2.0"}}
    refused(client, lms, caplog, "version", b"not LTI 1.3.0")


def test_missing_message_type(client, lms, registered, caplog):
    lms.tamper = {"drop": [LTI + "message_type"]}
    refused(client, lms, caplog, "message_type_missing", b"says no message type")


def test_missing_roles(client, lms, registered, caplog):
    lms.tamper = {"drop": [LTI + "roles"]}
    refused(client, lms, caplog, "roles_missing", b"says no roles")


def test_missing_deployment_id(client, lms, registered, caplog):
    lms.tamper = {"drop": [LTI + "deployment_id"]}
    refused(client, lms, caplog, "deployment_missing", b"names no deployment")


def test_unregistered_deployment_id(client, lms, registered, caplog):
    lms.tamper = {"set": {LTI + "deployment_id": "dep-unknown"}}
    refused(client, lms, caplog, "deployment_unknown", b"deployment of Vigil is not registered")


def test_missing_resource_link(client, lms, registered, caplog):
    lms.tamper = {"drop": [LTI + "resource_link"]}
    refused(client, lms, caplog, "resource_link_missing", b"names no resource link")


def test_missing_sub(client, lms, registered, caplog):
    lms.tamper = {"drop": ["sub"]}
    refused(client, lms, caplog, "sub_missing", b"names no user (sub)")


def test_expired_token(client, lms, registered, caplog):
    lms.tamper = {"expired": True}
    refused(client, lms, caplog, "expired", b"has expired")


def test_wrong_audience(client, lms, registered, caplog):
    lms.tamper = {"set": {"aud": "another-tool", "azp": "another-tool"}}
    refused(client, lms, caplog, "audience", b"meant for another tool")


def test_audience_list_without_authorized_party(client, lms, registered, caplog):
    lms.tamper = {"set": {"aud": [lms.client_id, "another-tool"]}, "drop": ["azp"]}
    refused(client, lms, caplog, "audience", b"meant for another tool")


def test_issued_in_the_future(client, lms, registered, caplog):
    import time

    lms.tamper = {"set": {"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200}}
    with caplog.at_level(logging.WARNING, logger="vigil.lti"):
        response, _f = launch(client, lms)
    assert response.status_code == 400
    assert "lti refused" in caplog.text


def test_replayed_nonce(client, lms, registered, caplog):
    fields = start_launch(client, lms)
    assert client.post("/lti/launch/", fields).status_code == 200  # the state cookie is kept: only the nonce refuses
    with caplog.at_level(logging.WARNING, logger="vigil.lti"):
        again = client.post("/lti/launch/", fields)
    assert again.status_code == 400
    assert b"already used" in again.content
    assert "lti refused nonce_replayed:" in caplog.text


def test_a_nonce_vigil_never_issued(client, lms, registered, caplog):
    lms.tamper = {"set": {"nonce": "made-up"}}
    refused(client, lms, caplog, "nonce", b"not issued by Vigil")


def test_a_state_that_this_browser_did_not_start(client, lms, registered, caplog):
    fields = start_launch(client, lms)
    client.cookies.clear()
    with caplog.at_level(logging.WARNING, logger="vigil.lti"):
        response = client.post("/lti/launch/", fields)
    assert response.status_code == 400
    assert b"open Vigil in a new window" in response.content
    assert "lti refused state:" in caplog.text


def test_no_id_token(client, lms, registered, caplog):
    with caplog.at_level(logging.WARNING, logger="vigil.lti"):
        response = client.post("/lti/launch/", {"state": "x"})
    assert response.status_code == 400
    assert b"no id_token" in response.content


def test_a_login_from_an_unregistered_platform(client, lms, caplog):
    with caplog.at_level(logging.WARNING, logger="vigil.lti"):
        url, params = lms.login_initiation("/lti/login/", "http://testserver/lti/launch/")
        response = client.get(url, params)
    assert response.status_code == 400
    assert b"No school has registered this platform" in response.content
