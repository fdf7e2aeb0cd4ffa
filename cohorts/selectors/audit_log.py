"""The school's audit log (school admins only): its events narrowed by filters, and as a
person reads them."""
from collections import defaultdict
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from schools.models import AuditEvent, Cohort, Enrollment, Membership, Role, School

from ..audit_labels import action_label, detail_summary, role_label
from .dashboard import day_bounds


def school_audit_person(*, school: School, username: str) -> User | None:
    """The user of that username (any case; the exact spelling wins) if they belong to the
    school (a membership, an enrolment in one of its cohorts) or appear in its audit log;
    None otherwise, so a filter tells nothing of other schools' people (1 query)."""
    events = AuditEvent.objects.filter(school=school)
    candidates = list(
        User.objects.filter(username__iexact=username).filter(
            Exists(Membership.objects.filter(school=school, user=OuterRef("pk")))
            | Exists(Enrollment.objects.filter(cohort__school=school, user=OuterRef("pk")))
            | Exists(events.filter(subject=OuterRef("pk")))
            | Exists(events.filter(actor=OuterRef("pk")))
        ).order_by("username")[:5]
    )
    return next((u for u in candidates if u.username == username), candidates[0] if candidates else None)


def school_audit_events(
    *, school: School, subject: User | None = None, actor: User | None = None, action: str | None = None,
    cohort: Cohort | None = None, date_from: date | None = None, date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The school's audit events, newest first, narrowed by the filters (dates are days of the
    site's time zone, both ends included). Lazy, with the actor, trainee and cohort joined:
    a page of events is one query whatever its length (index ``audit_event_school_at``)."""
    events = AuditEvent.objects.filter(school=school)
    if subject is not None:
        events = events.filter(subject=subject)
    if actor is not None:
        events = events.filter(actor=actor)
    if action:
        events = events.filter(action=action)
    if cohort is not None:
        events = events.filter(cohort=cohort)
    start, end = day_bounds(date_from, date_to)
    if start:
        events = events.filter(at__gte=start)
    if end:
        events = events.filter(at__lt=end)
    return events.select_related("actor", "subject", "cohort").order_by("-at", "-id")


def _person(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.display_name}


def audit_event_rows(*, school: School, events: list[AuditEvent]) -> list[dict]:
    """The events (from ``school_audit_events``) as a person reads them: when, who with their
    current role in the school, what, about which trainee, in which cohort, a short detail,
    and the trainee's drill-down when it still exists (3 queries, whatever the number)."""
    actor_ids = {e.actor_id for e in events if e.actor_id}
    roles: dict[int, set[str]] = defaultdict(set)
    for user_id, role in Membership.objects.filter(school=school, user_id__in=actor_ids).values_list("user_id", "role"):
        roles[user_id].add(role)
    for user_id in Enrollment.objects.filter(cohort__school=school, user_id__in=actor_ids,
                                             role=Enrollment.CohortRole.FACULTY).values_list("user_id", flat=True):
        roles[user_id].add(Role.FACULTY)
    enrolled = set(Enrollment.objects.filter(
        cohort__school=school, role=Enrollment.CohortRole.TRAINEE,
        cohort_id__in={e.cohort_id for e in events if e.cohort_id and e.subject_id},
        user_id__in={e.subject_id for e in events if e.cohort_id and e.subject_id},
    ).values_list("cohort_id", "user_id"))
    rows = []
    for e in events:
        actor = _person(e.actor)
        if actor is not None:
            actor["role"] = role_label(roles.get(e.actor_id, ()), superuser=e.actor.is_superuser)
        rows.append({
            "id": e.pk, "at": e.at, "action": e.action, "action_label": action_label(e.action),
            "actor": actor, "subject": _person(e.subject),
            "cohort": {"id": e.cohort.pk, "name": e.cohort.name} if e.cohort else None,
            "detail": e.detail, "summary": detail_summary(e.detail),
            "drill_down": (e.cohort_id, e.subject_id) if (e.cohort_id, e.subject_id) in enrolled else None,
        })
    return rows
