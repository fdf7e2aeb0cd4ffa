"""Celery tasks of the cohorts app: thin wrappers that fetch by id and call a service.

``cohorts.sweep_export_jobs`` is meant for Celery beat (every minute or so) beside the
grading sweeper: it re-enqueues export jobs whose message was lost or whose worker died.
Retries follow ``training.retry``; callers enqueue by name (``services.EXPORT_TASK``)
through ``training.queue``, never importing this module.
"""
from celery import shared_task

from training.retry import RetryingTask

from . import services


class ExportTask(RetryingTask):
    """Building an export: a transient error has put the job back to pending for the retry
    (5, 10, 20 … s, at most 120 s); any other error marks it failed with the reason."""

    max_retries = 5
    backoff_base = 5
    backoff_cap = 120

    def on_permanent_failure(self, job_id: int, *, reason: str) -> None:
        services.export_mark_failed(job_id=job_id, reason=reason)


@shared_task(name=services.EXPORT_TASK, base=ExportTask, soft_time_limit=600, time_limit=660)
def run_export(job_id: int) -> None:
    """Build the job's file (a second delivery finds the job claimed or done and does nothing)."""
    services.export_run(job_id=job_id)


@shared_task(name="cohorts.sweep_export_jobs", acks_late=True, time_limit=120)
def sweep_export_jobs() -> int:
    return len(services.exports_sweep())


@shared_task(name="cohorts.run_export", base=ExportTask, soft_time_limit=600, time_limit=660)
def run_export_unversioned(job_id: int) -> None:
    """Alias of ``run_export`` under its name from before task names had a version
    (``cohorts.run_export``): the same body, so the messages already queued under that name
    by a running deployment are still built. Remove once no such message can be left."""
    services.export_run(job_id=job_id)
