"""Celery tasks of the xapi app: deliver a school's statements, and the beat sweeper.

Network errors never raise here: ``services.deliver`` keeps them on the rows (backoff). The
retry policy (``training.retry``) covers the database's transient errors; a permanent error
leaves the rows pending for the sweeper, so nothing is marked lost.
"""
import logging

from celery import shared_task
from django.db import transaction

from training.retry import RetryingTask

from . import emit, services

logger = logging.getLogger(__name__)


class DeliveryTask(RetryingTask):
    def on_permanent_failure(self, school_id: int, *, reason: str) -> None:
        logger.error("xAPI delivery of school %s stopped: %s; its statements stay queued.", school_id, reason)


@shared_task(name=services.DELIVER_TASK, base=DeliveryTask, soft_time_limit=60, time_limit=90)
def deliver_statements(school_id: int) -> dict:
    return services.deliver(school_id=school_id)


@shared_task(name="xapi.sweep_outbox", acks_late=True, time_limit=120)
def sweep_outbox() -> int:
    """Release the results whose feedback became due, then enqueue every due delivery."""
    with transaction.atomic():
        emit.release_due_results()
    return len(services.enqueue_due_deliveries())
