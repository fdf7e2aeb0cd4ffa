"""Password reset requests are throttled per e-mail address and per client address: beyond
the limit the form is refused with a message that says so, and no e-mail leaves."""
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/password_reset/"


@pytest.fixture
def rates(monkeypatch):
    """Small limits for the test (DRF reads its rates once, at import)."""
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "password_reset_email": "2/hour", "password_reset_ip": "3/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    return rates


def _ask(client, email, **extra):
    return client.post(URL, {"email": email}, **extra)


def test_the_default_limits():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert (rates["password_reset_email"], rates["password_reset_ip"]) == ("5/hour", "20/hour")


def test_beyond_the_limit_for_one_address_the_request_is_refused_and_nothing_is_sent(rates):
    user = UserFactory()
    client = Client()
    assert [_ask(client, user.email).status_code for _ in range(2)] == [302, 302]
    assert len(mail.outbox) == 2
    refused = _ask(client, user.email)
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert len(mail.outbox) == 2


def test_the_address_is_counted_whatever_its_case(rates):
    user = UserFactory()
    client = Client()
    _ask(client, user.email)
    _ask(client, user.email.upper())
    assert _ask(client, user.email.title()).status_code == 429


def test_an_address_without_an_account_is_counted_the_same(rates):
    client = Client()
    assert [_ask(client, "nobody@example.org").status_code for _ in range(3)] == [302, 302, 429]


def test_one_client_address_is_limited_across_e_mail_addresses(rates):
    client = Client()
    assert [_ask(client, f"u{i}@example.org").status_code for i in range(4)] == [302, 302, 302, 429]
    assert _ask(Client(REMOTE_ADDR="198.51.100.7"), "u9@example.org").status_code == 302


def test_a_forged_forwarded_address_does_not_reset_the_client_count(rates):
    client = Client()
    codes = [_ask(client, f"u{i}@example.org", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]
