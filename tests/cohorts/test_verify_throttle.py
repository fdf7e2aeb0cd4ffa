"""The public attestation check, page and API, shares one limit per client address
(DEFAULT_THROTTLE_RATES["attestation_verify"]); X-Forwarded-For is believed only behind as
many proxies as DJANGO_TRUSTED_PROXY_COUNT says (REST_FRAMEWORK["NUM_PROXIES"])."""
import pytest
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

pytestmark = pytest.mark.django_db

PAGE = "/verify/"
API = "/api/v1/attestations/verify/{}/"
CODE = "ABCD-EFGH-JKLM-NPQR"  # well formed, held by nobody: 404


@pytest.fixture(autouse=True)
def three_a_minute(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"attestation_verify": "3/minute"})


@pytest.fixture
def one_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def page(client, **extra):
    return client.get(PAGE, {"code": CODE}, **extra)


def api(client, **extra):
    return client.get(API.format(CODE), **extra)


def test_the_page_is_throttled_like_the_api():
    client = Client()
    assert [page(client).status_code for _ in range(4)] == [404, 404, 404, 429]
    refused = page(client)
    assert refused.status_code == 429
    assert "Too many checks" in refused.content.decode()
    assert refused.has_header("Retry-After")


def test_the_page_without_a_code_is_not_counted():
    client = Client()
    assert [client.get(PAGE).status_code for _ in range(5)] == [200] * 5
    assert page(client).status_code == 404


def test_the_page_and_the_api_count_together():
    client = Client()
    assert [page(client).status_code, api(client).status_code, page(client).status_code] == [404, 404, 404]
    assert api(client).status_code == 429
    assert page(client).status_code == 429


@pytest.mark.parametrize("check", [page, api], ids=["page", "api"])
def test_a_forged_forwarded_address_does_not_reset_the_count(check):
    client = Client()
    codes = [check(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)]
    assert codes == [404, 404, 404, 429]


@pytest.mark.parametrize("check", [page, api], ids=["page", "api"])
def test_behind_one_proxy_the_address_it_saw_is_counted(one_proxy, check):
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    # Each trainee's own address, appended by the proxy: counted apart.
    assert [check(proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)] == [404] * 4
    # One client forging the left part of the header: the proxy's entry is the one counted.
    forged = [check(proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 198.51.100.50").status_code for i in range(4)]
    assert forged == [404, 404, 404, 429]
