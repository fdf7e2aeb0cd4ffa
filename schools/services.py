"""Writes of the schools app: members, cohorts, enrolment, assignments, and the audit log.

Each change writes its own audit record in the same function (and so the same transaction),
so a change without its record cannot happen. The caller (a page, an API view, a command)
owns the transaction: these functions open none.
"""
import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from training.errors import ApplicationError, Conflict
from training.slugs import slug_from

from .models import Assignment, AuditEvent, Cohort, Enrollment, Invitation, Membership, Role, School

logger = logging.getLogger(__name__)


def audit_record(*, actor: User | None, action: str, cohort: Cohort | None = None, subject: User | None = None,
                 detail: dict | None = None, school_id: int | None = None) -> AuditEvent:
    """Record a read or change of trainee data. The event belongs to the cohort's school, or
    to ``school_id`` when there is no cohort: an event of no school is in no admin's log."""
    return AuditEvent.objects.create(
        actor=actor, action=action, cohort=cohort, school_id=cohort.school_id if cohort else school_id,
        subject=subject, detail=detail or {},
    )


def audit_records(*, actor: User, action: str, events: list[dict]) -> list[AuditEvent]:
    """``audit_record`` for many subjects at once, in one query: each of ``events`` gives the
    ``subject_id``, the ``school_id`` it belongs to and its ``detail`` (a list of trainees
    whose names were shown, each in their school's log)."""
    return AuditEvent.objects.bulk_create([
        AuditEvent(actor=actor, action=action, school_id=e.get("school_id"), subject_id=e.get("subject_id"),
                   detail=e.get("detail") or {})
        for e in events
    ])


def audit_record_school(*, actor: User, action: str, school: School, subject: User | None = None,
                        detail: dict | None = None) -> AuditEvent:
    """``audit_record`` for a read of the school as a whole rather than of one cohort (its audit
    log): the event belongs to the school, so its admins see it."""
    return AuditEvent.objects.create(actor=actor, action=action, school=school, subject=subject, detail=detail or {})


def school_member_add(*, school: School, user: User, role: str, actor: User | None = None) -> Membership:
    """Give a person a role in a school (nothing changes if they have it already)."""
    membership, created = Membership.objects.get_or_create(school=school, user=user, role=role)
    if created:
        audit_record(actor=actor, action="school.member.add", school_id=school.pk, subject=user,
                     detail={"role": role})
    return membership


def school_set_local_sign_in(*, school: School, allowed: bool, actor: User | None = None) -> School:
    """Allow or refuse password sign-in to the school's members (off: single sign-on only,
    enforced by ``sso.backends.LocalPasswordBackend``)."""
    if school.local_sign_in_allowed != allowed:
        school.local_sign_in_allowed = allowed
        school.save(update_fields=["local_sign_in_allowed"])
        audit_record(actor=actor, action="school.local_sign_in.change", school_id=school.pk,
                     detail={"allowed": allowed})
    return school


def cohort_create(*, school: School, name: str, year: int | None = None, slug: str = "",
                  actor: User | None = None) -> Cohort:
    slug = slug or slug_from(name, fallback="cohort")
    if Cohort.objects.filter(school=school, slug=slug).exists():
        raise ApplicationError(_("A cohort with this name already exists."), {"slug": [_("Already taken.")]})
    cohort = Cohort.objects.create(school=school, name=name, slug=slug, year=year)
    audit_record(actor=actor, action="cohort.create", cohort=cohort, detail={"cohort": cohort.name})
    return cohort


def cohort_enroll(*, cohort: Cohort, usernames: list[str], role: str = Enrollment.CohortRole.TRAINEE,
                  actor: User | None = None) -> list[Enrollment]:
    """Enrol existing users by username; all or nothing (in the caller's transaction), with
    every refused name reported.

    Only people of the cohort's school, or of no school yet (they become its members), may
    be enrolled: a member of another school only is refused, so no school can draw another
    school's trainee or teacher into its cohorts (2 queries before writing). An archived
    cohort takes nobody new, whoever asks (the pages, the API, an LMS launch or sync)."""
    if cohort.archived_at is not None:
        raise Conflict(_("This cohort is archived: it takes no new members."), {"cohort": [_("Archived.")]})
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = {f"usernames[{i}]": [_("No user named %(name)s.") % {"name": n}]
               for i, n in enumerate(usernames) if n not in users}
    if missing:
        raise ApplicationError(_("Some users do not exist; nobody was enrolled."), missing)
    schools_of: dict[int, set[int]] = {}
    for user_id, school_id in Membership.objects.filter(user__in=users.values()).values_list("user_id", "school_id"):
        schools_of.setdefault(user_id, set()).add(school_id)
    strangers = {
        f"usernames[{i}]": [_("%(name)s is a member of another school.") % {"name": n}]
        for i, n in enumerate(usernames)
        if schools_of.get(users[n].pk) and cohort.school_id not in schools_of[users[n].pk]
    }
    if strangers:
        raise ApplicationError(_("Some users belong to another school; nobody was enrolled."), strangers)
    school_role = Role.TRAINEE if role == Enrollment.CohortRole.TRAINEE else Role.FACULTY
    enrollments, added = [], 0
    for name in usernames:
        user = users[name]
        Membership.objects.get_or_create(school=cohort.school, user=user, role=school_role)
        enrollment, created = Enrollment.objects.get_or_create(cohort=cohort, user=user, defaults={"role": role})
        enrollments.append(enrollment)
        added += created
    if added:
        audit_record(actor=actor, action="cohort.enroll", cohort=cohort, detail={"role": role, "enrolled": added})
    return enrollments


