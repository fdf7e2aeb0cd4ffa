"""Writes of the cohorts app: enrolment, assignments, and the per-trainee aggregates.

Aggregates are upserted with ``INSERT … ON CONFLICT DO UPDATE SET value = value + …``
(PostgreSQL and SQLite share the syntax), so concurrent gradings of one trainee add up
instead of overwriting each other.
"""
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from training.api_errors import ApplicationError

from .models import (
    Assignment, AuditEvent, Cohort, Enrollment, MeasureCounter, Membership, ModuleProgress, Role, School,
)


def counters_add(*, trainee_id: int, course_id: int, deltas: dict[str, float]) -> None:
    """Add each delta to the trainee's named counter in the course, creating it at 0."""
    if not deltas:
        return
    table = MeasureCounter._meta.db_table
    sql = (
        f"INSERT INTO {table} (trainee_id, course_id, name, value) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (trainee_id, course_id, name) DO UPDATE SET value = {table}.value + excluded.value"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(trainee_id, course_id, name, float(v)) for name, v in sorted(deltas.items())])


def progress_record(
    *, trainee_id: int, course_id: int, module_slug: str, graded_delta: int, score_delta: float, at: datetime,
    items_total: int | None = None,
) -> None:
    """Move a trainee's module progress by one grading event (or a regrade's difference).

    ``items_total`` is given when an attempt starts (the module's size in the version being
    taken); grading leaves it as it is.
    """
    table = ModuleProgress._meta.db_table
    total_update = "items_total = excluded.items_total, " if items_total is not None else ""
    sql = (
        f"INSERT INTO {table} (trainee_id, course_id, module_slug, items_total, items_graded, score_sum, "
        f"started_at, last_activity_at, completed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL) "
        f"ON CONFLICT (trainee_id, course_id, module_slug) DO UPDATE SET {total_update}"
        f"items_graded = {table}.items_graded + excluded.items_graded, "
        f"score_sum = {table}.score_sum + excluded.score_sum, last_activity_at = excluded.last_activity_at, "
        f"completed_at = CASE WHEN {table}.completed_at IS NULL AND {table}.items_total > 0 "
        f"AND {table}.items_graded + excluded.items_graded >= {table}.items_total "
        f"THEN excluded.last_activity_at ELSE {table}.completed_at END"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [trainee_id, course_id, module_slug, items_total or 0, graded_delta, score_delta, at, at])


def progress_touch(*, trainee_id: int, course_id: int, module_slug: str, items_total: int, at: datetime) -> None:
    """Record that a trainee started (or resumed) a module, without a grade."""
    progress_record(
        trainee_id=trainee_id, course_id=course_id, module_slug=module_slug, items_total=items_total,
        graded_delta=0, score_delta=0.0, at=at,
    )


def school_member_add(*, school: School, user: User, role: str) -> Membership:
    membership, _created = Membership.objects.get_or_create(school=school, user=user, role=role)
    return membership


@transaction.atomic
def cohort_create(*, school: School, name: str, year: int | None = None, slug: str = "") -> Cohort:
    slug = slug or slugify(name)
    if Cohort.objects.filter(school=school, slug=slug).exists():
        raise ApplicationError(_("A cohort with this name already exists."), {"slug": [_("Already taken.")]})
    return Cohort.objects.create(school=school, name=name, slug=slug, year=year)


@transaction.atomic
def cohort_enroll(*, cohort: Cohort, usernames: list[str], role: str = Enrollment.CohortRole.TRAINEE) -> list[Enrollment]:
    """Enrol existing users by username; all or nothing, with every unknown name reported."""
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = {f"usernames[{i}]": [_("No user named %(name)s.") % {"name": n}]
               for i, n in enumerate(usernames) if n not in users}
    if missing:
        raise ApplicationError(_("Some users do not exist; nobody was enrolled."), missing)
    school_role = Role.TRAINEE if role == Enrollment.CohortRole.TRAINEE else Role.FACULTY
    enrollments = []
    for name in usernames:
        user = users[name]
        Membership.objects.get_or_create(school=cohort.school, user=user, role=school_role)
        enrollment, _created = Enrollment.objects.get_or_create(cohort=cohort, user=user, defaults={"role": role})
        enrollments.append(enrollment)
    return enrollments


def cohort_assign_course(*, cohort: Cohort, course: Course, due_at: datetime | None = None) -> Assignment:
    try:
        with transaction.atomic():
            assignment, created = Assignment.objects.get_or_create(cohort=cohort, course=course, defaults={"due_at": due_at})
    except IntegrityError:  # a concurrent assign of the same course won the race
        assignment, created = Assignment.objects.get(cohort=cohort, course=course), False
    if not created and assignment.due_at != due_at:
        assignment.due_at = due_at
        assignment.save(update_fields=["due_at"])
    return assignment


def audit_record(*, actor: User, action: str, cohort: Cohort | None = None, subject: User | None = None,
                 detail: dict | None = None) -> None:
    AuditEvent.objects.create(
        actor=actor, action=action, cohort=cohort, school_id=cohort.school_id if cohort else None,
        subject=subject, detail=detail or {},
    )
