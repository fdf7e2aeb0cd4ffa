"""Reads of the schools app: who belongs where, and what each person may see or take.

Membership and scope only (roles, cohorts, enrolments, assignments); the analytics built
on them live above, in ``cohorts.selectors``. Course arguments are typed as models: this
app sits below ``courses`` and imports nothing of it.
"""
from datetime import datetime

from django.db.models import Count, Exists, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User

from .models import Assignment, Cohort, Enrollment, Invitation, Membership, Role, School


def trainee_assignments(*, trainee: User) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            cohort__enrollments__user=trainee, cohort__enrollments__role=Enrollment.CohortRole.TRAINEE,
        )
        .select_related("course", "cohort")
        .order_by("due_at", "course__slug")
    )


def trainee_may_take_course(*, trainee: User, course: Model) -> bool:
    return trainee_assignments(trainee=trainee).filter(course=course).exists()


def answers_open(*, trainee: str = "trainee_id", course: str = "course_id") -> Exists:
    """Whether a row's trainee is still assigned its course by a cohort that is not archived,
    as an SQL expression over the row's trainee and course fields (an attempt's, by default):
    a trainee of archived cohorts only may read their work but answer no more."""
    return Exists(Assignment.objects.filter(
        course_id=OuterRef(course), cohort__archived_at__isnull=True,
        cohort__enrollments__user_id=OuterRef(trainee), cohort__enrollments__role=Enrollment.CohortRole.TRAINEE,
    ))


def trainee_course_standing(*, trainee: User, course: Model) -> tuple[bool, bool]:
    """Whether a cohort of the trainee is assigned the course, and whether one that is not
    archived is (1 query)."""
    found = trainee_assignments(trainee=trainee).filter(course=course).aggregate(
        assigned=Count("pk"), open=Count("pk", filter=Q(cohort__archived_at__isnull=True)))
    return bool(found["assigned"]), bool(found["open"])


def trainee_answers_open(*, trainee_id: int, course_id: int) -> bool:
    """``answers_open`` for one trainee and course (1 query)."""
    return Assignment.objects.filter(
        course_id=course_id, cohort__archived_at__isnull=True,
        cohort__enrollments__user_id=trainee_id, cohort__enrollments__role=Enrollment.CohortRole.TRAINEE,
    ).exists()


def trainee_due_date(*, trainee: User, course: Model) -> datetime | None:
    """The latest due date among the trainee's assignments of the course (None: no due date)."""
    dues = [a.due_at for a in trainee_assignments(trainee=trainee).filter(course=course)]
    if not dues or any(d is None for d in dues):
        return None
    return max(dues)


def staff_cohorts(*, user: User) -> QuerySet[Cohort]:
    """Cohorts whose trainees' work the user may see: school reviewers and admins see the
    school's cohorts, faculty the cohorts they teach, platform superusers all."""
    if user.is_superuser:
        return Cohort.objects.all()
    schools = Membership.objects.filter(user=user, role__in=[Role.REVIEWER, Role.ADMIN]).values("school_id")
    taught = Enrollment.objects.filter(user=user, role=Enrollment.CohortRole.FACULTY).values("cohort_id")
    return Cohort.objects.filter(Q(school_id__in=schools) | Q(pk__in=taught)).distinct()


def staff_cohort_list(*, user: User) -> list[dict]:
    """The cohorts the user may see, with their school and number of trainees (1 query)."""
    cohorts = (
        staff_cohorts(user=user).select_related("school")
        .annotate(trainee_count=Count("enrollments", filter=Q(enrollments__role=Enrollment.CohortRole.TRAINEE),
                                      distinct=True))
        .order_by("school__name", "-year", "name")
    )
    return list(cohorts)


def cohort_trainees(*, cohort: Cohort) -> QuerySet[User]:
    return User.objects.filter(
        enrollments__cohort=cohort, enrollments__role=Enrollment.CohortRole.TRAINEE,
    ).order_by("last_name", "first_name", "username")