def cohort_assign_course(*, cohort: Cohort, course, due_at: datetime | None = None,
                         retake_new_versions: bool | None = None, actor: User | None = None) -> Assignment:
    """Assign a course to a cohort, or change its due date and whether a new version must be
    retaken (``None``: unchanged, off for a new assignment). An archived cohort is given no
    new course (409)."""
    if cohort.archived_at is not None and not Assignment.objects.filter(cohort=cohort, course=course).exists():
        raise Conflict(_("This cohort is archived: it takes no new course."))
    defaults = {"due_at": due_at, "retake_new_versions": bool(retake_new_versions)}
    try:
        with transaction.atomic():  # a savepoint: a concurrent assign of the same course may win
            assignment, created = Assignment.objects.get_or_create(cohort=cohort, course=course, defaults=defaults)
    except IntegrityError:
        assignment, created = Assignment.objects.get(cohort=cohort, course=course), False
    retake = assignment.retake_new_versions if retake_new_versions is None else retake_new_versions
    if not created and assignment.due_at == due_at and assignment.retake_new_versions == retake:
        return assignment
    if not created:
        assignment.due_at, assignment.retake_new_versions = due_at, retake
        assignment.save(update_fields=["due_at", "retake_new_versions"])
    detail = {"course": course.slug, "due": due_at.isoformat() if due_at else None}
    if retake:
        detail["retake_new_versions"] = True
    audit_record(actor=actor, action="cohort.assign", cohort=cohort, detail=detail)
    return assignment


# ---------------------------------------------------------------- school administration

STAFF_ROLES = (Role.FACULTY, Role.REVIEWER, Role.ADMIN)


def cohort_update(*, cohort: Cohort, name: str, year: int | None, actor: User | None = None) -> Cohort:
    """Rename a cohort or change its year (its address, the slug, stays)."""
    changed = {f: v for f, v in (("name", name), ("year", year)) if getattr(cohort, f) != v}
    if not changed:
        return cohort
    for field, value in changed.items():
        setattr(cohort, field, value)
    cohort.save(update_fields=list(changed))
    audit_record(actor=actor, action="cohort.update", cohort=cohort, detail={"cohort": cohort.name, **changed})
    return cohort


def cohort_archive(*, cohort: Cohort, actor: User | None = None) -> Cohort:
    """Archive a cohort: it stays readable, its trainees answer no more (nothing changes if it is)."""
    if cohort.archived_at is None:
        cohort.archived_at = timezone.now()
        cohort.save(update_fields=["archived_at"])
        audit_record(actor=actor, action="cohort.archive", cohort=cohort, detail={"cohort": cohort.name})
    return cohort


def cohort_restore(*, cohort: Cohort, actor: User | None = None) -> Cohort:
    """Take a cohort out of the archive: its trainees may answer again."""
    if cohort.archived_at is not None:
        cohort.archived_at = None
        cohort.save(update_fields=["archived_at"])
        audit_record(actor=actor, action="cohort.restore", cohort=cohort, detail={"cohort": cohort.name})
    return cohort


def cohort_unassign_course(*, assignment: Assignment, actor: User | None = None) -> None:
    """Withdraw a course from a cohort; what its trainees did stays on their record."""
    cohort, course_slug = assignment.cohort, assignment.course.slug
    assignment.delete()
    audit_record(actor=actor, action="cohort.unassign", cohort=cohort, detail={"course": course_slug})


def _active_admin_count(school: School) -> int:
    return Membership.objects.filter(school=school, role=Role.ADMIN, user__is_active=True).count()


