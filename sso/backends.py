"""Authentication backends of single sign-on and of passwords.

``SchoolSaml2Backend`` (djangosaml2's backend, school-scoped): a verified assertion signs in
the member the school's own identity provider vouches for, found by (identity provider,
identifier) and created just in time; an assertion of an identity provider the school did
not register is refused, whoever it names. The reason of a refusal is left on the request
(``request.sso_refusal``) for the refusal page.

``LocalPasswordBackend`` (Django's password backend): a member of a school that turned
password sign-in off is refused, even with the right password (every password sign-in page);
``request.local_sign_in_refused`` then tells the sign-in page why."""
import logging

from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from djangosaml2.backends import Saml2Backend
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from schools.models import Membership

from . import services
from .attributes import first_value
from .models import SsoIdentity
from .saml_config import enabled_idps

logger = logging.getLogger("vigil.sso")


def _refuse(request, reason: str):
    request.sso_refusal = reason
    return None


class SchoolSaml2Backend(Saml2Backend):
    def authenticate(self, request, session_info=None, attribute_mapping=None, create_unknown_user=True,
                     assertion_info=None, **kwargs):
        if session_info is None or request is None or "ava" not in session_info:
            return None
        issuer = session_info.get("issuer") or ""
        idp = next((i for i in enabled_idps(request) if i.entity_id == issuer), None)
        if idp is None:
            return _refuse(request, "unknown_idp")
        attributes = self.clean_attributes(session_info["ava"], issuer)
        if idp.identifier_attribute:
            identifier = first_value(attributes, idp.identifier_attribute)
        else:
            name_id = session_info.get("name_id")
            persistent = name_id is not None and name_id.format == NAMEID_FORMAT_PERSISTENT
            identifier = (name_id.text or "").strip() if persistent else ""
        if not identifier:
            return _refuse(request, "no_identifier")
        known = SsoIdentity.objects.filter(idp=idp, identifier=identifier).select_related("user").first()
        if known is not None and not self.user_can_authenticate(known.user):
            return _refuse(request, "inactive")  # nothing updated, no sign-in recorded
        with transaction.atomic():
            user = services.member_sign_in(
                idp=idp, identifier=identifier,
                email=first_value(attributes, idp.email_attribute),
                first_name=first_value(attributes, idp.first_name_attribute),
                last_name=first_value(attributes, idp.last_name_attribute),
                student_number=first_value(attributes, idp.student_number_attribute),
            )
        return user


def local_sign_in_refused_by(user) -> list[str]:
    """The schools of ``user`` that refuse password sign-in (their names; none: allowed)."""
    return list(Membership.objects.filter(user=user, school__local_sign_in_allowed=False)
                .values_list("school__name", flat=True).distinct())


class LocalPasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return None
        refusing = local_sign_in_refused_by(user)
        if refusing:
            logger.info("Password sign-in refused for user %s: single sign-on only in %s", user.pk, refusing)
            if request is not None:
                request.local_sign_in_refused = refusing
            return None
        return user
