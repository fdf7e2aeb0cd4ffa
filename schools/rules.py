"""Who may do what in Vigil: every permission, as a rule over the person and the row.

Pages, the API and templates ask ``user.has_perm("app.verb_noun", obj)``; the backend
``rules.permissions.ObjectPermissionBackend`` answers from the rules below. A page or an
endpoint that hides what a person may not see fetches its row through
``training.permissions.object_or_404`` (the row, or 404 whether it is missing or refused).

=============================  ============  ===============================================
permission                     row           who holds it
=============================  ============  ===============================================
courses.author                 —             faculty or admins of any school (the studio)
courses.create_course          School|None   faculty or admins of that school (None: any)
courses.edit_course            Course        its owner and co-authors (edit, publish, regrade)
courses.manage_coauthors       Course        its owner
quizzes.review_responses       —             faculty or admins of any school (grading queue)
quizzes.grade_response         Response      the course's owner and co-authors; faculty who
                                             teach a cohort that has the trainee and is
                                             assigned the course (confirm, change, mark)
quizzes.take_course            Course        trainees of a cohort it is assigned to (only)
cohorts.list_cohorts           —             reviewers and admins of any school, faculty
                                             teaching a cohort (the staff pages)
cohorts.view_cohort            Cohort        reviewers and admins of its school, faculty
                                             teaching it
cohorts.manage_records         Cohort        reviewers and admins of its school (attest,
                                             training record)
cohorts.administer_cohort      Cohort        admins of its school (enrol, assign, revoke)
cohorts.export_research        Cohort        admins of its school
cohorts.create_cohort          School        its admins
cohorts.download_export        ExportJob     admins of its school; its requester while they
                                             may view its cohort
cohorts.download_attestation   Attestation   its holder; reviewers and admins of its school;
                                             staff who may view its cohort
cohorts.revoke_attestation     Attestation   admins of its school
schools.view_audit_log         School        its admins
schools.manage_school          School        its admins (members, roles, roster, invitations)
schools.manage_cohort          Cohort        admins of its school (edit, archive, assignments)
privacy.manage_personal_data   School        its admins (members' archives, erasure, the
                                             privacy policy, the record of processing)
privacy.download_data_export   DataExport    the member it is about, when they asked for it
                                             themselves; the admins of its school
schools.manage_sign_in         School|IdP    its admins (identity providers, password
                                             sign-in on or off; sso.services)
registry.view_register         School        its admins, reviewers and faculty (the AI tools,
                                             their required training, the CSV export)
registry.manage_register       School        its admins (add, change, remove, CSV import)
registry.view_coverage         School        its reviewers and admins (who is trained, who is
                                             overdue: names; the map, the evidence file)
lti.manage_platforms           School        its admins (LMS registrations: add, edit,
                                             deactivate; the tool's keys; removing placed
                                             activities)
xapi.manage_lrs                School        its admins (LRS settings, statement backlog)
observatory.report_practice    School        its members, whatever their role
observatory.triage_reports     School        its faculty, reviewers and admins (triage, turn
                                             into a draft case, the analytics)
observatory.share_reports      School        its admins (count the school's reports in the
                                             cross-school observatory)
observatory.view_reporters     School        its reviewers and admins (who filed each report,
                                             by name, in the reports' CSV; others read a
                                             pseudonym)
observatory.withdraw_report    PracticeReport  its reporter (while it is new: the service)
=============================  ============  ===============================================

Platform superusers hold every permission but ``quizzes.take_course``: a course is taken by
the trainees it is assigned to. Django's ``user.has_perm`` grants an active superuser
everything without asking the rules, so that one is asked with ``rules.has_perm``.

Which rows a person may see in a list are the scopes ``staff_cohorts`` (schools.selectors),
``authored_courses``, ``administered_schools`` and ``gradable_responses``; the rules of
``cohorts.view_cohort``, ``courses.edit_course``, ``schools.view_audit_log`` and
``quizzes.grade_response`` are "the row is in the scope", so a rule and its list cannot
disagree.

What it costs. Within a request (``training.permissions.RulesCacheMiddleware``) the person's
memberships are read once, in the query the navigation shares, and each question about a
row in a scope once; a row fetched with ``allowed`` brings its answer along (an EXISTS on
the scope), so asking about it costs no query. Outside a request nothing is kept.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import rules
from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Enrollment, Membership, Role, School

AUTHOR_ROLES = frozenset({Role.FACULTY, Role.ADMIN})  # use the studio, grade free-text answers
RECORDS_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})  # every cohort and record of the school
ADMIN_ROLES = frozenset({Role.ADMIN})
REGISTER_ROLES = frozenset({Role.FACULTY, Role.REVIEWER, Role.ADMIN})  # read the AI tool register
TRIAGE_ROLES = frozenset({Role.FACULTY, Role.REVIEWER, Role.ADMIN})  # practice reports of the school


# ---------------------------------------------------------------- what is kept per request

_kept: ContextVar[dict | None] = ContextVar("vigil_rules_kept", default=None)


@contextmanager
def request_cache() -> Iterator[None]:
    """Keep what the rules read until the block ends (one request)."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def _keep(user, key: tuple, compute: Callable[[], Any]) -> Any:
    kept = _kept.get()
    if kept is None:
        return compute()
    key = (user.pk, *key)
    if key not in kept:
        kept[key] = compute()
    return kept[key]