def member_role_grant(*, school: School, user: User, role: str, actor: User | None = None) -> Membership:
    """Give a member of the school a staff role (faculty, reviewer, admin)."""
    if role not in STAFF_ROLES:
        raise ApplicationError(_("Choose one of the staff roles."), {"role": [_("Not a staff role.")]})
    if not Membership.objects.filter(school=school, user=user).exists():
        raise ApplicationError(_("%(name)s is not a member of this school.") % {"name": user.username},
                               {"username": [_("Not a member of this school.")]})
    membership, created = Membership.objects.get_or_create(school=school, user=user, role=role)
    if created:
        audit_record(actor=actor, action="school.role.grant", school_id=school.pk, subject=user, detail={"role": role})
    return membership


def member_role_revoke(*, school: School, user: User, role: str, actor: User | None = None) -> None:
    """Take a staff role away; the school's last active admin keeps theirs (409)."""
    membership = Membership.objects.filter(school=school, user=user, role=role).first()
    if membership is None or role not in STAFF_ROLES:
        return
    if role == Role.ADMIN and user.is_active and _active_admin_count(school) <= 1:
        raise Conflict(_("%(name)s is the last admin of this school: give another member the admin role first.")
                       % {"name": user.display_name})
    membership.delete()
    audit_record(actor=actor, action="school.role.revoke", school_id=school.pk, subject=user, detail={"role": role})


def member_deactivate(*, school: School, user: User, actor: User | None = None) -> User:
    """Switch a member's account off: they sign in no more, their records and roles stay.

    The account is the person's, not the school's: a member of another school too, a
    platform superuser, oneself and the school's last active admin are refused (409)."""
    if not user.is_active:
        return user
    schools = set(Membership.objects.filter(user=user).values_list("school_id", flat=True))
    if school.pk not in schools:
        raise ApplicationError(_("%(name)s is not a member of this school.") % {"name": user.username}, status_code=404)
    if schools != {school.pk} or user.is_superuser:
        raise Conflict(_("%(name)s also belongs elsewhere: only a platform admin may switch their account off.")
                       % {"name": user.display_name})
    if actor is not None and actor.pk == user.pk:
        raise Conflict(_("You cannot switch your own account off."))
    if Membership.objects.filter(school=school, user=user, role=Role.ADMIN).exists() and _active_admin_count(school) <= 1:
        raise Conflict(_("%(name)s is the last admin of this school: give another member the admin role first.")
                       % {"name": user.display_name})
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="school.member.deactivate", school_id=school.pk, subject=user)
    return user


def member_reactivate(*, school: School, user: User, actor: User | None = None) -> User:
    """Switch a member's account back on."""
    if user.is_active:
        return user
    schools = set(Membership.objects.filter(user=user).values_list("school_id", flat=True))
    if schools != {school.pk}:
        raise Conflict(_("%(name)s also belongs elsewhere: only a platform admin may switch their account on.")
                       % {"name": user.display_name})
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="school.member.reactivate", school_id=school.pk, subject=user)
    return user


def roster_apply(*, school: School, entries: list[dict], actor: User | None = None) -> dict[str, int]:
    """Apply a roster: create the new people (no password yet: they are invited), update the
    others, give each their role in the school and enrol them in their cohort. All or nothing
    (in the caller's transaction): any entry in error and nothing is written (400, by line).
    The same roster again changes nothing. Returns the number of rows by status."""
    from .selectors import roster_plan

    plan = roster_plan(school=school, entries=entries)
    bad = {f'line {p["entry"]["line"]}': [message for _key, message in p["errors"]] for p in plan if p["errors"]}
    if bad:
        raise ApplicationError(_("Some rows are not valid; nothing was written."), bad)
    counts = {status: sum(p["status"] == status for p in plan) for status in ("new", "updated", "unchanged")}
    if not counts["new"] and not counts["updated"]:
        return counts
    new_users = []
    for p in plan:
        if p["status"] == "new":
            e = p["entry"]
            user = User(username=e["username"] or e["email"], email=e["email"], first_name=e["first_name"],
                        last_name=e["last_name"], training_year=e["training_year"])
            user.set_unusable_password()
            p["user"] = user
            new_users.append(user)
    User.objects.bulk_create(new_users)
    changed_users = [p for p in plan if p["status"] == "updated" and set(p["changes"]) & {
        "email", "first_name", "last_name", "training_year"}]
    for p in changed_users:
        for f in ("email", "first_name", "last_name", "training_year"):
            if f in p["changes"]:
                setattr(p["user"], f, p["entry"][f])
    if changed_users:
        User.objects.bulk_update([p["user"] for p in changed_users], ["email", "first_name", "last_name", "training_year"])
    touched = [p for p in plan if p["status"] in ("new", "updated")]
    Membership.objects.bulk_create(
        [Membership(school=school, user=p["user"], role=p["entry"]["role"], student_number=p["entry"]["student_number"])
         for p in touched if p["status"] == "new" or "role" in p["changes"]])
    numbered = [p for p in touched if "student_number" in p["changes"]]
    for p in numbered:
        Membership.objects.filter(school=school, user=p["user"], role=p["entry"]["role"]).update(
            student_number=p["entry"]["student_number"])
    Enrollment.objects.bulk_create([
        Enrollment(cohort=p["cohort"], user=p["user"], role=Enrollment.CohortRole.FACULTY
                   if p["entry"]["role"] == Role.FACULTY else Enrollment.CohortRole.TRAINEE)
        for p in touched if p["cohort"] is not None and (p["status"] == "new" or "cohort" in p["changes"])])
    audit_record(actor=actor, action="school.roster.apply", school_id=school.pk,
                 detail={"rows": len(plan), **counts})
    audit_records(actor=actor, action="school.roster.person", events=[
        {"subject_id": p["user"].pk, "school_id": school.pk,
         "detail": {"line": p["entry"]["line"], "status": p["status"], "changes": p["changes"]}} for p in touched])
    return counts


