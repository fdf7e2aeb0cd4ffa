"""What Vigil holds about one member, read for their archive and for an erasure's preview.

A school's admin sees only their school's part (its memberships, cohorts, the answers to its
courses and the courses assigned to its cohorts, its attestations and audit events); the member
asking for their own data sees every school's. Feedback that the module's policy still holds
back (the key, the rationale, the grader's sentences) stays out of the archive until it is due,
as it stays off the pages: an archive is not a way round the feedback policy.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from cohorts.audit_labels import action_label
from cohorts.models import Attestation
from courses.models import Item
from progress.models import ModuleProgress
from quizzes.feedback import grade_feedback
from quizzes.models import Attempt, RaterMark, Response
from quizzes.selectors import feedback_is_due
from schools.models import AuditEvent, Enrollment, Membership, School
from schools.selectors import answer_school_id

from .models import DataExport, NoticeAcknowledgement, PrivacyPolicy


# Item types whose answer is the trainee's own words ({"text": ...}), which may name people:
# emptied on erasure (their grades stay).
WRITTEN_TYPES = (Item.Type.FREE_TEXT, Item.Type.SHORT_ANSWER)


def policy_of(school: School) -> PrivacyPolicy:
    """The school's policy, or the defaults (unsaved) when it has set none."""
    try:
        return school.privacy_policy
    except PrivacyPolicy.DoesNotExist:
        return PrivacyPolicy(school=school)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _attempts(subject: User, school: School | None) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(trainee=subject)
    if school is not None:
        attempts = attempts.annotate(school_id=answer_school_id(trainee="trainee_id", course="course")).filter(
            school_id=school.pk)
    return attempts


def _responses(subject: User, school: School | None) -> QuerySet[Response]:
    responses = Response.objects.filter(attempt__trainee=subject)
    if school is not None:
        responses = responses.annotate(school_id=answer_school_id()).filter(school_id=school.pk)
    return responses


