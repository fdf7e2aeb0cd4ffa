"""The server's side of the LTI client-side OIDC with platform storage, against the test
platform: the login keeps the state and nonce for the LMS's storage frame; a launch whose
state cookie did not come back gets the page that reads them back; the launch it posts again
is accepted only from Vigil's own page, for a state this login issued, once. (The scripts and
the LMS's storage frame run in Chromium: tests/browser/test_lti_storage.py.)"""
import re

import pytest

from lti.models import LaunchState, LtiIdentity
from tests.lti.conftest import start_launch

pytestmark = pytest.mark.django_db

OWN_ORIGIN = "http://testserver"


@pytest.fixture
def storing_lms(lms):
    lms.storage_target = "_parent"
    return lms


def without_state_cookie(client, fields):
    client.cookies.pop("lti1p3-" + fields["state"], None)


def checked(fields) -> dict:
    return dict(fields, lti_storage_checked="1")


def test_the_login_page_hands_the_state_and_nonce_to_the_storage_script(client, storing_lms, registered):
    url, params = storing_lms.login_initiation("/lti/login/", "http://testserver/lti/launch/")
    body = client.get(url, params).content.decode()
    assert 'data-storage-target="_parent"' in body and 'data-storage-mode="put"' in body
    assert f'data-platform-origin="{storing_lms.base}"' in body and "lti/storage.js" in body
    state = re.search(r'data-state="([^"]+)"', body).group(1)
    nonce = re.search(r'data-nonce="([^"]+)"', body).group(1)
    assert LaunchState.objects.get(key=f"storage-state-{state}").value == {"nonce": nonce, "platform": registered.pk}


def test_a_login_without_a_storage_target_keeps_to_the_cookie(client, lms, registered):
    url, params = lms.login_initiation("/lti/login/", "http://testserver/lti/launch/")
    body = client.get(url, params).content.decode()
    assert "data-storage-target" not in body and "data-go-url" in body
    assert not LaunchState.objects.filter(key__startswith="storage-state-").exists()


def test_a_launch_without_its_state_cookie_gets_the_page_that_reads_the_storage(client, storing_lms, registered):
    fields = start_launch(client, storing_lms)
    without_state_cookie(client, fields)
    response = client.post("/lti/launch/", fields)
    body = response.content.decode()
    assert response.status_code == 200 and 'data-storage-mode="get"' in body
    assert f'value="{fields["state"]}"' in body and 'name="lti_storage_checked" value="1"' in body
    assert f'data-nonce="{storing_lms.last_message["nonce"]}"' in body
    assert not LtiIdentity.objects.exists() and "_auth_user_id" not in client.session


def test_the_checked_launch_from_vigils_own_page_signs_in(client, storing_lms, registered):
    fields = start_launch(client, storing_lms)
    without_state_cookie(client, fields)
    response = client.post("/lti/launch/", checked(fields), HTTP_ORIGIN=OWN_ORIGIN)
    assert response.status_code == 200, response.content
    assert b"lti-launched" in response.content
    assert int(client.session["_auth_user_id"]) == LtiIdentity.objects.get(sub="lms-user-1").user_id


def test_a_checked_launch_from_another_site_is_refused(client, storing_lms, registered):
    fields = start_launch(client, storing_lms)
    without_state_cookie(client, fields)
    response = client.post("/lti/launch/", checked(fields), HTTP_ORIGIN="https://attacker.example")
    assert response.status_code == 400 and b"storage_origin" in response.content
    assert not LtiIdentity.objects.exists()


def test_a_checked_launch_without_an_origin_is_refused(client, storing_lms, registered):
    fields = start_launch(client, storing_lms)
    without_state_cookie(client, fields)
    assert client.post("/lti/launch/", checked(fields)).status_code == 400
    assert not LtiIdentity.objects.exists()


def test_a_checked_launch_of_a_state_no_login_issued_is_refused(client, storing_lms, registered):
    fields = start_launch(client, storing_lms)
    without_state_cookie(client, fields)
    LaunchState.objects.filter(key__startswith="storage-state-").delete()
    response = client.post("/lti/launch/", checked(fields), HTTP_ORIGIN=OWN_ORIGIN)
    assert response.status_code == 400 and b"does not match a sign-in started in this browser" in response.content
    assert not LtiIdentity.objects.exists()


def test_a_checked_launch_is_accepted_once(client, storing_lms, registered):
    fields = start_launch(client, storing_lms)
    without_state_cookie(client, fields)
    assert client.post("/lti/launch/", checked(fields), HTTP_ORIGIN=OWN_ORIGIN).status_code == 200
    client.logout()
    assert client.post("/lti/launch/", checked(fields), HTTP_ORIGIN=OWN_ORIGIN).status_code == 400


def test_a_launch_whose_cookie_came_back_needs_no_storage_check(client, storing_lms, registered):
    fields = start_launch(client, storing_lms)
    response = client.post("/lti/launch/", fields)
    assert response.status_code == 200 and b"lti-launched" in response.content