def cohort_trainee_ids(*, cohort: Cohort) -> QuerySet:
    """The cohort's trainees as a subquery of user ids (never evaluated on its own)."""
    return Enrollment.objects.filter(cohort_id=cohort.pk, role=Enrollment.CohortRole.TRAINEE).values("user_id")


def cohort_trainee(*, cohort: Cohort, trainee_id: int) -> User | None:
    """The trainee if enrolled in the cohort as a trainee (1 query)."""
    return User.objects.filter(
        pk=trainee_id, enrollments__cohort=cohort, enrollments__role=Enrollment.CohortRole.TRAINEE,
    ).first()


def school_cohort_list(*, school: School) -> list[Cohort]:
    """The school's cohorts, latest year first (1 query)."""
    return list(Cohort.objects.filter(school=school).order_by("-year", "name"))


def school_staff(*, school: School) -> list[User]:
    """Faculty, reviewers and admins of the school, and faculty teaching one of its cohorts,
    by name (1 query)."""
    return list(
        User.objects.filter(
            Q(pk__in=Membership.objects.filter(
                school=school, role__in=[Role.FACULTY, Role.REVIEWER, Role.ADMIN]).values("user_id"))
            | Q(pk__in=Enrollment.objects.filter(
                cohort__school=school, role=Enrollment.CohortRole.FACULTY).values("user_id"))
        ).order_by("last_name", "first_name", "username")
    )


def trainee_course_school_id(*, trainee_id: int, course: Model) -> int | None:
    """The school an answer to this course belongs to: the course's own school, else the
    school of a cohort that has the trainee and is assigned the course (1 query at most)."""
    if course.school_id is not None:
        return course.school_id
    return (
        Enrollment.objects.filter(user_id=trainee_id, role=Enrollment.CohortRole.TRAINEE,
                                  cohort__assignments__course=course)
        .order_by("cohort_id").values_list("cohort__school_id", flat=True).first()
    )


def answer_school_id(*, trainee: str = "attempt__trainee_id", course: str = "attempt__course") -> Coalesce:
    """``trainee_course_school_id`` as an SQL expression over a row's trainee and course
    fields (an answer's, by default), to annotate a list: no query per row."""
    return Coalesce(
        F(f"{course}__school_id"),
        Subquery(
            Enrollment.objects.filter(user_id=OuterRef(trainee), role=Enrollment.CohortRole.TRAINEE,
                                      cohort__assignments__course_id=OuterRef(f"{course}_id"))
            .order_by("cohort_id").values("cohort__school_id")[:1]
        ),
        output_field=IntegerField(),
    )


def school_members(*, school: School) -> list[dict]:
    """The school's members, by name, each with their roles in it, the cohorts they are
    enrolled in, whether their account is on and their latest invitation (3 queries)."""
    rows = (Membership.objects.filter(school=school).select_related("user")
            .order_by("user__last_name", "user__first_name", "user__username", "role"))
    members: dict[int, dict] = {}
    for m in rows:
        entry = members.setdefault(m.user_id, {"user": m.user, "roles": [], "student_number": "", "cohorts": []})
        entry["roles"].append(m.role)
        entry["student_number"] = entry["student_number"] or m.student_number
    for user_id, name in (Enrollment.objects.filter(cohort__school=school, user_id__in=members)
                          .order_by("cohort__name").values_list("user_id", "cohort__name")):
        members[user_id]["cohorts"].append(name)
    for invitation in Invitation.objects.filter(school=school, user_id__in=members).order_by("user_id", "-sent_at"):
        members[invitation.user_id].setdefault("invitation", invitation)
    return list(members.values())


def school_member(*, school: School, username: str) -> User | None:
    """A member of the school by username (1 query)."""
    return User.objects.filter(username=username, memberships__school=school).distinct().first()


