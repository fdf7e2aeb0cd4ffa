"""Identity-provider metadata: of a file, a URL or a federation's aggregate only the registered
entity is kept; a URL is fetched by the task (or an admin action), never at sign-in."""
import pytest
from django.db import transaction
from django.test import RequestFactory

from schools.models import AuditEvent
from sso import services, tasks
from sso.backends import SchoolSaml2Backend
from sso.metadata import MetadataError, entity_descriptor, verify_signature
from sso.models import IdentityProvider
from training.errors import ApplicationError


def test_of_an_aggregate_only_the_registered_entity_is_kept(idp, other_idp):
    other_idp.aggregate_with = [idp.metadata()]
    kept = entity_descriptor(other_idp.aggregate(), idp.entity_id)
    assert idp.entity_id in kept and other_idp.entity_id not in kept


def test_an_entity_missing_from_the_metadata_is_refused_naming_it(idp):
    with pytest.raises(MetadataError) as refused:
        entity_descriptor(idp.metadata(), "https://idp.elsewhere.example/idp")
    assert "https://idp.elsewhere.example/idp" in refused.value.message
    assert refused.value.errors == {"entity_id": ["Not in the metadata."]}


def test_a_file_that_is_not_metadata_is_refused():
    with pytest.raises(MetadataError) as refused:
        entity_descriptor("this is not XML", "https://idp.example")
    assert refused.value.errors == {"metadata": ["Not SAML metadata."]}


def test_an_aggregate_idp_is_fetched_by_the_task(school, idp, other_idp):
    idp.aggregate_with = [other_idp.metadata()]
    with transaction.atomic():
        registered = services.idp_register(school=school, name="Renater IdP", entity_id=idp.entity_id,
                                           source="aggregate", metadata_url=f"{idp.base}/aggregate")
    assert registered.metadata_xml == ""  # nothing fetched inside the request
    tasks.refresh_metadata(registered.pk)
    registered.refresh_from_db()
    assert registered.metadata_fetched_at and registered.metadata_error == ""
    assert idp.entity_id in registered.metadata_xml and other_idp.entity_id not in registered.metadata_xml
    assert AuditEvent.objects.filter(action="sso.idp.metadata_refresh", school=school).exists()


def test_a_failed_fetch_keeps_the_metadata_before_and_the_error(school, idp):
    with transaction.atomic():
        registered = services.idp_register(school=school, name="IdP", entity_id=idp.entity_id,
                                           source="url", metadata_url=f"{idp.base}/metadata")
    tasks.refresh_metadata(registered.pk)
    IdentityProvider.objects.filter(pk=registered.pk).update(metadata_url=f"{idp.base}/gone")
    tasks.refresh_metadata(registered.pk)
    registered.refresh_from_db()
    assert idp.entity_id in registered.metadata_xml
    assert "could not be fetched" in registered.metadata_error and "HTTPError" in registered.metadata_error


def test_a_url_source_needs_a_url(school):
    with pytest.raises(ApplicationError) as refused:
        services.idp_register(school=school, name="IdP", entity_id="https://idp.example", source="url")
    assert "metadata_url" in refused.value.errors


def test_an_idp_is_registered_once_per_school(school, school_idp, idp):
    with pytest.raises(ApplicationError) as refused:
        services.idp_register(school=school, name="Again", entity_id=idp.entity_id, source="file",
                              metadata_xml=idp.metadata())
    assert refused.value.errors == {"entity_id": ["Already registered."]}


def test_the_backend_refuses_an_issuer_the_school_did_not_register(school, school_idp):
    request = RequestFactory().post(f"/sso/{school.slug}/acs/")
    request.sso_school, request.sso_idps = school, [school_idp]
    session_info = {"issuer": "https://idp.other-school.example", "ava": {"eduPersonPrincipalName": ["x@y"]}}
    assert SchoolSaml2Backend().authenticate(request, session_info=session_info, attribute_mapping={}) is None
    assert request.sso_refusal == "unknown_idp"


def test_a_disabled_identity_provider_signs_nobody_in(client, school, school_idp):
    with transaction.atomic():
        services.idp_update(idp=school_idp, enabled=False)
    assert client.get(f"/sso/{school.slug}/login/").status_code == 404
    assert AuditEvent.objects.filter(action="sso.idp.change", detail__fields=["enabled"]).exists()


def _signed_aggregate_idp(school, idp, cert_pem: str, path: str = "/signed-aggregate") -> IdentityProvider:
    with transaction.atomic():
        return services.idp_register(school=school, name="Renater IdP", entity_id=idp.entity_id, source="aggregate",
                                     metadata_url=f"{idp.base}{path}", metadata_signing_cert=cert_pem)


def test_a_signed_aggregate_is_kept_when_its_signature_verifies(school, idp, other_idp):
    idp.aggregate_with = [other_idp.metadata()]
    registered = _signed_aggregate_idp(school, idp, idp.cert_file.read_text())
    tasks.refresh_metadata(registered.pk)
    registered.refresh_from_db()
    assert registered.metadata_error == "" and idp.entity_id in registered.metadata_xml


def test_an_aggregate_signed_by_another_key_is_refused(school, idp, other_idp):
    registered = _signed_aggregate_idp(school, idp, other_idp.cert_file.read_text())
    tasks.refresh_metadata(registered.pk)
    registered.refresh_from_db()
    assert registered.metadata_xml == ""
    assert registered.metadata_error == "The metadata is not signed by the federation's certificate."


def test_an_unsigned_aggregate_is_refused_when_a_certificate_is_given(school, idp):
    registered = _signed_aggregate_idp(school, idp, idp.cert_file.read_text(), path="/aggregate")
    tasks.refresh_metadata(registered.pk)
    registered.refresh_from_db()
    assert registered.metadata_xml == "" and "not signed" in registered.metadata_error


def test_an_altered_signed_aggregate_is_refused(school, idp, other_idp):
    idp.aggregate_with = [other_idp.metadata()]
    signed = idp.signed_aggregate()
    assert other_idp.entity_id in signed
    signed = signed.replace(other_idp.entity_id, "https://evil.example/idp")
    with pytest.raises(MetadataError):
        verify_signature(signed.encode(), idp.cert_file.read_text())
