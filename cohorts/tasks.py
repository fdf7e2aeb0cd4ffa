"""Celery tasks of the cohorts app: thin wrappers that fetch by id and call a service.

``cohorts.sweep_export_jobs`` is meant for Celery beat (every minute or so) beside the
grading sweeper: it re-enqueues export jobs whose message was lost or whose worker died.
Callers enqueue by name (``services.EXPORT_TASK``) through ``training.queue``, never
importing this module.
"""
import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="cohorts.run_export",
    bind=True,
    acks_late=True,
    max_retries=5,
    soft_time_limit=600,
    time_limit=660,
)
def run_export(self, job_id: int) -> None:
    try:
        services.export_run(job_id=job_id)
    except services.TRANSIENT_ERRORS as exc:
        # The job went back to pending; bounded exponential backoff, then the sweeper.
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries * 5, 120)) from exc


@shared_task(name="cohorts.sweep_export_jobs", acks_late=True, time_limit=120)
def sweep_export_jobs() -> int:
    return len(services.exports_sweep())
