"""Launches inside the LMS's iframe: the LTI answers may be framed, the cookies of a session
begun by a launch are SameSite=None; Secure over HTTPS (only those: the rest of the site keeps
Lax), and the new-window link signs in first-party once."""
import re

import pytest

from lti.grades import launch_state_purge
from lti.models import LaunchState, UsedNonce
from tests.lti.conftest import launch

pytestmark = pytest.mark.django_db


def test_over_https_the_launch_sets_the_session_cookie_samesite_none(client, lms, registered):
    url, params = lms.login_initiation("/lti/login/", "http://testserver/lti/launch/")
    page = client.get(url, params, secure=True)
    state_cookie = next(c for name, c in page.cookies.items() if name.startswith("lti1p3-state"))
    assert state_cookie["samesite"] == "None" and state_cookie["secure"]


def test_a_session_begun_by_a_launch_keeps_samesite_none_on_later_pages(client, lms, registered):
    launch(client, lms)
    page = client.get("/accounts/login/", secure=True)  # a form: Django sets the CSRF cookie
    assert page.cookies["csrftoken"]["samesite"] == "None" and page.cookies["csrftoken"]["secure"]


def test_another_visitors_cookies_stay_lax(client):
    response = client.get("/accounts/login/", secure=True)
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


def test_the_new_window_link_signs_in_once(client, lms, registered):
    response, _f = launch(client, lms)
    link = re.search(r'href="(/lti/continue/[^"]+/)"', response.content.decode()).group(1)
    client.logout()
    opened = client.get(link)
    assert opened.status_code == 302 and opened["Location"] == "/"
    assert "_auth_user_id" in client.session
    client.logout()
    again = client.get(link)
    assert again.status_code == 400 and b"already used" in again.content
    assert "_auth_user_id" not in client.session


def test_expired_login_states_and_old_nonces_are_purged(client, lms, registered):
    from datetime import timedelta

    from django.utils import timezone

    launch(client, lms)
    LaunchState.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    UsedNonce.objects.update(used_at=timezone.now() - timedelta(days=2))
    assert launch_state_purge() >= 2
    assert not LaunchState.objects.exists() and not UsedNonce.objects.exists()