def _remember(user, key: tuple, value: Any) -> None:
    kept = _kept.get()
    if kept is not None:
        kept[(user.pk, *key)] = value


# ---------------------------------------------------------------- the person's roles

def memberships(user) -> list[tuple[int, str, str, str]]:
    """The person's ``(school id, role, school slug, school name)``, by school name (one query
    per request, shared by the rules and the navigation)."""
    if not user.is_authenticated:
        return []
    return _keep(user, ("memberships",), lambda: list(
        Membership.objects.filter(user=user).order_by("school__name")
        .values_list("school_id", "role", "school__slug", "school__name")
    ))


def _roles(user, school_id: int | None = None) -> set[str]:
    """The person's roles in that school (None: in any school)."""
    return {role for sid, role, _slug, _name in memberships(user) if school_id is None or sid == school_id}


def _teaches_a_cohort(user) -> bool:
    return _keep(user, ("teaches",), lambda: Enrollment.objects.filter(
        user=user, role=Enrollment.CohortRole.FACULTY).exists())


def _school_id(obj) -> int | None:
    """The school a row belongs to: a school itself, or anything with a ``school_id``."""
    return obj.pk if isinstance(obj, School) else obj.school_id


def has_role(user, role: str) -> bool:
    """Whether the person has this role in some school (the navigation's trainee pages)."""
    return role in _roles(user)


def audit_log_schools(user) -> list[dict[str, str]]:
    """The schools whose audit log the person may read, by name, from their memberships (a
    superuser opens any from its address)."""
    return [{"slug": slug, "name": name} for _sid, role, slug, name in memberships(user) if role in ADMIN_ROLES]


def register_schools(user) -> list[dict[str, str]]:
    """The schools whose AI tool register the person may read, by name, from their memberships."""
    seen: dict[str, dict[str, str]] = {}
    for _sid, role, slug, name in memberships(user):
        if role in REGISTER_ROLES:
            seen.setdefault(slug, {"slug": slug, "name": name})
    return list(seen.values())


# ---------------------------------------------------------------- scopes: the rows one may see

def authored_courses(user) -> QuerySet:
    """The courses the person owns or co-authors (every course for a platform superuser)."""
    # Courses sit above schools in the layers: the model is looked up, never imported.
    Course = apps.get_model("courses", "Course")
    if user.is_superuser:
        return Course.objects.all()
    return Course.objects.filter(Q(owner=user) | Q(coauthors=user)).distinct()


def staff_cohorts(user) -> QuerySet:
    """The cohorts whose trainees' work the person may see (``schools.selectors.staff_cohorts``)."""
    from .selectors import staff_cohorts as cohorts_of_staff

    return cohorts_of_staff(user=user)


def administered_schools(user) -> QuerySet[School]:
    """The schools the person administers (every school for a platform superuser)."""
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(memberships__user=user, memberships__role__in=ADMIN_ROLES)


def gradable_responses(user, responses: QuerySet | None = None) -> QuerySet:
    """The answers the person may grade, among ``responses`` (every answer by default): the
    answers to a course they own or co-author, and the answers of a trainee of a cohort they
    teach to a course assigned to that cohort (every answer for a platform superuser). A
    school's reviewers and admins grade nothing for being so: grading is for the course's
    authors and the trainee's teachers."""
    # Answers sit above schools in the layers: the model is looked up, never imported.
    responses = apps.get_model("quizzes", "Response").objects.all() if responses is None else responses
    if user.is_superuser:
        return responses
    if not user.is_authenticated:
        return responses.none()
    taught = Enrollment.objects.filter(user=user, role=Enrollment.CohortRole.FACULTY).values("cohort_id")
    teaches_the_trainee = Enrollment.objects.filter(
        cohort_id__in=taught, role=Enrollment.CohortRole.TRAINEE, user_id=OuterRef("attempt__trainee_id"),
        cohort__assignments__course_id=OuterRef("attempt__course_id"),
    )
    return responses.filter(Q(attempt__course__in=authored_courses(user).values("pk")) | Exists(teaches_the_trainee))