# ---------------------------------------------------------------- invitations

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_send(*, school: School, user: User, link_for: Callable[[str], str],
                    actor: User | None = None) -> Invitation:
    """E-mail a member a link to set their password, valid ``VIGIL_INVITATION_DAYS`` days and
    once; a new invitation (a resend) ends the ones before it. The e-mail leaves once the
    caller's transaction commits."""
    if not user.email:
        raise ApplicationError(_("%(name)s has no e-mail address.") % {"name": user.display_name},
                               {"username": [_("No e-mail address.")]})
    if not user.is_active:
        raise Conflict(_("%(name)s is deactivated: reactivate them before inviting them.") % {"name": user.display_name})
    now = timezone.now()
    earlier = Invitation.objects.filter(school=school, user=user, used_at__isnull=True, expires_at__gt=now)
    resent = earlier.update(expires_at=now) > 0
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        school=school, user=user, token_digest=_digest(token), sent_at=now, sent_by=actor,
        expires_at=now + timedelta(days=settings.VIGIL_INVITATION_DAYS))
    link = link_for(token)
    subject = _("Your Vigil account at %(school)s") % {"school": school.name}
    body = _("Hello %(name)s,\n\n%(school)s invites you to Vigil. Choose your password with this link "
             "(valid until %(until)s, once):\n\n%(link)s\n\nYour username: %(username)s\n") % {
        "name": user.display_name, "school": school.name, "link": link, "username": user.username,
        "until": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M")}
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    audit_record(actor=actor, action="school.invitation.send", school_id=school.pk, subject=user,
                 detail={"expires": invitation.expires_at.isoformat(), "resent": resent})
    return invitation


def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited person's password from a valid link; the link is then used up. An
    unknown, expired or used link is refused (``invitation_check``)."""
    invitation = invitation_check(token=token)
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    if not Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise Conflict(_("This invitation link was already used."))  # a concurrent accept won
    audit_record(actor=user, action="school.invitation.accept", school_id=invitation.school_id, subject=user)
    return user


class InvitationRefused(ApplicationError):
    status_code = 410

    def __init__(self, message: str, reason: str, invitation: Invitation | None):
        super().__init__(message)
        self.reason, self.invitation = reason, invitation


def invitation_check(*, token: str) -> Invitation:
    """The invitation of a link if it may still be used, else ``InvitationRefused`` saying
    why ("unknown" 404; "used", "deactivated" or "expired" 410)."""
    invitation = Invitation.objects.select_related("user", "school").filter(token_digest=_digest(token)).first()
    if invitation is None:
        refused = InvitationRefused(_("This invitation link is not valid: check that it was copied whole."),
                                    "unknown", None)
        refused.status_code = 404
        raise refused
    if invitation.used_at is not None:
        raise InvitationRefused(_("This invitation link was already used: sign in with your password, or ask "
                                  "for a password reset."), "used", invitation)
    if not invitation.user.is_active:
        raise InvitationRefused(_("This account is deactivated: ask your school."), "deactivated", invitation)
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused(_("This invitation link has expired: ask your school for a new one."),
                                "expired", invitation)
    return invitation


def invitation_refusal_record(*, refused: InvitationRefused) -> None:
    """Keep a refused link in its school's log (an unknown one has no school: it is logged)."""
    if refused.invitation is None:
        logger.warning("invitation link refused: unknown token")
        return
    audit_record(actor=None, action="school.invitation.refused", school_id=refused.invitation.school_id,
                 subject=refused.invitation.user, detail={"reason": refused.reason})
