"""Each school's own service provider, built per request (``SAML_CONFIG_LOADER``).

The school comes from the URL (``/sso/<school_slug>/...``): its entity id is the address of its
metadata, its ACS and single-logout endpoints are under the same prefix, and the only identity
providers it trusts are its own enabled ones, from the metadata cached in the database (no
fetch here: a sign-in never waits on a federation's server)."""
from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from schools.models import School

from .models import IdentityProvider


def school_of(request: HttpRequest) -> School:
    """The school of the ``/sso/<school_slug>/`` URL being served (read once per request)."""
    school = getattr(request, "sso_school", None)
    if school is None:
        slug = request.resolver_match.kwargs.get("school_slug") if request.resolver_match else None
        school = School.objects.filter(slug=slug).first() if slug else None
        if school is None:
            raise Http404("No such school.")
        request.sso_school = school
    return school


def enabled_idps(request: HttpRequest) -> list[IdentityProvider]:
    idps = getattr(request, "sso_idps", None)
    if idps is None:
        idps = list(IdentityProvider.objects.filter(school=school_of(request), enabled=True)
                    .exclude(metadata_xml=""))
        request.sso_idps = idps
    return idps


def absolute_url(request: HttpRequest, name: str, slug: str) -> str:
    """The address of the school's SSO URL ``name`` (``VIGIL_SAML_BASE_URL``, else the request's host)."""
    path = reverse(name, kwargs={"school_slug": slug})
    base = settings.VIGIL_SAML_BASE_URL
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def sp_entity_id(request: HttpRequest, school: School) -> str:
    return absolute_url(request, "sso:metadata", school.slug)


def config_for_request(request: HttpRequest) -> SPConfig:
    school = school_of(request)
    idps = enabled_idps(request)
    slug = school.slug
    signing = bool(settings.VIGIL_SAML_KEY_FILE and settings.VIGIL_SAML_CERT_FILE)
    sp = {
        "name": slug,  # no school's name where anyone may read it (the metadata is public)
        "endpoints": {
            "assertion_consumer_service": [(absolute_url(request, "sso:acs", slug), BINDING_HTTP_POST)],
            "single_logout_service": [
                (absolute_url(request, "sso:sls", slug), BINDING_HTTP_REDIRECT),
                (absolute_url(request, "sso:sls_post", slug), BINDING_HTTP_POST),
            ],
        },
        # Only answers to a request this browser made (InResponseTo in its SAML session): an
        # unsolicited or replayed response is refused.
        "allow_unsolicited": False,
        "want_assertions_signed": True,
        "want_response_signed": False,
        "authn_requests_signed": signing,
        "logout_requests_signed": signing,
        "only_use_keys_in_metadata": True,
    }
    if idps and all(not idp.identifier_attribute for idp in idps):
        sp["name_id_format"] = NAMEID_FORMAT_PERSISTENT
        sp["name_id_format_allow_create"] = True
    conf = {
        "entityid": sp_entity_id(request, school),
        "xmlsec_binary": settings.SAML_XMLSEC_BINARY,
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.VIGIL_SAML_CLOCK_SKEW_SECONDS,
        "service": {"sp": sp},
        "metadata": {"inline": [idp.metadata_xml for idp in idps]} if idps else {},
    }
    if signing:
        conf["key_file"] = settings.VIGIL_SAML_KEY_FILE
        conf["cert_file"] = settings.VIGIL_SAML_CERT_FILE
        conf["encryption_keypairs"] = [{"key_file": settings.VIGIL_SAML_KEY_FILE,
                                        "cert_file": settings.VIGIL_SAML_CERT_FILE}]
    config = SPConfig()
    config.load(conf)
    return config