_SCOPES: dict[str, Callable[[Any], QuerySet]] = {
    "authored_courses": authored_courses, "staff_cohorts": staff_cohorts, "administered_schools": administered_schools,
    "gradable_responses": gradable_responses,
}


def _in(user, scope: str, pk: int | None) -> bool:
    """Whether the row ``pk`` is in the person's scope (one query per row and request, none
    when the row was fetched with ``allowed``)."""
    if pk is None or not user.is_authenticated:
        return False
    return _keep(user, ("in", scope, pk), lambda: _SCOPES[scope](user).filter(pk=pk).exists())


# ---------------------------------------------------------------- predicates

@rules.predicate
def is_author(user) -> bool:
    return bool(_roles(user) & AUTHOR_ROLES)


@rules.predicate
def is_author_of_school(user, school) -> bool:
    return bool(_roles(user, None if school is None else _school_id(school)) & AUTHOR_ROLES)


@rules.predicate
def is_staff_somewhere(user) -> bool:
    roles = _roles(user)
    return bool(roles & RECORDS_ROLES) or (Role.FACULTY in roles and _teaches_a_cohort(user))


@rules.predicate
def is_records_staff(user, obj) -> bool:
    return obj is not None and bool(_roles(user, _school_id(obj)) & RECORDS_ROLES)


@rules.predicate
def reads_the_register(user, obj) -> bool:
    return obj is not None and bool(_roles(user, _school_id(obj)) & REGISTER_ROLES)


@rules.predicate
def is_school_admin(user, obj) -> bool:
    return obj is not None and bool(_roles(user, _school_id(obj)) & ADMIN_ROLES)


@rules.predicate
def is_school_member(user, obj) -> bool:
    return obj is not None and bool(_roles(user, _school_id(obj)))


@rules.predicate
def triages_reports(user, obj) -> bool:
    return obj is not None and bool(_roles(user, _school_id(obj)) & TRIAGE_ROLES)


@rules.predicate
def is_reporter(user, report) -> bool:
    return report is not None and user.is_authenticated and report.reporter_id == user.pk


@rules.predicate
def is_course_owner(user, course) -> bool:
    return course is not None and user.is_authenticated and course.owner_id == user.pk


@rules.predicate
def is_course_author(user, course) -> bool:
    return course is not None and _in(user, "authored_courses", course.pk)


@rules.predicate
def is_cohort_staff(user, cohort) -> bool:
    return cohort is not None and _in(user, "staff_cohorts", cohort.pk)


@rules.predicate
def reads_the_audit_log(user, school) -> bool:
    return school is not None and _in(user, "administered_schools", school.pk)


@rules.predicate
def grades_the_response(user, response) -> bool:
    return response is not None and _in(user, "gradable_responses", response.pk)


@rules.predicate
def is_requester_who_sees_the_cohort(user, job) -> bool:
    return (job is not None and user.is_authenticated and job.requested_by_id == user.pk
            and _in(user, "staff_cohorts", job.cohort_id))


@rules.predicate
def is_holder(user, attestation) -> bool:
    return attestation is not None and user.is_authenticated and attestation.trainee_id == user.pk


@rules.predicate
def sees_the_holders_cohort(user, attestation) -> bool:
    return attestation is not None and _in(user, "staff_cohorts", attestation.cohort_id)


def course_standing(user, course) -> tuple[bool, bool]:
    """Whether the course is assigned to a cohort of the trainee, and to one that is not
    archived (answers are taken only then): one query per request, shared by the rule of
    ``quizzes.take_course`` and the start of an attempt."""
    from .selectors import trainee_course_standing

    if course is None or not user.is_authenticated:
        return False, False
    return _keep(user, ("standing", course.pk), lambda: trainee_course_standing(trainee=user, course=course))


@rules.predicate
def is_assigned_the_course(user, course) -> bool:
    return course_standing(user, course)[0]


