"""Celery tasks of the quizzes app: thin wrappers that fetch by id and call a service."""
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

# Errors that may succeed on a later try: the database restarting or a lock timeout.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name="quizzes.grade_response",
    bind=True,
    acks_late=True,
    max_retries=6,
    soft_time_limit=30,
    time_limit=45,
)
def grade_response(self, response_id: int) -> None:
    try:
        services.response_grade(response_id=response_id)
    except TRANSIENT_ERRORS as exc:
        # Bounded exponential backoff; past the bound, the sweeper will enqueue it again.
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60)) from exc
    except Exception as exc:  # noqa: BLE001 - a grader bug or a broken key never succeeds on retry
        logger.exception("Grading response %s failed permanently", response_id)
        services.response_mark_failed(response_id=response_id, reason=f"{type(exc).__name__}: {exc}")


@shared_task(name="quizzes.sweep_ungraded_responses", acks_late=True, time_limit=120)
def sweep_ungraded_responses() -> int:
    return len(services.sweep_ungraded())