def member_data(*, subject: User, school: School | None = None) -> dict[str, list[dict]]:
    """Every table of the member's archive, as rows of plain values (JSON- and CSV-ready)."""
    memberships = Membership.objects.filter(user=subject).select_related("school")
    enrollments = Enrollment.objects.filter(user=subject).select_related("cohort__school")
    attestations = Attestation.objects.filter(trainee=subject)
    events = AuditEvent.objects.filter(subject=subject).select_related("actor", "school", "cohort")
    acknowledgements = NoticeAcknowledgement.objects.filter(user=subject).select_related("school")
    exports = DataExport.objects.filter(subject=subject)
    progress = ModuleProgress.objects.filter(trainee=subject).select_related("course")
    if school is not None:
        memberships = memberships.filter(school=school)
        enrollments = enrollments.filter(cohort__school=school)
        attestations = attestations.filter(school=school)
        events = events.filter(Q(school=school) | Q(cohort__school=school))
        acknowledgements = acknowledgements.filter(school=school)
        exports = exports.filter(school=school)
        progress = progress.filter(course__in=_attempts(subject, school).values("course_id"))
    return {
        "profile": [{
            "username": subject.username, "first_name": subject.first_name, "last_name": subject.last_name,
            "email": subject.email, "date_joined": _iso(subject.date_joined), "last_login": _iso(subject.last_login),
            "active": subject.is_active,
        }],
        "memberships": [{
            "school": m.school.name, "role": m.get_role_display(), "student_number": m.student_number,
        } for m in memberships.order_by("school__name")],
        "enrolments": [{
            "school": e.cohort.school.name, "cohort": e.cohort.name, "role": e.get_role_display(),
            "enrolled_at": _iso(e.enrolled_at),
        } for e in enrollments.order_by("enrolled_at", "id")],
        "attempts": [{
            "attempt": a.pk, "course": a.module.version.title, "module": a.module.title, "status": a.get_status_display(),
            "started_at": _iso(a.started_at), "submitted_at": _iso(a.submitted_at),
        } for a in _attempts(subject, school).select_related("module__version").order_by("started_at", "id")],
        "answers": _answers(subject, school),
        "rater_marks": [{
            "answer": mark.response_id, "points": mark.points, "comment": mark.comment,
        } for mark in RaterMark.objects.filter(response__in=_responses(subject, school).values("pk"))
            .order_by("response_id", "id")],
        "module_progress": [{
            "course": p.course.slug, "module": p.module_slug, "questions": p.items_total,
            "graded": p.items_graded, "mean_score": p.mean_score, "started_at": _iso(p.started_at),
            "completed_at": _iso(p.completed_at),
        } for p in progress.order_by("course_id", "module_slug")],
        "attestations": [{
            "code": a.code, "course": a.course_title, "version": a.version_number, "hours": str(a.hours),
            "completed_at": _iso(a.completed_at), "issued_at": _iso(a.issued_at), "revoked_at": _iso(a.revoked_at),
            "revoked_reason": a.revoked_reason, "holder": a.holder_name, "student_number": a.student_number,
            "institution": a.institution,
        } for a in attestations.order_by("issued_at", "id")],
        "audit_events": [{
            "at": _iso(e.at), "action": str(action_label(e.action)), "by": _person(e.actor),
            "school": e.school.name if e.school else (e.cohort.school.name if e.cohort else ""),
            "cohort": e.cohort.name if e.cohort else "",
        } for e in events.order_by("at", "id")],
        "privacy_notices_read": [{
            "school": a.school.name, "version": a.version, "read_at": _iso(a.acknowledged_at),
        } for a in acknowledgements.order_by("acknowledged_at")],
        "data_exports": [{
            "asked_at": _iso(x.created_at), "status": x.get_status_display(), "by": _person(x.requested_by),
        } for x in exports.select_related("requested_by").order_by("created_at", "id")],
    }


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _answers(subject: User, school: School | None) -> list[dict]:
    responses = (
        _responses(subject, school)
        .select_related("item__case", "attempt__module__version", "attempt__course", "attempt__trainee", "grade")
        .order_by("attempt__started_at", "attempt_id", "id")
    )
    rows = []
    for r in responses:
        grade = getattr(r, "grade", None)
        due = grade is not None and feedback_is_due(response=r)
        rows.append({
            "answer": r.pk, "attempt": r.attempt_id, "course": r.attempt.module.version.title,
            "module": r.attempt.module.title, "case": r.item.case.title, "question": r.item.prompt,
            "type": r.item.type, "state": r.get_state_display(), "unaided_answer": r.initial_answer,
            "answer_given": r.answer, "submitted_at": _iso(r.submitted_at),
            "score": grade.score if grade is not None and grade.is_final else None,
            "feedback": grade_feedback(grade, due=due) if grade is not None else [],
            "comment": (grade.comment if due else "") if grade is not None else "",
            "graded_at": _iso(grade.graded_at) if grade is not None else None,
        })
    return rows


@dataclass(frozen=True)
class ErasurePreview:
    """What erasing a member removes and what stays under the pseudonym."""

    member: User
    school: School
    other_schools: list[str]
    free_text_answers: int
    comments: int
    attestations: int
    attestations_revoked: bool
    answers_kept: int
    memberships: int

    @property
    def blocked(self) -> bool:
        """A member of another school too: their identity is that school's to erase as well."""
        return bool(self.other_schools)


def erasure_preview(*, subject: User, school: School) -> ErasurePreview:
    policy = policy_of(school)
    responses = _responses(subject, school)
    return ErasurePreview(
        member=subject, school=school,
        other_schools=list(
            Membership.objects.filter(user=subject).exclude(school=school)
            .values_list("school__name", flat=True).order_by("school__name")),
        free_text_answers=responses.filter(item__type__in=WRITTEN_TYPES).count(),
        comments=responses.exclude(grade__comment="").filter(grade__isnull=False).count()
        + RaterMark.objects.filter(response__in=responses.values("pk")).exclude(comment="").count(),
        attestations=Attestation.objects.filter(trainee=subject, school=school).count(),
        attestations_revoked=policy.attestations_on_erasure == policy.OnErasure.REVOKE,
        answers_kept=responses.count(),
        memberships=Membership.objects.filter(user=subject, school=school).count(),
    )


def school_members(*, school: School, query: str = "") -> QuerySet[Membership]:
    """The school's members an admin can act for, found by name, username, e-mail or student number."""
    members = Membership.objects.filter(school=school).select_related("user").order_by(
        "user__last_name", "user__first_name", "user__username")
    query = query.strip()
    if query:
        members = members.filter(
            Q(user__username__icontains=query) | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query) | Q(user__email__icontains=query)
            | Q(student_number__icontains=query))
    return members
