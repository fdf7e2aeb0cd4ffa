"""pylti1p3 over Vigil's rows: the tool configuration, the launch-data store, and the
validation of a launch with the refusals named for a person.

pylti1p3 checks the state, the id_token's form, signature (the platform's key set, by kid),
exp/iat, the registration (iss + aud), the deployment, the message type, the version, roles,
sub and the resource link; Vigil adds the audience as a whole (``aud`` must name the client
id, ``azp`` too when there are several) and refuses a nonce already used.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import jwt
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment as LtiDeploymentConf
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from . import platform_storage
from .models import Deployment, LaunchState, Platform, ToolKey, UsedNonce

log = logging.getLogger("vigil.lti")

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LAUNCH_STATE_SECONDS = 3600


class LaunchRefused(Exception):
    """A login or launch Vigil refuses: ``message`` is for the person, ``code`` for the log."""

    def __init__(self, code: str, message, status: int = 400):
        super().__init__(code)
        self.code, self.message, self.status = code, message, status


# What pylti1p3 says, and what the person reads (the first match wins).
_REFUSALS = (
    ("JWT KID not found", "kid_missing", _("The launch token names no signing key (kid).")),
    ("Unable to find public key", "kid_unknown", _("The launch token is signed with a key the platform does not publish.")),
    ("Signature has expired", "expired", _("The launch token has expired. Launch again from the LMS.")),
    ("The token is not yet valid", "not_yet_valid", _("The launch token is not valid yet: check the LMS's clock.")),
    ("Can't decode id_token", "bad_signature", _("The launch token's signature does not verify.")),
    ("Incorrect version", "version", _("The launch is not LTI 1.3.0.")),
    ("Invalid message type", "message_type_missing", _("The launch says no message type.")),
    ("Unrecognized message type", "message_type_unknown", _("Vigil does not handle this kind of LTI message.")),
    ("Missing Roles Claim", "roles_missing", _("The launch says no roles.")),
    ("deployment_id is not set", "deployment_missing", _("The launch names no deployment.")),
    ("Unable to find deployment", "deployment_unknown", _("This deployment of Vigil is not registered for the school.")),
    ("Missing Resource Link Id", "resource_link_missing", _("The launch names no resource link.")),
    ("Must have a user (sub)", "sub_missing", _("The launch names no user (sub).")),
    ("Registration not found", "registration_unknown", _("No school has registered this platform and client id in Vigil.")),
    ("Client id not registered", "registration_unknown", _("No school has registered this platform and client id in Vigil.")),
    ("State not found", "state", _("The launch does not match a sign-in started in this browser. "
                                   "If your browser blocks cookies in embedded pages, open Vigil in a new window.")),
    ("Missing state param", "state", _("The launch carries no state.")),
    ("Invalid Nonce", "nonce", _("The launch's nonce was not issued by Vigil, or has expired.")),
    ("nonce", "nonce", _("The launch carries no nonce.")),
    ("Missing id_token", "id_token_missing", _("The launch carries no id_token.")),
    ("Invalid id_token", "id_token_form", _("The launch's id_token is not a JWT.")),
    ("Invalid JWT format", "id_token_form", _("The launch's id_token is not a JWT.")),
    ("Deep Linking", "deep_linking_settings", _("The deep-linking request is missing its settings.")),
)


def refusal_of(exc: LtiException) -> LaunchRefused:
    text = str(exc)
    for needle, code, message in _REFUSALS:
        if needle in text:
            return LaunchRefused(code, message)
    return LaunchRefused("invalid", _("The LTI launch is not valid."))


class DbLaunchDataStorage(LaunchDataStorage):
    """pylti1p3's launch data in ``LaunchState`` rows (shared by every web process)."""

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_session_cookie_name(self):
        # The state cookie (SameSite=None; Secure on HTTPS) binds the browser; no second cookie.
        return None

    def get_value(self, key):
        row = LaunchState.objects.filter(key=self._prepare_key(key), expires_at__gt=timezone.now()).first()
        return None if row is None else row.value

    def set_value(self, key, value, exp=None):
        LaunchState.objects.update_or_create(
            key=self._prepare_key(key),
            defaults={"value": value, "expires_at": timezone.now() + timedelta(seconds=exp or LAUNCH_STATE_SECONDS)},
        )

    def check_value(self, key) -> bool:
        return self.get_value(key) is not None


def signing_key(school_id: int) -> ToolKey | None:
    return ToolKey.objects.filter(school_id=school_id, is_active=True).first()


def registration_of(platform: Platform) -> Registration:
    reg = (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
           .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
           .set_key_set_url(platform.keyset_url))
    key = signing_key(platform.school_id)
    if key is not None:
        reg.set_tool_private_key(key.private_pem).set_tool_public_key(key.public_pem)
    return reg


