"""Vigil posts statements only where the LRS host policy lets it (VIGIL_XAPI_ALLOWED_HOSTS):
https on public addresses, or a host the operators listed; the form says why it refuses,
and a delivery refused by the policy keeps its statements and shows why."""
import pytest
from hypothesis import given, strategies as hs

from xapi import services
from xapi.hosts import HostRefused, allowed_explicitly, checked_addresses, connect_checked, endpoint_problem
from xapi.models import LrsSettings, OutboxStatement


@pytest.fixture
def nothing_allowed(settings):
    settings.VIGIL_XAPI_ALLOWED_HOSTS = []


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/xAPI/", "https://10.0.0.5/xAPI/", "https://192.168.1.20/", "https://172.16.3.4/",
    "https://169.254.169.254/latest/meta-data/", "https://[::1]/xAPI/", "https://[fe80::1]/",
    "https://[::ffff:127.0.0.1]/", "https://100.64.0.1/", "https://0.0.0.0/", "https://localhost/xAPI/",
    "https://lrs.localhost/",
])
def test_a_private_loopback_or_link_local_address_is_refused(nothing_allowed, url):
    assert "private, loopback or link-local" in endpoint_problem(url)


def test_plain_http_is_refused_for_a_host_not_listed(nothing_allowed):
    assert "https://" in endpoint_problem("http://lrs.school.example/xAPI/")


def test_a_public_https_host_is_accepted(nothing_allowed):
    assert endpoint_problem("https://lrs.school.example/xAPI/") is None
    assert endpoint_problem("https://93.184.215.14/xAPI/") is None


def test_a_listed_host_may_be_private_and_plain_http(settings):
    settings.VIGIL_XAPI_ALLOWED_HOSTS = ["lrs.intranet.example", "10.1.2.3"]
    assert endpoint_problem("http://lrs.intranet.example:8100/xAPI/") is None
    assert endpoint_problem("http://10.1.2.3/xAPI/") is None
    assert endpoint_problem("http://10.1.2.4/xAPI/") is not None


def test_a_wildcard_entry_allows_the_subdomains_only():
    allowed = ["*.lrs.example"]
    assert allowed_explicitly("eu.lrs.example", allowed) and allowed_explicitly("A.B.LRS.example.", allowed)
    assert not allowed_explicitly("lrs.example", allowed) and not allowed_explicitly("evil-lrs.example", allowed)


def test_a_name_that_resolves_to_loopback_is_refused_at_connection(nothing_allowed):
    with pytest.raises(HostRefused, match="127.0.0.1|::1"):
        checked_addresses("localhost", 443)


def test_a_listed_name_that_resolves_to_loopback_is_connected_to(stub_lrs):
    port = stub_lrs.server.server_address[1]
    sock = connect_checked(("localhost", port), timeout=5)
    assert sock.getpeername()[1] == port
    sock.close()


def test_the_form_refuses_a_private_endpoint_with_a_field_error(nothing_allowed, admin_client, school):
    response = admin_client.post(f"/school/{school.slug}/xapi/", {
        "action": "save", "enabled": "on", "endpoint": "https://169.254.169.254/xAPI/", "key": "k",
        "secret": "s", "actor_mode": "pseudonym", "home_page": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["endpoint"][0].startswith("This address is on a private")
    assert not LrsSettings.objects.exists()


def test_a_delivery_to_a_refused_host_posts_nothing_and_keeps_the_statements(nothing_allowed, lrs, stub_lrs):
    LrsSettings.objects.filter(pk=lrs.pk).update(endpoint=stub_lrs.endpoint)  # http on loopback: not listed
    services.outbox_add(lrs=lrs, statements=[({"id": "00000000-0000-4000-8000-000000000001",
                                               "verb": {"display": {"en-US": "answered"}}}, None)])
    assert services.deliver(school_id=lrs.school_id) == {"sent": 0, "failed": 0, "deferred": 1}
    row = OutboxStatement.objects.get()
    assert stub_lrs.received == [] and row.status == "pending" and "VIGIL_XAPI_ALLOWED_HOSTS" in row.last_error


def test_the_page_says_when_the_endpoint_is_refused(nothing_allowed, lrs, admin_client, school):
    page = admin_client.get(f"/school/{school.slug}/xapi/").content.decode()
    assert 'id="endpoint-refused"' in page



def test_the_page_says_nothing_of_an_allowed_endpoint(lrs, admin_client, school):
    page = admin_client.get(f"/school/{school.slug}/xapi/").content.decode()
    assert 'id="endpoint-refused"' not in page


_labels = hs.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@given(sub=_labels, domain=hs.lists(_labels, min_size=1, max_size=3).map(".".join))
def test_a_wildcard_allows_every_subdomain_and_never_the_domain_or_a_lookalike(sub, domain):
    allowed = [f"*.{domain}"]
    assert allowed_explicitly(f"{sub}.{domain}", allowed)
    assert not allowed_explicitly(domain, allowed)
    assert not allowed_explicitly(f"{sub}{domain}", allowed)
