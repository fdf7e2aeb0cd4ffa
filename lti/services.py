"""Writes of the LTI app: registrations, the tool's keys, and what a launch changes.

Each change writes its audit record in the same function; the caller owns the transaction.
"""
from __future__ import annotations

import hashlib
import json

from django.utils.translation import gettext as _
from jwcrypto.jwk import JWK

from accounts.models import User
from schools.models import Enrollment, Membership, Role, School
from schools.services import audit_record, cohort_create, cohort_enroll, member_role_revoke, school_member_add
from training.errors import ApplicationError, Conflict

from .models import (ContextBinding, Deployment, LtiCourseRole, LtiEnrollment, LtiIdentity, LtiRoleGrant, Placement,
                     Platform, ScorePassback, ToolKey)

# The staff roles a roster sync may take back (those the LMS gave), by rank: a course giving
# a higher role holds the lower one too (an Administrator of one course keeps the faculty role
# an Instructor launch gave).
_STAFF_RANK = {Role.FACULTY: 1, Role.ADMIN: 2}
_RANK = {Role.TRAINEE: 0, **_STAFF_RANK}

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


def _refuse_duplicate(issuer: str, client_id: str, *, but: Platform | None = None) -> None:
    """An issuer and client id name one registration in all of Vigil: a launch finds its
    school by them (another school's is refused too, without naming it)."""
    taken = Platform.objects.filter(issuer=issuer, client_id=client_id)
    if but is not None:
        taken = taken.exclude(pk=but.pk)
    if taken.exists():
        raise ApplicationError(_("This platform and client id are already registered."),
                               {"client_id": [_("This issuer and client id are already registered.")]})


def platform_register(*, school: School, actor: User | None, name: str, issuer: str, client_id: str,
                      auth_login_url: str, auth_token_url: str, keyset_url: str,
                      deployment_ids: list[str]) -> Platform:
    """Register a school's LMS with its deployment ids; the school gets a tool key if it has none."""
    _refuse_duplicate(issuer, client_id)
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


REGISTRATION_FIELDS = ("name", "issuer", "client_id", "auth_login_url", "auth_token_url", "keyset_url")


def platform_update(*, platform: Platform, actor: User | None, deployment_ids: list[str], **values) -> list[str]:
    """Change a registration and its deployment ids (those no longer listed are forgotten:
    launches naming them are refused). Returns the names of what changed (audited, with the
    deployments added and removed)."""
    issuer = values.get("issuer", platform.issuer)
    client_id = values.get("client_id", platform.client_id)
    _refuse_duplicate(issuer, client_id, but=platform)
    changed = [f for f in REGISTRATION_FIELDS if f in values and getattr(platform, f) != values[f]]
    for f in changed:
        setattr(platform, f, values[f])
    if changed:
        platform.save(update_fields=changed)
    kept = set(platform.deployments.values_list("deployment_id", flat=True))
    wanted = list(dict.fromkeys(deployment_ids))
    added, removed = [d for d in wanted if d not in kept], sorted(kept - set(wanted))
    Deployment.objects.bulk_create(Deployment(platform=platform, deployment_id=d) for d in added)
    platform.deployments.filter(deployment_id__in=removed).delete()
    if changed or added or removed:
        audit_record(actor=actor, action="lti.platform.update", school_id=platform.school_id, detail={
            "platform": platform.name, "changed": changed, "deployments_added": added, "deployments_removed": removed})
        changed += ["deployment_ids"] if added or removed else []
    return changed


def platform_set_active(*, platform: Platform, active: bool, actor: User | None) -> Platform:
    """Deactivate a registration (its launches are refused with a page saying so, its grades
    and rosters wait) or reactivate it; the same state again changes nothing."""
    if platform.is_active == active:
        return platform
    platform.is_active = active
    platform.save(update_fields=["is_active"])
    audit_record(actor=actor, action="lti.platform.reactivate" if active else "lti.platform.deactivate",
                 school_id=platform.school_id, detail={"platform": platform.name, "issuer": platform.issuer})
    return platform


def placement_remove(*, placement: Placement, actor: User | None) -> int:
    """Remove a placed activity: its launches say it was removed, its grades not yet received
    by the LMS are no longer sent (marked stopped; those received stay as they were).
    Returns how many were stopped."""
    from django.utils import timezone

    if placement.removed_at is not None:
        return 0
    placement.removed_at = timezone.now()
    placement.save(update_fields=["removed_at"])
    stopped = placement.passbacks.exclude(status=ScorePassback.Status.SENT).update(
        status=ScorePassback.Status.STOPPED, last_error="")
    audit_record(actor=actor, action="lti.placement.remove", cohort=placement.context.cohort,
                 detail={"placement": placement.title, "course": placement.course.slug,
                         "module": placement.module_slug, "passbacks_stopped": stopped})
    return stopped


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
    the school role of this launch (a launch only ever adds a role: a later launch as a
    learner takes nothing away; a roster sync does, of the staff roles the LMS gave)."""
    return launch_account(platform=platform, sub=sub, claims=claims, role=role)[0]


def launch_account(*, platform: Platform, sub: str, claims: dict, role: str) -> tuple[User, bool, bool]:
    """``launch_user``, also saying whether the account was created now and whether the
    school role was added now. A staff role (faculty, admin) the LMS adds is remembered as
    the LMS's (``LtiRoleGrant``): a roster sync may take back only those."""
    identity = LtiIdentity.objects.select_related("user").filter(platform=platform, sub=sub).first()
    created = identity is None
    if created:
        user = User(username=_username(platform, sub), first_name=(claims.get("given_name") or "")[:150],
                    last_name=(claims.get("family_name") or "")[:150], email=(claims.get("email") or "")[:254])
        user.set_unusable_password()
        user.save()
        identity = LtiIdentity.objects.create(platform=platform, sub=sub, user=user)
        audit_record(actor=None, action="lti.account.create", school_id=platform.school_id, subject=user,
                     detail={"platform": platform.name, "role": role})
    had = not created and Membership.objects.filter(school=platform.school, user=identity.user, role=role).exists()
    membership = school_member_add(school=platform.school, user=identity.user, role=role, actor=None)
    if not had and role in _STAFF_RANK:
        LtiRoleGrant.objects.get_or_create(membership=membership)
    return identity.user, created, not had


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