class VigilToolConf(ToolConfAbstract):
    """Registrations and deployments from ``Platform`` and ``Deployment`` rows (an issuer
    may have several client ids: one per school)."""

    def __init__(self):
        super().__init__()
        self.platform: Platform | None = None

    def check_iss_has_one_client(self, iss):
        return False

    def check_iss_has_many_clients(self, iss):
        return True

    def _platform(self, iss, client_id):
        """The registration; a deactivated one refuses the login or launch with its own page
        (rather than "not registered", which would send the admin looking for a typo)."""
        if self.platform is None or (self.platform.issuer, self.platform.client_id) != (iss, client_id):
            self.platform = (Platform.objects.select_related("school")
                             .filter(issuer=iss, client_id=client_id).first())
        if self.platform is not None and not self.platform.is_active:
            raise LaunchRefused("platform_inactive", _(
                "Your school has deactivated this LMS's registration in Vigil: launches from it are refused "
                "until a school admin reactivates it."), 403)
        return self.platform

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = self._platform(iss, client_id)
        return None if platform is None else registration_of(platform)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = self._platform(iss, client_id)
        if platform is None or not Deployment.objects.filter(platform=platform, deployment_id=deployment_id).exists():
            return None
        return LtiDeploymentConf().set_deployment_id(deployment_id)

    def find_registration_by_issuer(self, iss, *args, **kwargs):  # one client per issuer: never asked
        return None

    def find_deployment(self, iss, deployment_id):
        return None


def oidc_login(request) -> tuple[str, Platform]:
    """The platform's authentication URL to send the browser to, with a fresh state (in a
    cookie) and nonce. Refused: an unknown issuer or client id, a missing parameter."""
    params = request.POST if request.method == "POST" else request.GET
    for name in ("iss", "login_hint", "target_link_uri"):
        if not params.get(name):
            raise LaunchRefused("login_param", _("The login request is missing %(name)s.") % {"name": name})
    conf = VigilToolConf()
    login = DjangoOIDCLogin(request, conf, launch_data_storage=DbLaunchDataStorage())
    try:
        redirect = login.get_redirect_object(params["target_link_uri"])
    except OIDCException as exc:
        raise LaunchRefused("registration_unknown", _(
            "No school has registered this platform and client id in Vigil.")) from exc
    except LtiException as exc:
        raise refusal_of(exc) from exc
    return redirect, conf.platform


class ValidatedLaunch:
    def __init__(self, message_launch: DjangoMessageLaunch, platform: Platform):
        self.message_launch = message_launch
        self.platform = platform
        self.data = message_launch.get_launch_data()

    def claim(self, name, default=None):
        return self.data.get(LTI + name, default)


def _check_audience(body: dict, client_id: str) -> None:
    aud = body.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if client_id not in auds or (len(auds) > 1 and body.get("azp") != client_id):
        raise LaunchRefused("audience", _("The launch token is meant for another tool (aud)."))


def unverified_body(request) -> dict:
    """The id_token's claims before any check (to find which platform's storage to ask)."""
    launch = DjangoMessageLaunch(request, VigilToolConf(), launch_data_storage=DbLaunchDataStorage())
    try:
        return launch.set_auto_validation(False).validate_jwt_format()._get_jwt_body()
    except LtiException as exc:
        raise refusal_of(exc) from exc


def validate_launch(request, *, storage_checked: bool = False) -> ValidatedLaunch:
    """Validate the launch POSTed by the platform, and spend its nonce (in the caller's
    transaction: a launch refused later keeps its nonce unspent only if the caller rolls back).
    ``storage_checked``: the state was read back from the platform's storage by Vigil's page
    (``platform_storage``) rather than from the state cookie."""
    if not request.POST.get("id_token"):
        raise LaunchRefused("id_token_missing", _("The launch carries no id_token."))
    conf = VigilToolConf()
    launch = DjangoMessageLaunch(request, conf, launch_data_storage=DbLaunchDataStorage())
    try:
        launch.set_auto_validation(False)
        if not storage_checked:
            launch.validate_state()
        launch.validate_jwt_format()
        body = launch._get_jwt_body()
        # A wrong audience names no registration: say so rather than "not registered".
        auds = body.get("aud") if isinstance(body.get("aud"), list) else [body.get("aud")]
        known = list(Platform.objects.filter(issuer=body.get("iss") or "").values_list("client_id", flat=True))
        if known and not set(known) & set(auds):
            raise LaunchRefused("audience", _("The launch token is meant for another tool (aud)."))
        launch.validate_nonce().validate_registration().validate_jwt_signature()
        if storage_checked:
            if not platform_storage.spend(state=request.POST.get("state") or "", nonce=body.get("nonce"),
                                          platform=conf.platform):
                raise LaunchRefused("state", _("The launch does not match a sign-in started in this browser."))
        _check_audience(body, conf.platform.client_id)
        _check_iat(body)
        launch.validate_deployment().validate_message()
        launch._validated = True
    except LtiException as exc:
        raise refusal_of(exc) from exc
    nonce = body.get("nonce")
    try:
        with transaction.atomic():
            UsedNonce.objects.create(platform=conf.platform, nonce=nonce)
    except IntegrityError:
        raise LaunchRefused("nonce_replayed", _("This launch was already used. Launch again from the LMS.")) from None
    return ValidatedLaunch(launch, conf.platform)


def _check_iat(body: dict) -> None:
    iat = body.get("iat")
    if not isinstance(iat, (int, float)) or iat > timezone.now().timestamp() + 60:
        raise LaunchRefused("iat", _("The launch token's issue time (iat) is missing or in the future."))


def sign_jwt(payload: dict, school_id: int) -> str:
    key = signing_key(school_id)
    if key is None:
        raise LaunchRefused("no_key", _("The school has no tool key: an admin generates one on the LTI page."), 409)
    return jwt.encode(payload, key.private_pem, algorithm="RS256", headers={"kid": key.kid})
