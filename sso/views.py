"""The pages of single sign-on, per school under ``/sso/<school_slug>/``: djangosaml2's views
with the school's own service provider (``sso.saml_config``), a choice of the school's
identity providers (or the federation's discovery service), and one refusal page that says
what was wrong, each refusal logged and in the school's audit log."""
from urllib.parse import quote, urlsplit

from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from djangosaml2 import views as saml_views
from djangosaml2.exceptions import IdPConfigurationMissing
from saml2 import BINDING_HTTP_POST
from saml2.response import (
    IncorrectlySigned, StatusError, UnsolicitedResponse, VerificationError,
)
from saml2.sigver import MissingKey, SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from schools.models import School

from . import services
from .models import IdentityProvider
from .saml_config import absolute_url, enabled_idps, school_of, sp_entity_id

SESSION_SCHOOL = "sso_school"  # the slug of the school whose identity provider signed the person in
REASONS = {
    "expired": _("The answer of the identity provider has expired. Sign in again."),
    "signature": _("The answer of the identity provider is not signed by it, or was altered on the way."),
    "unsolicited": _("This answer of the identity provider was not asked for by this browser, or was "
                     "already used (a replay). Sign in again from the start."),
    "audience": _("The answer of the identity provider was meant for another service."),
    "unknown_idp": _("This identity provider is not registered by the school: it cannot sign its members in."),
    "no_identifier": _("The identity provider did not send the attribute that identifies you. "
                       "Ask the school to check its attribute mapping."),
    "inactive": _("Your account is disabled. Ask your school."),
    "idp_refused": _("The identity provider did not sign you in."),
    "invalid": _("The answer of the identity provider could not be read."),
    "idp_unavailable": _("The school's identity provider cannot be used at the moment: its metadata has "
                         "expired. Ask the school to fetch it again."),
    "no_idp": _("The school has no identity provider set up for single sign-on."),
    "unknown_choice": _("The chosen identity provider is not one of the school's."),
}


def _reason_of(exception) -> str:
    text = str(exception)
    if isinstance(exception, (ResponseLifetimeExceed, ToEarly)) or "expired" in text.lower():
        return "expired"
    if "AudienceRestrictions" in text or "audience" in text.lower():
        return "audience"
    if isinstance(exception, UnsolicitedResponse):
        return "unsolicited"
    if isinstance(exception, (SignatureError, IncorrectlySigned, MissingKey)) or "signature" in text.lower():
        return "signature"
    if isinstance(exception, StatusError):
        return "idp_refused"
    if isinstance(exception, VerificationError):
        return "invalid"
    if isinstance(exception, PermissionDenied):
        return "unknown_idp"
    return "invalid"


def refusal(request, reason: str, *, status: int = 403, issuer: str = ""):
    school = getattr(request, "sso_school", None)
    with transaction.atomic():
        services.sign_in_refused(school=school, reason=reason, issuer=issuer)
    return render(request, "sso/refused.html", {
        "reason": REASONS.get(reason, REASONS["invalid"]), "reason_code": reason, "school": school,
        "retry_url": reverse("sso:login", kwargs={"school_slug": school.slug}) if school else None,
    }, status=status)


class SchoolSamlMixin(saml_views.SPConfigMixin):
    config_loader_path = "sso.saml_config.config_for_request"


class LoginView(SchoolSamlMixin, saml_views.LoginView):
    """Start a sign-on with one of the school's identity providers: the one named by ``idp``,
    the only one, or the one chosen on the school's list or the federation's discovery
    service. The AuthnRequest is posted to the identity provider by a form that submits itself."""

    post_binding_form_template = "sso/post_binding_form.html"

    def get(self, request, *args, **kwargs):
        school = school_of(request)
        idps = enabled_idps(request)
        if not idps:
            return refusal(request, "no_idp", status=404)
        chosen = request.GET.get("idp")
        if chosen and chosen not in {i.entity_id for i in idps}:
            return refusal(request, "unknown_choice", status=400, issuer=chosen)
        if not chosen and len(idps) > 1 and not request.user.is_authenticated:
            discovery = next((i.discovery_url for i in idps if i.discovery_url), "")
            next_path = request.GET.get("next", "")
            if discovery:
                back = absolute_url(request, "sso:login", school.slug)
                if next_path:
                    back += "?next=" + quote(next_path, safe="")
                return HttpResponseRedirect(
                    f"{discovery}?entityID={quote(sp_entity_id(request, school), safe='')}"
                    f"&return={quote(back, safe='')}&returnIDParam=idp")
            return render(request, "sso/choose_idp.html", {"school": school, "idps": idps, "next": next_path})
        try:
            response = super().get(request, *args, **kwargs)
        except IdPConfigurationMissing:  # its metadata has expired (validUntil) since it was fetched
            return refusal(request, "idp_unavailable", status=503, issuer=chosen or idps[0].entity_id)
        conf = getattr(self, "conf", None)
        if conf is not None and response.status_code == 200:
            # The form posts to the identity provider: the one origin CSP lets it post to.
            origins = {
                "{0.scheme}://{0.netloc}".format(urlsplit(service["location"]))
                for idp in idps
                for service in conf.metadata.single_sign_on_service(idp.entity_id, BINDING_HTTP_POST)
            }
            response._csp_update = {"form-action": sorted(origins)}
        return response