def launch_enrol(*, binding: ContextBinding, user: User, role: str) -> bool:
    """Enrol the launching (or listed) person in the bound cohort: a learner as a trainee, an
    instructor as its faculty; a school admin is not enrolled (they see every cohort of the
    school). The enrolment's origin is recorded (a roster sync may take back only those).
    Returns whether they were enrolled now. The role the course gives is recorded
    (``LtiCourseRole``) before anything else, admins' too."""
    LtiCourseRole.objects.update_or_create(context=binding, user=user, defaults={"role": role})
    if role == Role.ADMIN:
        return False
    cohort = binding.cohort
    cohort_role = Enrollment.CohortRole.FACULTY if role == Role.FACULTY else Enrollment.CohortRole.TRAINEE
    if Enrollment.objects.filter(cohort=cohort, user=user).exists():
        return False
    cohort_enroll(cohort=cohort, usernames=[user.username], role=cohort_role, actor=None)
    LtiEnrollment.objects.update_or_create(context=binding, user=user, defaults={"removed_at": None})
    return True


def lti_unenrol(*, origin: LtiEnrollment, actor: User | None) -> bool:
    """Take back an enrolment the LMS made, the LMS no longer listing the person: the
    enrolment goes, their attempts, grades and attestations stay (a later listing enrols
    them again). Returns whether they were still enrolled."""
    from django.utils import timezone

    binding = origin.context
    deleted, _by = Enrollment.objects.filter(cohort_id=binding.cohort_id, user_id=origin.user_id).delete()
    origin.removed_at = timezone.now()
    origin.save(update_fields=["removed_at"])
    if not deleted:
        return False
    audit_record(actor=actor, action="lti.roster.unenrol", cohort=binding.cohort, subject=origin.user,
                 detail={"platform": binding.platform.name, "context": binding.title})
    return True


def lti_cohort_role_follow(*, binding: ContextBinding, user: User, role: str, actor: User | None) -> bool:
    """An enrolment the LMS made follows the role the course now gives: Learner → trainee,
    Instructor or TeachingAssistant → faculty (an Administrator's stays as it is: admins see
    every cohort). An enrolment made by hand is left as it is. Audited
    (``lti.roster.role``). Returns whether the cohort role changed."""
    if role == Role.ADMIN or not LtiEnrollment.objects.filter(context=binding, user=user,
                                                              removed_at__isnull=True).exists():
        return False
    wanted = Enrollment.CohortRole.FACULTY if role == Role.FACULTY else Enrollment.CohortRole.TRAINEE
    enrollment = Enrollment.objects.filter(cohort_id=binding.cohort_id, user=user).first()
    if enrollment is None or enrollment.role == wanted:
        return False
    before, enrollment.role = enrollment.role, wanted
    enrollment.save(update_fields=["role"])
    audit_record(actor=actor, action="lti.roster.role", cohort=binding.cohort, subject=user,
                 detail={"role": wanted, "before": before, "platform": binding.platform.name,
                         "context": binding.title})
    return True


def lti_staff_roles_follow(*, school: School, user_ids, actor: User | None) -> tuple[int, int]:
    """Take back the staff roles the LMS gave (``LtiRoleGrant``) that none of the school's LMS
    courses gives any more (no ``LtiCourseRole`` of that role or higher), through
    ``member_role_revoke`` (audited ``school.role.revoke``; the school's last active admin
    keeps theirs). Kept, and counted as such: a role set in Vigil by hand, a faculty role of
    someone who teaches a cohort of the school, the last admin's. Returns (revoked, kept)."""
    from django.db.models import Exists, OuterRef

    user_ids = set(user_ids)
    if not user_ids:
        return 0, 0
    given: dict[int, int] = {}
    for user_id, role in LtiCourseRole.objects.filter(context__platform__school=school,
                                                      user_id__in=user_ids).values_list("user_id", "role"):
        given[user_id] = max(given.get(user_id, -1), _RANK.get(role, -1))
    staff = (Membership.objects.filter(school=school, user_id__in=user_ids, role__in=list(_STAFF_RANK))
             .select_related("user").order_by("pk")
             .annotate(from_lms=Exists(LtiRoleGrant.objects.filter(membership=OuterRef("pk"))),
                       teaching=Exists(Enrollment.objects.filter(user=OuterRef("user"), cohort__school=school,
                                                                 role=Enrollment.CohortRole.FACULTY))))
    revoked = kept = 0
    for membership in staff:
        if given.get(membership.user_id, -1) >= _STAFF_RANK[membership.role]:
            continue
        if not membership.from_lms or (membership.role == Role.FACULTY and membership.teaching):
            kept += 1
            continue
        try:
            member_role_revoke(school=school, user=membership.user, role=membership.role, actor=actor)
        except Conflict:  # the school's last active admin
            kept += 1
            continue
        revoked += 1
    return revoked, kept
