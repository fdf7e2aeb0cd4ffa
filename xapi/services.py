"""Writes of the xapi app: the outbox, its delivery and its sweeper, the school's settings.

The receivers (``xapi.receivers``) add statements inside the transaction of the change they
report; a delivery runs outside any transaction of the caller's: it claims due rows with a
guarded UPDATE (a lease), posts them, and marks each sent, refused, or due again later
(backoff). A worker killed mid-post leaves its rows leased; they are due again once the lease
ends and are posted again, which the LRS takes as the same statements (same ids).
"""
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import User
from schools.models import School
from schools.services import audit_record_school
from training.queue import enqueue_on_commit, publish_rollback_unsafe
from training.retry import backoff_seconds

from .delivery import Outcome, post_statements
from .models import LrsSettings, OutboxStatement, PendingResult, ReportedResult

DELIVER_TASK = "xapi.deliver_statements_v1"


def outbox_add(*, lrs: LrsSettings, statements: list[tuple[dict, int | None]]) -> None:
    """Queue statements, each with the id of the user it is about (or None), for the school's
    LRS (the caller's transaction); one already queued (the same id) is left as it is. The
    delivery is enqueued once the transaction commits."""
    if not statements:
        return
    now = timezone.now()
    OutboxStatement.objects.bulk_create([
        OutboxStatement(id=s["id"], school_id=lrs.school_id, user_id=user_id, verb=s["verb"]["display"]["en-US"],
                        statement=s, next_attempt_at=now, created_at=now)
        for s, user_id in statements
    ], ignore_conflicts=True)
    enqueue_on_commit(DELIVER_TASK, lrs.school_id)