def cohort_assignments(*, cohort: Cohort) -> list[Assignment]:
    """The cohort's assignments with their courses, by due date (1 query)."""
    return list(Assignment.objects.filter(cohort=cohort).select_related("course").order_by("due_at", "course__slug"))


# ---------------------------------------------------------------- roster upload

ROSTER_FIELDS = ("email", "first_name", "last_name", "training_year")


def roster_plan(*, school: School, entries: list[dict]) -> list[dict]:
    """What applying each roster entry (``administration.roster.RosterRow.as_entry()``) would
    do to the school: ``status`` "new", "updated", "unchanged" or "error", the ``changes`` (field
    names), the ``errors`` as ``(column key, message)``, the ``user`` when they exist, and the
    ``cohort`` (4 queries whatever the number of entries)."""
    from django.db.models.functions import Lower
    from django.utils.translation import gettext as _

    usernames = {e["username"] for e in entries if e["username"]}
    emails = {e["email"] for e in entries if e["email"]}
    users = list(User.objects.annotate(email_lower=Lower("email"))
                 .filter(Q(username__in=usernames | emails) | Q(email_lower__in=emails)))
    by_username = {u.username: u for u in users}
    by_email: dict[str, User] = {}
    for u in users:
        by_email.setdefault(u.email_lower, u)
    memberships: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(user__in=users):
        memberships.setdefault(m.user_id, []).append(m)
    cohorts = list(Cohort.objects.filter(school=school))
    cohort_by = {**{c.name.lower(): c for c in cohorts}, **{c.slug.lower(): c for c in cohorts}}
    enrolled = set(Enrollment.objects.filter(cohort__school=school, user__in=users).values_list("user_id", "cohort_id"))
    plan = []
    for entry in entries:
        errors: list[tuple[str, str]] = []
        user = by_username.get(entry["username"]) if entry["username"] else by_email.get(entry["email"])
        if entry["email"] and entry["email"] in by_email and by_email[entry["email"]] != user:
            other = by_email[entry["email"]]
            elsewhere = memberships.get(other.pk) and all(m.school_id != school.pk for m in memberships[other.pk])
            errors.append(("email", _("This e-mail is already used in another school.") if elsewhere
                           else _("This e-mail is already used by %(name)s.") % {"name": other.username}))
        if user is not None and memberships.get(user.pk) and all(m.school_id != school.pk for m in memberships[user.pk]):
            errors.append(("username" if entry["username"] else "email",
                           _("This person belongs to another school.")))
        if user is None and not entry["username"] and entry["email"] in by_username:
            errors.append(("email", _("A person has this e-mail as username: give the row a username.")))
        cohort = None
        if entry["cohort"]:
            cohort = cohort_by.get(entry["cohort"].lower())
            if cohort is None:
                errors.append(("cohort", _("No cohort “%(name)s” in this school.") % {"name": entry["cohort"]}))
            elif cohort.archived_at is not None:
                errors.append(("cohort", _("The cohort “%(name)s” is archived.") % {"name": cohort.name}))
            elif entry["role"] not in (Role.TRAINEE, Role.FACULTY):
                errors.append(("cohort", _("Only trainees and faculty are enrolled in a cohort.")))
        changes: list[str] = []
        if user is None:
            status = "new"
        else:
            changes = [f for f in ROSTER_FIELDS if entry[f] not in ("", None) and getattr(user, f) != entry[f]]
            mine = {m.role: m for m in memberships.get(user.pk, []) if m.school_id == school.pk}
            if entry["role"] not in mine:
                changes.append("role")
            elif entry["student_number"] and mine[entry["role"]].student_number != entry["student_number"]:
                changes.append("student_number")
            if cohort is not None and (user.pk, cohort.pk) not in enrolled:
                changes.append("cohort")
            status = "updated" if changes else "unchanged"
        plan.append({"entry": entry, "user": user, "cohort": cohort, "changes": changes, "errors": errors,
                     "status": "error" if errors else status})
    return plan
