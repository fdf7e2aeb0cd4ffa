"""Celery tasks of the quizzes app: thin wrappers that fetch by id and call a service.

Nothing imports this module to enqueue: callers name the task (``quizzes.services.GRADE_TASK``,
``quizzes.regrade.DRY_RUN_TASK``, ``RUN_TASK``) through ``training.queue``.
"""
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from training.queue import publish_rollback_unsafe

from . import regrade, services

logger = logging.getLogger(__name__)

# Errors that may succeed on a later try: the database restarting, a lock wait timing out,
# a task running out of time behind a long-held row lock.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, SoftTimeLimitExceeded)


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


# ---------------------------------------------------------------- regrade jobs (issue 4)

@shared_task(name="quizzes.sweep_regrade_jobs", acks_late=True, time_limit=60)
def sweep_regrade_jobs() -> int:
    """Resume regrade jobs whose next step was lost, so none waits for someone to open its page."""
    return len(regrade.regrade_jobs_sweep())


@shared_task(name="quizzes.regrade_dry_run", bind=True, acks_late=True, max_retries=6,
             soft_time_limit=300, time_limit=330)
def regrade_dry_run(self, job_id: int) -> None:
    """Compute what a regrade would change (writes only the figures on the job)."""
    try:
        regrade.regrade_job_dry_run(job_id=job_id)
    except TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60)) from exc
    except Exception as exc:  # noqa: BLE001 - a broken key or grader never succeeds on retry
        logger.exception("Dry run of regrade job %s failed", job_id)
        regrade.regrade_job_fail(job_id=job_id, reason=f"{type(exc).__name__}: {exc}")


@shared_task(name="quizzes.regrade_run", bind=True, acks_late=True, max_retries=6,
             soft_time_limit=45, time_limit=60)
def regrade_run(self, job_id: int) -> None:
    """Regrade batches for about 20 s, then hand over to a new message until the job is done.

    Each batch commits with the job's cursor, so a lost or repeated message costs at most a
    batch of work done twice, which the upsert makes harmless.
    """
    try:
        finished = regrade.regrade_job_step(job_id=job_id, budget_seconds=20)
    except TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60)) from exc
    except Exception as exc:  # noqa: BLE001 - see above
        logger.exception("Regrade job %s failed", job_id)
        regrade.regrade_job_fail(job_id=job_id, reason=f"{type(exc).__name__}: {exc}")
        return
    if not finished:
        publish_rollback_unsafe(regrade.RUN_TASK, job_id)  # the batches are committed: hand over now
