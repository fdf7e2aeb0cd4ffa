"""Celery tasks of the LTI app: sending a grade to the LMS, the beat's detection and resend,
the roster sync. Thin: the work is in ``grades`` and ``roster``."""
from celery import shared_task
from django.db import transaction

from training.retry import TRANSIENT_ERRORS, RetryingTask

from . import grades


class PassbackTask(RetryingTask):
    """Sending one score: the LMS down or busy is retried with backoff (then the row stays
    pending for the sweep); the LMS refusing marks the row failed with its answer."""

    transient_errors = TRANSIENT_ERRORS + (grades.PlatformUnavailable,)
    max_retries = 5
    backoff_base = 2
    backoff_cap = 120

    def on_permanent_failure(self, passback_id: int, *, reason: str) -> None:
        grades.passback_mark_failed(passback_id=passback_id, reason=reason)


@shared_task(name=grades.SEND_TASK, base=PassbackTask, soft_time_limit=40, time_limit=60)
def send_score(passback_id: int) -> None:
    grades.passback_send(passback_id=passback_id)


@shared_task(name="lti.sweep_passbacks", acks_late=True, time_limit=120)
def sweep_passbacks() -> int:
    """Queue the grades new or changed since the last sweep, and resend the pending ones."""
    with transaction.atomic():
        queued = grades.passbacks_detect()
    grades.launch_state_purge()
    return queued + len(grades.passbacks_resend())


@shared_task(name="lti.sync_roster_v1", acks_late=True, soft_time_limit=240, time_limit=300)
def sync_roster(binding_id: int) -> None:
    from . import roster
    from .models import ContextBinding

    binding = ContextBinding.objects.select_related("platform", "cohort").filter(pk=binding_id).first()
    if binding is not None and binding.memberships_url and binding.platform.is_active:
        with transaction.atomic():
            roster.roster_sync(binding=binding, actor=None)


@shared_task(name="lti.sync_rosters", acks_late=True, time_limit=60)
def sync_rosters() -> int:
    """Queue the roster sync of every LMS course with a roster address (of an active registration,
    into a cohort not archived)."""
    from training.queue import publish_rollback_unsafe

    from .models import ContextBinding

    ids = list(ContextBinding.objects.exclude(memberships_url="").filter(platform__is_active=True,
                                                                         cohort__archived_at__isnull=True)
               .values_list("pk", flat=True))
    for pk in ids:
        publish_rollback_unsafe("lti.sync_roster_v1", pk)
    return len(ids)