def _claim(*, school_id: int, limit: int) -> list[OutboxStatement]:
    """Due rows of the school, leased to this delivery (their tries counted), oldest first."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxStatement.objects.select_for_update(skip_locked=True)
            .filter(school_id=school_id, status=OutboxStatement.Status.PENDING, next_attempt_at__lte=now)
            .order_by("created_at", "id").only("id", "statement", "tries")[:limit]
        )
        if rows:
            OutboxStatement.objects.filter(pk__in=[r.pk for r in rows]).update(
                tries=F("tries") + 1, next_attempt_at=now + settings.VIGIL_XAPI_LEASE)
    return rows


def _settle(rows: list[OutboxStatement], outcome) -> None:
    now = timezone.now()
    ids = [r.pk for r in rows]
    if outcome.sent:
        OutboxStatement.objects.filter(pk__in=ids).update(status=OutboxStatement.Status.SENT, sent_at=now,
                                                          last_error="")
    elif outcome.refused:
        OutboxStatement.objects.filter(pk__in=ids).update(status=OutboxStatement.Status.FAILED,
                                                          last_error=outcome.error)
    else:
        for row in rows:  # row.tries: the tries before this one (read before the claim counted it)
            wait = backoff_seconds(row.tries, base=settings.VIGIL_XAPI_BACKOFF_BASE_SECONDS,
                                   cap=settings.VIGIL_XAPI_BACKOFF_CAP_SECONDS)
            OutboxStatement.objects.filter(pk=row.pk).update(next_attempt_at=now + timedelta(seconds=wait),
                                                             last_error=outcome.error)


def deliver(*, school_id: int, batch: int | None = None, budget_seconds: float = 20) -> dict[str, int]:
    """Post the school's due statements in batches for about ``budget_seconds``.

    A batch the LRS refuses (400, 409) is posted again one statement at a time, so only the
    statements it refuses are marked failed. The first batch that cannot be delivered ends
    the run: the LRS is down, and the rows wait for their backoff. Returns the counts by outcome.
    """
    counts = {"sent": 0, "failed": 0, "deferred": 0}
    lrs = LrsSettings.objects.filter(school_id=school_id, enabled=True).first()
    if lrs is None:
        return counts  # off: the rows wait, as they are, until the school turns it on again
    deadline = time.monotonic() + budget_seconds
    size = batch or settings.VIGIL_XAPI_BATCH
    while time.monotonic() < deadline:
        rows = _claim(school_id=school_id, limit=size)
        if not rows:
            break
        outcome = _post(lrs, rows)
        if outcome.refused and len(rows) > 1:
            for row in rows:
                one = _arrived_before(row, _post(lrs, [row]))
                _settle([row], one)
                counts["sent" if one.sent else "failed" if one.refused else "deferred"] += 1
            continue
        if len(rows) == 1:
            outcome = _arrived_before(rows[0], outcome)
        _settle(rows, outcome)
        counts["sent" if outcome.sent else "failed" if outcome.refused else "deferred"] += len(rows)
        if not outcome.sent:
            break
    return counts


def _arrived_before(row: OutboxStatement, outcome):
    """A 409 (a statement of this id is already stored) for a statement tried before: an
    earlier try arrived though its answer did not (a timeout after the LRS stored it). The
    ids are Vigil's own and a row's statement never changes, so that stored one is it."""
    if outcome.status == 409 and row.tries >= 1:  # the tries read before this claim counted it
        return Outcome(sent=True)
    return outcome


def _post(lrs: LrsSettings, rows: list[OutboxStatement]):
    return post_statements(endpoint=lrs.endpoint, key=lrs.key, secret=lrs.secret,
                           statements=[r.statement for r in rows])


def enqueue_due_deliveries() -> list[int]:
    """Enqueue a delivery for every school (its LRS on) with due statements; their ids."""
    now = timezone.now()
    school_ids = list(
        OutboxStatement.objects.filter(status=OutboxStatement.Status.PENDING, next_attempt_at__lte=now,
                                       school__lrs_settings__enabled=True)
        .values_list("school_id", flat=True).distinct().order_by("school_id")
    )
    for school_id in school_ids:
        publish_rollback_unsafe(DELIVER_TASK, school_id)
    return school_ids


# ---------------------------------------------------------------- the school's settings

SETTINGS_FIELDS = ("enabled", "endpoint", "key", "actor_mode", "home_page")


def lrs_settings_update(*, school: School, actor: User, values: dict, secret: str = "") -> LrsSettings:
    """Change the school's LRS settings (a blank ``secret`` keeps the stored one), with its
    audit record (``xapi.settings.change``: which fields changed, never the secret)."""
    lrs, _created = LrsSettings.objects.select_for_update().get_or_create(school=school)
    changed = [f for f in SETTINGS_FIELDS if getattr(lrs, f) != values[f]]
    for field in SETTINGS_FIELDS:
        setattr(lrs, field, values[field])
    if secret:
        lrs.secret = secret
        changed.append("secret")
    lrs.save()
    audit_record_school(actor=actor, action="xapi.settings.change", school=school,
                        detail={"changed": changed, "enabled": lrs.enabled})
    if lrs.enabled:
        enqueue_on_commit(DELIVER_TASK, school.pk)  # what waited while it was off
    return lrs


def outbox_retry_failed(*, school: School, actor: User) -> int:
    """Send the statements the LRS refused again (after the school fixed what made it refuse)."""
    count = OutboxStatement.objects.filter(school=school, status=OutboxStatement.Status.FAILED).update(
        status=OutboxStatement.Status.PENDING, tries=0, next_attempt_at=timezone.now())
    audit_record_school(actor=actor, action="xapi.failed.retry", school=school, detail={"statements": count})
    if count:
        enqueue_on_commit(DELIVER_TASK, school.pk)
    return count


# ---------------------------------------------------------------- erasure


def member_forget(*, subject: User, school: School) -> dict[str, int]:
    """At a member's erasure (``privacy.services.member_erase``, its transaction): Vigil's own
    copies of the statements about them go, sent or not (those not sent yet are never sent:
    they carry their identity), and so does what would make new ones (held-back and reported
    results). Their statements already in the LRS stay there: the LRS is the school's, to
    erase them in. Afterwards no statement names them (``emit`` leaves erased members out).
    Returns the counts, for the erasure's audit record."""
    rows = OutboxStatement.objects.filter(school=school, user=subject)
    sent = Q(status=OutboxStatement.Status.SENT)
    counts = rows.aggregate(sent=Count("id", filter=sent), unsent=Count("id", filter=~sent))
    rows.delete()
    PendingResult.objects.filter(school=school, response__attempt__trainee=subject).delete()
    ReportedResult.objects.filter(school=school, response__attempt__trainee=subject).delete()
    return counts
