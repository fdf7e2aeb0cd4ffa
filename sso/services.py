"""Writes of single sign-on: identity providers (register, change, refresh their metadata),
a school's password sign-in switch (``schools.services.school_set_local_sign_in``, here too),
the member a sign-on finds or creates, and the record
of a refused sign-on. Each change writes its audit record; the caller owns the transaction.

The administration pages (another app) call these; the Django admin does for now."""
import logging
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from schools.models import Membership, Role, School
from schools.services import audit_record, school_member_add
from schools.services import school_set_local_sign_in  # noqa: F401  (for the administration pages)
from training.errors import ApplicationError
from training.queue import enqueue_on_commit

from . import metadata
from .models import IdentityProvider, SsoIdentity

logger = logging.getLogger("vigil.sso")

REFRESH_TASK = "sso.refresh_metadata_v1"
MAPPING_FIELDS = ("identifier_attribute", "email_attribute", "first_name_attribute", "last_name_attribute",
                  "student_number_attribute", "link_accounts")
EDITABLE_FIELDS = ("name", "entity_id", "source", "metadata_url", "metadata_signing_cert", "discovery_url", "enabled",
                   *MAPPING_FIELDS)


def _check_source(idp: IdentityProvider, metadata_xml: str | None) -> None:
    if idp.source == IdentityProvider.Source.FILE:
        if metadata_xml is not None:
            idp.metadata_xml = metadata.entity_descriptor(metadata_xml, idp.entity_id)
            idp.metadata_fetched_at, idp.metadata_error = timezone.now(), ""
        elif not idp.metadata_xml:
            raise ApplicationError(_("A metadata file is needed for this source."),
                                   {"metadata": [_("Upload the identity provider's metadata.")]})
    elif not idp.metadata_url:
        raise ApplicationError(_("A metadata URL is needed for this source."),
                               {"metadata_url": [_("Give the address of the metadata.")]})