@rules.predicate
def asked_for_their_own_data(user, export) -> bool:
    return (export is not None and user.is_authenticated and export.subject_id == user.pk
            and export.requested_by_id == user.pk)


@rules.predicate
def administers_the_exports_school(user, export) -> bool:
    return export is not None and export.school_id is not None and bool(_roles(user, export.school_id) & ADMIN_ROLES)


is_superuser = rules.is_superuser

rules.add_perm("courses.author", is_superuser | is_author)
rules.add_perm("courses.create_course", is_superuser | is_author_of_school)
rules.add_perm("courses.edit_course", is_superuser | is_course_owner | is_course_author)
rules.add_perm("courses.manage_coauthors", is_superuser | is_course_owner)
rules.add_perm("quizzes.review_responses", is_superuser | is_author)
rules.add_perm("quizzes.grade_response", is_superuser | grades_the_response)
rules.add_perm("quizzes.take_course", is_assigned_the_course)
rules.add_perm("cohorts.list_cohorts", is_superuser | is_staff_somewhere)
rules.add_perm("cohorts.view_cohort", is_superuser | is_cohort_staff)
rules.add_perm("cohorts.manage_records", is_superuser | is_records_staff)
rules.add_perm("cohorts.administer_cohort", is_superuser | is_school_admin)
rules.add_perm("cohorts.export_research", is_superuser | is_school_admin)
rules.add_perm("cohorts.create_cohort", is_superuser | is_school_admin)
rules.add_perm("cohorts.download_export", is_superuser | is_school_admin | is_requester_who_sees_the_cohort)
rules.add_perm("cohorts.download_attestation",
               is_holder | is_superuser | is_records_staff | sees_the_holders_cohort)
rules.add_perm("cohorts.revoke_attestation", is_superuser | is_school_admin)
rules.add_perm("schools.view_audit_log", is_superuser | reads_the_audit_log)
rules.add_perm("schools.manage_school", is_superuser | reads_the_audit_log)
rules.add_perm("schools.manage_cohort", is_superuser | is_school_admin)
rules.add_perm("privacy.manage_personal_data", is_superuser | is_school_admin)
rules.add_perm("privacy.download_data_export",
               is_superuser | asked_for_their_own_data | administers_the_exports_school)
rules.add_perm("schools.manage_sign_in", is_superuser | is_school_admin)
rules.add_perm("registry.view_register", is_superuser | reads_the_register)
rules.add_perm("registry.manage_register", is_superuser | is_school_admin)
rules.add_perm("registry.view_coverage", is_superuser | is_records_staff)
rules.add_perm("lti.manage_platforms", is_superuser | is_school_admin)
rules.add_perm("xapi.manage_lrs", is_superuser | reads_the_audit_log)
rules.add_perm("observatory.report_practice", is_superuser | is_school_member)
rules.add_perm("observatory.triage_reports", is_superuser | triages_reports)
rules.add_perm("observatory.share_reports", is_superuser | is_school_admin)
rules.add_perm("observatory.view_reporters", is_superuser | is_records_staff)
rules.add_perm("observatory.withdraw_report", is_reporter)

# The permissions whose rule is "the row is in this scope": a row fetched for them brings
# its answer along.
PERMISSION_SCOPES = {
    "courses.edit_course": "authored_courses",
    "cohorts.view_cohort": "staff_cohorts",
    "schools.view_audit_log": "administered_schools",
    "schools.manage_school": "administered_schools",
    "xapi.manage_lrs": "administered_schools",
    "quizzes.grade_response": "gradable_responses",
}


def allowed(user, perm: str, queryset: QuerySet, **lookup):
    """The row of ``queryset`` matching ``lookup`` if ``user`` holds ``perm`` on it, else None
    (missing and refused alike). One query for a permission of ``PERMISSION_SCOPES``: the
    row comes with its answer. Asked with ``user.has_perm``, so not for ``quizzes.take_course``."""
    scope = PERMISSION_SCOPES.get(perm)
    annotated = scope is not None and user.is_authenticated and not user.is_superuser
    if annotated:
        queryset = queryset.annotate(
            _rules_in_scope=Exists(_SCOPES[scope](user).filter(pk=OuterRef("pk"))),
        )
    obj = queryset.filter(**lookup).first()
    if obj is None:
        return None
    if annotated:
        _remember(user, ("in", scope, obj.pk), obj._rules_in_scope)
    return obj if user.has_perm(perm, obj) else None
