"""Each school is its own service provider: its metadata, and the choice of its identity
providers (its own list, or the federation's discovery service)."""
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST
from saml2.md import entity_descriptor_from_string

from schools.models import AuditEvent
from tests.factories import SchoolFactory

from .conftest import register


def test_each_school_serves_its_own_sp_metadata(client, db):
    SchoolFactory(slug="univ-a"), SchoolFactory(slug="univ-b")
    a = entity_descriptor_from_string(client.get("/sso/univ-a/metadata/").content)
    b = entity_descriptor_from_string(client.get("/sso/univ-b/metadata/").content)
    assert a.entity_id == "http://testserver/sso/univ-a/metadata/"
    assert b.entity_id == "http://testserver/sso/univ-b/metadata/"
    acs = a.spsso_descriptor[0].assertion_consumer_service[0]
    assert (acs.location, acs.binding) == ("http://testserver/sso/univ-a/acs/", BINDING_HTTP_POST)
    assert {s.location for s in a.spsso_descriptor[0].single_logout_service} == {
        "http://testserver/sso/univ-a/ls/", "http://testserver/sso/univ-a/ls/post/"}


def test_metadata_of_an_unknown_school_is_a_404(client, db):
    assert client.get("/sso/nowhere/metadata/").status_code == 404


def test_a_school_without_identity_provider_says_so(client, db):
    SchoolFactory(slug="univ-a")
    answer = client.get("/sso/univ-a/login/")
    assert answer.status_code == 404 and b"no identity provider set up" in answer.content


def test_the_login_form_may_post_to_the_identity_provider_only(client, school_idp, school, idp):
    answer = client.get(f"/sso/{school.slug}/login/")
    policy = answer["Content-Security-Policy"]
    assert f"form-action {idp.base}" in policy or f"form-action 'self' {idp.base}" in policy
    assert "https:" not in policy.split("form-action")[1].split(";")[0]


def test_a_school_with_two_identity_providers_lists_them(client, school, idp, other_idp):
    register(school, idp, client)
    register(school, other_idp, client)
    answer = client.get(f"/sso/{school.slug}/login/")
    assert answer.status_code == 200
    assert answer.content.count(b"?idp=http%3A%2F%2F127.0.0.1") == 2


def test_with_a_discovery_service_the_choice_is_the_federation_s(client, school, idp, other_idp):
    register(school, idp, client, discovery_url="https://discovery.renater.fr/renater/WAYF")
    register(school, other_idp, client)
    answer = client.get(f"/sso/{school.slug}/login/")
    target = urlsplit(answer["Location"])
    query = parse_qs(target.query)
    assert target.netloc == "discovery.renater.fr"
    assert query["entityID"] == ["http://testserver/sso/univ-a/metadata/"]
    assert query["return"] == ["http://testserver/sso/univ-a/login/"] and query["returnIDParam"] == ["idp"]


def test_an_identity_provider_the_school_did_not_register_cannot_be_chosen(client, school_idp, school):
    answer = client.get(f"/sso/{school.slug}/login/", {"idp": "https://idp.elsewhere.example/idp"})
    assert answer.status_code == 400 and b"not one of the school" in answer.content
    assert AuditEvent.objects.filter(action="sso.sign_in.refused", detail__reason="unknown_choice").exists()


def test_the_choice_of_schools_lists_those_with_single_sign_on(client, school_idp, school, db):
    SchoolFactory(name="No SSO school")
    page = client.get("/sso/").content.decode()
    assert school.name in page and "No SSO school" not in page


def test_expired_idp_metadata_gives_a_clear_page_not_an_error(client, school_idp, school):
    from sso.models import IdentityProvider
    expired = school_idp.metadata_xml.replace("entityID=", 'validUntil="2001-01-01T00:00:00Z" entityID=', 1)
    IdentityProvider.objects.filter(pk=school_idp.pk).update(metadata_xml=expired)
    answer = client.get(f"/sso/{school.slug}/login/")
    assert answer.status_code == 503
    assert b"cannot be used at the moment" in answer.content


def test_the_entity_id_follows_the_configured_base_url(client, db, settings):
    settings.VIGIL_SAML_BASE_URL = "https://vigil.example"
    SchoolFactory(slug="univ-a")
    metadata = entity_descriptor_from_string(client.get("/sso/univ-a/metadata/").content)
    assert metadata.entity_id == "https://vigil.example/sso/univ-a/metadata/"
