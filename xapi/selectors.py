"""Reads of the xapi app: what a school's page shows of its outbox (a fixed number of queries)."""
from django.db.models import Count, Min, Q

from schools.models import School

from .models import LrsSettings, OutboxStatement

LISTED = 25


def school_lrs_settings(*, school: School) -> LrsSettings:
    """The school's settings, unsaved defaults when it has none yet."""
    return LrsSettings.objects.filter(school=school).first() or LrsSettings(school=school)


def outbox_figures(*, school: School) -> dict:
    """How many statements wait, were sent, were refused; since when the oldest waits (one query)."""
    S = OutboxStatement.Status
    return OutboxStatement.objects.filter(school=school).aggregate(
        pending=Count("id", filter=Q(status=S.PENDING)), sent=Count("id", filter=Q(status=S.SENT)),
        failed=Count("id", filter=Q(status=S.FAILED)), oldest_pending=Min("created_at", filter=Q(status=S.PENDING)),
        retrying=Count("id", filter=Q(status=S.PENDING, tries__gt=0)),
    )


def outbox_backlog(*, school: School) -> list[OutboxStatement]:
    """The oldest statements waiting, with their tries and last error."""
    return list(OutboxStatement.objects.filter(school=school, status=OutboxStatement.Status.PENDING)
                .order_by("created_at", "id").defer("statement")[:LISTED])


def outbox_failures(*, school: School) -> list[OutboxStatement]:
    """The latest statements the LRS refused, with what it said."""
    return list(OutboxStatement.objects.filter(school=school, status=OutboxStatement.Status.FAILED)
                .order_by("-created_at", "-id").defer("statement")[:LISTED])
