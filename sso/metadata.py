"""Reading identity-provider metadata: of a file, a URL or a federation's aggregate, only the
registered entity's descriptor is kept (an aggregate lists thousands of identity providers,
none of which the school trusts but its own)."""
import tempfile

import requests
from django.conf import settings
from saml2 import class_name, md
from saml2.sigver import CryptoBackendXmlSec1, SignatureError
from django.utils.translation import gettext

from training.errors import ApplicationError


class MetadataError(ApplicationError):
    pass


def entity_descriptor(xml: str | bytes, entity_id: str) -> str:
    """The ``EntityDescriptor`` of ``entity_id`` in ``xml`` (one entity or an aggregate), as a
    metadata document of its own, checked to describe an identity provider."""
    text = xml.encode() if isinstance(xml, str) else xml
    try:
        found = md.entity_descriptor_from_string(text)
        entities = [found] if found is not None else list(
            getattr(md.entities_descriptor_from_string(text), "entity_descriptor", []) or [])
    except Exception:  # pysaml2 raises the parser's own errors for a file that is not XML
        raise MetadataError(gettext("The metadata is not valid SAML metadata (XML)."),
                            {"metadata": [gettext("Not SAML metadata.")]})
    if not entities:
        raise MetadataError(gettext("The metadata describes no entity."), {"metadata": [gettext("No entity.")]})
    match = next((e for e in entities if e.entity_id == entity_id), None)
    if match is None:
        raise MetadataError(
            gettext("The metadata does not describe the entity %(entity)s.") % {"entity": entity_id},
            {"entity_id": [gettext("Not in the metadata.")]})
    if not match.idpsso_descriptor:
        raise MetadataError(
            gettext("The entity %(entity)s is not an identity provider.") % {"entity": entity_id},
            {"entity_id": [gettext("Not an identity provider.")]})
    return match.to_string().decode()


def fetch(url: str) -> bytes:
    """The document at ``url`` (an identity provider's metadata or a federation's aggregate)."""
    try:
        answer = requests.get(url, timeout=settings.VIGIL_SAML_METADATA_TIMEOUT_SECONDS)
        answer.raise_for_status()
    except requests.RequestException as error:
        raise MetadataError(
            gettext("The metadata could not be fetched from %(url)s: %(error)s")
            % {"url": url, "error": type(error).__name__},
            {"metadata_url": [gettext("Could not be fetched.")]})
    return answer.content


def verify_signature(document: bytes, cert_pem: str) -> None:
    """Refuse ``document`` unless its root (an aggregate or one entity) carries a signature of
    itself, by reference to its own ID (not a signed part wrapped in unsigned text), that
    verifies with ``cert_pem`` (xmlsec1)."""
    unsigned = MetadataError(gettext("The metadata is not signed by the federation's certificate."),
                             {"metadata_signing_cert": [gettext("The signature does not verify.")]})
    try:
        root = md.entities_descriptor_from_string(document) or md.entity_descriptor_from_string(document)
    except Exception:
        raise MetadataError(gettext("The metadata is not valid SAML metadata (XML)."),
                            {"metadata": [gettext("Not SAML metadata.")]})
    references = root.signature.signed_info.reference if root is not None and root.signature else []
    if root is None or not root.id or [r.uri for r in references] != [f"#{root.id}"]:
        raise unsigned
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as cert:
        cert.write(cert_pem.strip() + "\n")
        cert.flush()
        try:
            verified = CryptoBackendXmlSec1(settings.SAML_XMLSEC_BINARY).validate_signature(
                document.decode() if isinstance(document, bytes) else document,
                cert_file=cert.name, cert_type="pem", node_name=class_name(root), node_id=root.id)
        except SignatureError:
            verified = False
    if not verified:
        raise unsigned