class AssertionConsumerView(SchoolSamlMixin, saml_views.AssertionConsumerServiceView):
    """The identity provider's answer (HTTP-POST binding): verified by pysaml2 against the
    school's own service provider, then the member signed in by ``SchoolSaml2Backend``."""

    def post(self, request, *args, **kwargs):
        school_of(request)
        return super().post(request)

    def customize_session(self, user, session_info: dict):
        self.request.session[SESSION_SCHOOL] = school_of(self.request).slug

    def custom_validation(self, response):
        """What pysaml2 lets through without an assertion it checked: an answer addressed to
        another ACS (another school's) comes back verified but empty. Refused as another
        service's, as is an assertion whose audience is not this school's SP."""
        mine = sp_entity_id(self.request, school_of(self.request))
        acs = absolute_url(self.request, "sso:acs", school_of(self.request).slug)
        destination = response.response.destination
        audiences = {
            (audience.text or "").strip()
            for assertion in (response.response.assertion or [])
            for restriction in (assertion.conditions.audience_restriction if assertion.conditions else [])
            for audience in restriction.audience
        }
        if (destination and destination != acs) or (audiences and mine not in audiences):
            self.request.sso_refusal = "audience"
            raise PermissionDenied("Answer for another service provider.")
        if response.assertion is None:
            self.request.sso_refusal = "invalid"
            raise PermissionDenied("No verified assertion.")

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        reason = getattr(request, "sso_refusal", None) or _reason_of(exception)
        issuer = (kwargs.get("session_info") or {}).get("issuer", "")
        return refusal(request, reason, status=403, issuer=issuer)


class MetadataView(SchoolSamlMixin, saml_views.MetadataView):
    """The school's service-provider metadata, to register with its identity providers or federation."""


class LogoutInitView(SchoolSamlMixin, saml_views.LogoutInitView):
    """Single logout: sign out here and at the identity provider, where it supports it. Only
    for a sign-on of this school: another school's goes to its own address; a password
    sign-in has no identity provider to sign out of (the site's sign-out button is for it)."""

    def get(self, request, *args, **kwargs):
        signed_on_at = request.session.get(SESSION_SCHOOL)
        if signed_on_at is None or saml_views._get_subject_id(request.saml_session) is None:
            return HttpResponseRedirect(reverse("home"))
        if signed_on_at != school_of(request).slug:
            return HttpResponseRedirect(reverse("sso:logout", kwargs={"school_slug": signed_on_at}))
        return super().get(request, *args, **kwargs)


class SignOutView(auth_views.LogoutView):
    """The site's sign-out button. A person an identity provider signed in goes on to its single
    logout, or closing Vigil would leave them signed in at the provider, and the next person at a
    shared ward computer would be signed straight back in as them; a password sign-in ends here."""

    def post(self, request, *args, **kwargs):
        signed_on_at = request.session.get(SESSION_SCHOOL)
        if signed_on_at and saml_views._get_subject_id(request.saml_session) is not None:
            return HttpResponseRedirect(reverse("sso:logout", kwargs={"school_slug": signed_on_at}))
        return super().post(request, *args, **kwargs)


class LogoutView(SchoolSamlMixin, saml_views.LogoutView):
    """The identity provider's logout request or answer."""


def choose_school(request):
    """Which school to sign in with: those with an enabled identity provider."""
    usable = IdentityProvider.objects.filter(enabled=True).exclude(metadata_xml="")
    schools = School.objects.filter(identity_providers__in=usable).distinct().order_by("name")
    return render(request, "sso/choose_school.html", {"schools": schools})
