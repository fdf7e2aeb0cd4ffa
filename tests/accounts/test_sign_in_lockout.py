"""Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
from one address, even the right password is refused until the cool-off has passed, on every
sign-in page: the site's, the browsable API's and the admin's."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "pw-for-tests-1"
SIGN_IN_PAGES = ["/accounts/login/", "/api-auth/login/", "/admin/login/"]


def _post(client, url, username, password):
    return client.post(url, {"username": username, "password": password, "next": "/"})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client, url, username, times):
    return [_post(client, url, username, "wrong-password").status_code for _ in range(times)]


def test_the_defaults_are_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


@pytest.mark.parametrize("url", SIGN_IN_PAGES)
def test_after_the_limit_the_right_password_is_refused(url):
    user = UserFactory(is_staff=True)
    client = Client()
    statuses = _fail(client, url, user.username, settings.AXES_FAILURE_LIMIT)
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again, with its error
    assert statuses[-1] == 429  # the failure that reaches the limit already gets the lockout page
    response = _post(client, url, user.username, RIGHT)
    assert response.status_code == 429
    assert not _signed_in(client)


def test_the_lockout_page_says_why_and_for_how_long():
    user = UserFactory()
    client = Client()
    _fail(client, "/accounts/login/", user.username, settings.AXES_FAILURE_LIMIT)
    response = _post(client, "/accounts/login/", user.username, RIGHT)
    body = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in body
    assert "15 minutes" in body
    assert 'class="site-header"' in body  # drawn through base.html
    assert "/accounts/password_reset/" in body


def test_below_the_limit_the_right_password_signs_in_and_clears_the_count():
    user = UserFactory()
    client = Client()
    _fail(client, "/accounts/login/", user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert _post(client, "/accounts/login/", user.username, RIGHT).status_code == 302
    assert _signed_in(client)
    other = Client()
    _fail(other, "/accounts/login/", user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert _post(other, "/accounts/login/", user.username, RIGHT).status_code == 302


def test_the_lockout_is_per_username_and_address():
    user, neighbour = UserFactory(), UserFactory()
    _fail(Client(), "/accounts/login/", user.username, settings.AXES_FAILURE_LIMIT)
    same_address = Client()
    assert _post(same_address, "/accounts/login/", neighbour.username, RIGHT).status_code == 302
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert _post(elsewhere, "/accounts/login/", user.username, RIGHT).status_code == 302


def test_a_forged_forwarded_address_does_not_escape_the_lockout():
    user = UserFactory()
    client = Client()
    _fail(client, "/accounts/login/", user.username, settings.AXES_FAILURE_LIMIT)
    response = client.post("/accounts/login/", {"username": user.username, "password": RIGHT},
                           HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429
    assert not _signed_in(client)


def test_after_the_cool_off_the_right_password_signs_in():
    from axes.models import AccessAttempt

    user = UserFactory()
    client = Client()
    _fail(client, "/accounts/login/", user.username, settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert _post(client, "/accounts/login/", user.username, RIGHT).status_code == 302
    assert _signed_in(client)
