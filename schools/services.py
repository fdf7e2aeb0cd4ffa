"""Writes of the schools app: members, cohorts, enrolment, assignments, and the audit log.

Each change writes its own audit record in the same function (and so the same transaction),
so a change without its record cannot happen. The caller (a page, an API view, a command)
owns the transaction: these functions open none.
"""
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from training.errors import ApplicationError

from .models import Assignment, AuditEvent, Cohort, Enrollment, Membership, Role, School


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
    slug = slug or slugify(name)
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
    school's trainee or teacher into its cohorts (2 queries before writing)."""
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
    retaken (``None``: unchanged, off for a new assignment)."""
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
