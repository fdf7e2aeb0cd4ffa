"""Writes of the LTI app: registrations, the tool's keys, and what a launch changes.

Each change writes its audit record in the same function; the caller owns the transaction.
"""
from __future__ import annotations

import hashlib
import json

from django.utils.translation import gettext as _
from jwcrypto.jwk import JWK

from accounts.models import User
from schools.models import Cohort, Enrollment, Role, School
from schools.services import audit_record, cohort_create, cohort_enroll, school_member_add
from training.errors import ApplicationError

from .models import ContextBinding, Deployment, LtiIdentity, Platform, ToolKey

# LTI context and institution roles (full URIs or the short names the spec allows) and the
# school role each gives, the highest first.
_ADMIN_ROLES = ("#Administrator", "/Administrator", "Administrator")
_FACULTY_ROLES = ("#Instructor", "Instructor#TeachingAssistant", "/Instructor", "Instructor", "TeachingAssistant")
_LEARNER_ROLES = ("#Learner", "/Learner", "Learner")


def role_of(lti_roles: list[str]) -> str | None:
    """The school role of a launch's roles: Administrator → admin, Instructor or
    TeachingAssistant → faculty, Learner → trainee; None: no role Vigil maps."""
    roles = [r for r in lti_roles if isinstance(r, str)]
    if any(r.endswith(_ADMIN_ROLES) for r in roles):
        return Role.ADMIN
    if any(r.endswith(_FACULTY_ROLES) for r in roles):
        return Role.FACULTY
    if any(r.endswith(_LEARNER_ROLES) for r in roles):
        return Role.TRAINEE
    return None


def tool_key_generate(*, school: School, actor: User | None) -> ToolKey:
    """A new RSA key pair for the school; it signs from now on, the older ones stay published."""
    jwk = JWK.generate(kty="RSA", size=2048)
    public = json.loads(jwk.export_public())
    kid = jwk.thumbprint()
    key = ToolKey.objects.create(
        school=school, kid=kid, public_pem=jwk.export_to_pem().decode(),
        private_pem=jwk.export_to_pem(private_key=True, password=None).decode(),
    )
    audit_record(actor=actor, action="lti.key.generate", school_id=school.pk, detail={"kid": kid, "kty": public["kty"]})
    return key


def tool_key_retire(*, key: ToolKey, actor: User | None) -> ToolKey:
    """Stop publishing a key (and signing with it). The newest active key must remain."""
    if not ToolKey.objects.filter(school_id=key.school_id, is_active=True).exclude(pk=key.pk).exists():
        raise ApplicationError(_("Generate a new key before retiring the last one."), {"key": [_("The last key.")]})
    key.is_active = False
    key.save(update_fields=["is_active"])
    audit_record(actor=actor, action="lti.key.retire", school_id=key.school_id, detail={"kid": key.kid})
    return key


def platform_register(*, school: School, actor: User | None, name: str, issuer: str, client_id: str,
                      auth_login_url: str, auth_token_url: str, keyset_url: str,
                      deployment_ids: list[str]) -> Platform:
    """Register a school's LMS with its deployment ids; the school gets a tool key if it has none."""
    if Platform.objects.filter(issuer=issuer, client_id=client_id).exists():
        raise ApplicationError(_("This platform and client id are already registered."),
                               {"client_id": [_("Already registered.")]})
    platform = Platform.objects.create(
        school=school, name=name, issuer=issuer, client_id=client_id, auth_login_url=auth_login_url,
        auth_token_url=auth_token_url, keyset_url=keyset_url,
    )
    Deployment.objects.bulk_create(Deployment(platform=platform, deployment_id=d) for d in dict.fromkeys(deployment_ids))
    audit_record(actor=actor, action="lti.platform.register", school_id=school.pk,
                 detail={"platform": name, "issuer": issuer, "deployments": len(set(deployment_ids))})
    if not ToolKey.objects.filter(school=school, is_active=True).exists():
        tool_key_generate(school=school, actor=actor)
    return platform


def deployment_add(*, platform: Platform, deployment_id: str, actor: User | None) -> Deployment:
    deployment, created = Deployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)
    if created:
        audit_record(actor=actor, action="lti.deployment.add", school_id=platform.school_id,
                     detail={"platform": platform.name, "deployment": deployment_id})
    return deployment


def _username(platform: Platform, sub: str) -> str:
    return f"lti-{platform.pk}-{hashlib.sha256(sub.encode()).hexdigest()[:16]}"


def launch_user(*, platform: Platform, sub: str, claims: dict, role: str) -> User:
    """The Vigil account of the LMS's user, created in the school on their first launch, with
    the school role of this launch (roles are only ever added: a later launch as a learner
    takes nothing away)."""
    identity = LtiIdentity.objects.select_related("user").filter(platform=platform, sub=sub).first()
    if identity is None:
        user = User(username=_username(platform, sub), first_name=(claims.get("given_name") or "")[:150],
                    last_name=(claims.get("family_name") or "")[:150], email=(claims.get("email") or "")[:254])
        user.set_unusable_password()
        user.save()
        identity = LtiIdentity.objects.create(platform=platform, sub=sub, user=user)
        audit_record(actor=None, action="lti.account.create", school_id=platform.school_id, subject=user,
                     detail={"platform": platform.name, "role": role})
    school_member_add(school=platform.school, user=identity.user, role=role, actor=None)
    return identity.user


def launch_cohort(*, platform: Platform, context: dict, claims: dict) -> ContextBinding:
    """The cohort bound to the launch's LMS course, created (and bound) on its first launch;
    the roster and grade addresses of the latest launch are kept."""
    context_id = str(context["id"])
    binding = ContextBinding.objects.select_related("cohort").filter(platform=platform, context_id=context_id).first()
    nrps = claims.get("https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice") or {}
    ags = claims.get("https://purl.imsglobal.org/spec/lti-ags/claim/endpoint") or {}
    urls = {"memberships_url": nrps.get("context_memberships_url") or "", "lineitems_url": ags.get("lineitems") or ""}
    if binding is None:
        title = (context.get("title") or context.get("label") or context_id)[:200]
        slug = f"lti-{platform.pk}-{hashlib.sha256(context_id.encode()).hexdigest()[:12]}"
        cohort = cohort_create(school=platform.school, name=title, slug=slug, actor=None)
        binding = ContextBinding.objects.create(platform=platform, context_id=context_id, title=title[:255],
                                                cohort=cohort, **urls)
        audit_record(actor=None, action="lti.context.bind", cohort=cohort,
                     detail={"platform": platform.name, "context": title})
    elif any(urls[k] and getattr(binding, k) != urls[k] for k in urls):
        for k, v in urls.items():
            if v:
                setattr(binding, k, v)
        binding.save(update_fields=list(urls))
    return binding


def launch_enrol(*, cohort: Cohort, user: User, role: str) -> None:
    """Enrol the launching person in the cohort: a learner as a trainee, an instructor as its
    faculty; a school admin is not enrolled (they see every cohort of the school)."""
    if role == Role.ADMIN:
        return
    cohort_role = Enrollment.CohortRole.FACULTY if role == Role.FACULTY else Enrollment.CohortRole.TRAINEE
    if not Enrollment.objects.filter(cohort=cohort, user=user).exists():
        cohort_enroll(cohort=cohort, usernames=[user.username], role=cohort_role, actor=None)