def idp_register(*, school: School, name: str, entity_id: str, source: str, metadata_xml: str | None = None,
                 actor: User | None = None, **fields) -> IdentityProvider:
    """Register an identity provider for ``school``: from a file now, from a URL or an
    aggregate by the refresh task once the transaction commits (it is usable from then)."""
    entity_id = entity_id.strip()
    if IdentityProvider.objects.filter(school=school, entity_id=entity_id).exists():
        raise ApplicationError(_("This identity provider is already registered for the school."),
                               {"entity_id": [_("Already registered.")]})
    idp = IdentityProvider(school=school, name=name, entity_id=entity_id, source=source,
                           **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    _check_source(idp, metadata_xml)
    idp.save()
    audit_record(actor=actor, action="sso.idp.register", school_id=school.pk,
                 detail={"idp": entity_id, "source": source})
    if source != IdentityProvider.Source.FILE:
        enqueue_on_commit(REFRESH_TASK, idp.pk)
    return idp


def idp_update(*, idp: IdentityProvider, actor: User | None = None, metadata_xml: str | None = None,
               **fields) -> IdentityProvider:
    """Change an identity provider's name, source, mapping or state (``enabled``); a new
    metadata file replaces the kept one; a changed URL is fetched after commit."""
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise ApplicationError(_("Unknown fields."), {name: [_("Not a field of an identity provider.")] for name in unknown})
    changed = sorted(k for k, v in fields.items() if getattr(idp, k) != v)
    for key in changed:
        setattr(idp, key, fields[key])
    if "entity_id" in changed and metadata_xml is None and idp.source == IdentityProvider.Source.FILE:
        metadata_xml = idp.metadata_xml
    _check_source(idp, metadata_xml)
    if metadata_xml is not None:
        changed.append("metadata")
    if not changed:
        return idp
    idp.save()
    audit_record(actor=actor, action="sso.idp.change", school_id=idp.school_id,
                 detail={"idp": idp.entity_id, "fields": changed})
    if idp.source != IdentityProvider.Source.FILE and {"metadata_url", "metadata_signing_cert", "entity_id", "source"} & set(changed):
        enqueue_on_commit(REFRESH_TASK, idp.pk)
    return idp


def idp_refresh_metadata(*, idp: IdentityProvider, actor: User | None = None) -> IdentityProvider:
    """Fetch the metadata of a URL or aggregate source and keep the entity's descriptor. On a
    failure the metadata kept before stays in use and the error is kept to be shown."""
    if idp.source == IdentityProvider.Source.FILE:
        raise ApplicationError(_("This identity provider's metadata comes from a file: upload a new one."),
                               {"source": [_("Not fetched from a URL.")]})
    try:
        document = metadata.fetch(idp.metadata_url)
        if idp.metadata_signing_cert:
            metadata.verify_signature(document, idp.metadata_signing_cert)
        descriptor = metadata.entity_descriptor(document, idp.entity_id)
    except metadata.MetadataError as error:
        idp.metadata_error = error.message[:500]
        idp.save(update_fields=["metadata_error"])
        logger.warning("SSO metadata refresh failed for %s: %s", idp.entity_id, error.message)
        raise
    idp.metadata_xml, idp.metadata_fetched_at, idp.metadata_error = descriptor, timezone.now(), ""
    idp.save(update_fields=["metadata_xml", "metadata_fetched_at", "metadata_error"])
    audit_record(actor=actor, action="sso.idp.metadata_refresh", school_id=idp.school_id,
                 detail={"idp": idp.entity_id})
    return idp


def _free_username(identifier: str) -> str:
    base = re.sub(r"[^\w.@+-]", "-", identifier)[:140] or "sso-user"
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _account_to_link(idp: IdentityProvider, *, email: str, student_number: str) -> User | None:
    """The account the school made for this person before they signed on, by the school's
    chosen key; ``None`` unless exactly one fits. An account that belongs to another school
    too, has staff rights on the site or a school role above faculty is never taken: an
    identity provider may only vouch for the people of its own school."""
    if idp.link_accounts == IdentityProvider.Linking.STUDENT_NUMBER and student_number:
        members = Membership.objects.filter(school=idp.school, student_number=student_number[:64])
    elif idp.link_accounts == IdentityProvider.Linking.EMAIL and email:
        members = Membership.objects.filter(school=idp.school, user__email__iexact=email)
    else:
        return None
    user_ids = set(members.values_list("user_id", flat=True))
    if len(user_ids) != 1:
        return None
    user = User.objects.get(pk=user_ids.pop())
    roles = Membership.objects.filter(user=user)
    if (user.is_staff or user.is_superuser or not user.is_active
            or roles.exclude(school=idp.school).exists()
            or roles.exclude(role__in=(Role.TRAINEE, Role.FACULTY)).exists()
            or SsoIdentity.objects.filter(idp=idp, user=user).exists()):
        return None
    return user


def member_sign_in(*, idp: IdentityProvider, identifier: str, email: str = "", first_name: str = "",
                   last_name: str = "", student_number: str = "") -> User:
    """The member ``idp`` vouches for: found by (identity provider, identifier) only, created
    at their first sign-on as a trainee of the identity provider's school (or linked to the
    account the school already made for them, when it chose so), their names, e-mail and
    student number brought up to date at every sign-on."""
    school = idp.school
    identity = (SsoIdentity.objects.select_for_update().select_related("user")
                .filter(idp=idp, identifier=identifier).first())
    values = {"email": email[:254], "first_name": first_name[:150], "last_name": last_name[:150]}
    linked = None
    if identity is None:
        linked = _account_to_link(idp, email=email, student_number=student_number)
    if linked is not None:
        identity = SsoIdentity.objects.create(idp=idp, identifier=identifier, user=linked)
        audit_record(actor=None, action="sso.member.link", school_id=school.pk, subject=linked,
                     detail={"idp": idp.entity_id, "by": idp.link_accounts})
    if identity is None:
        user = User(username=_free_username(identifier), **values)
        user.set_unusable_password()
        user.save()
        identity = SsoIdentity.objects.create(idp=idp, identifier=identifier, user=user)
        audit_record(actor=None, action="sso.member.create", school_id=school.pk, subject=user,
                     detail={"idp": idp.entity_id})
    else:
        user = identity.user
        changed = sorted(k for k, v in values.items() if v and getattr(user, k) != v)
        if changed:
            for key in changed:
                setattr(user, key, values[key])
            user.save(update_fields=changed)
            audit_record(actor=None, action="sso.member.update", school_id=school.pk, subject=user,
                         detail={"idp": idp.entity_id, "fields": changed})
    if not Membership.objects.filter(school=school, user=user).exists():
        school_member_add(school=school, user=user, role=Role.TRAINEE)
    if student_number:
        Membership.objects.filter(school=school, user=user, role=Role.TRAINEE).exclude(
            student_number=student_number[:64]).update(student_number=student_number[:64])
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    audit_record(actor=user, action="sso.sign_in", school_id=school.pk, subject=user, detail={"idp": idp.entity_id})
    return user


def sign_in_refused(*, school: School | None, reason: str, issuer: str = "") -> None:
    """Record a refused sign-on in the school's audit log and the log (``vigil.sso``)."""
    logger.warning("SSO sign-in refused for school %s: %s (issuer %s)",
                   school.slug if school else "?", reason, issuer or "?")
    audit_record(actor=None, action="sso.sign_in.refused", school_id=school.pk if school else None,
                 detail={"reason": reason, "idp": issuer} if issuer else {"reason": reason})
