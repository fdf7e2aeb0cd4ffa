"""Celery tasks of the courses app: importing a large upload in the background.

Thin, as elsewhere: fetch by id, call ``import_jobs.import_job_run``. Callers enqueue by name
(``import_jobs.IMPORT_TASK``) through ``training.queue``; ``courses.sweep_import_jobs`` (beat)
enqueues again the jobs whose message was lost or whose worker died.
"""
from celery import shared_task

from training.retry import RetryingTask

from . import import_jobs


class ImportTask(RetryingTask):
    """Importing an upload: a transient database error has put the job back to pending for
    the retry (5, 10, 20 … s, at most 120 s); any other error marks it failed with the reason."""

    max_retries = 5
    backoff_base = 5
    backoff_cap = 120

    def on_permanent_failure(self, job_id: int, *, reason: str) -> None:
        import_jobs.import_job_mark_failed(job_id=job_id, reason=reason)


@shared_task(name=import_jobs.IMPORT_TASK, base=ImportTask, soft_time_limit=900, time_limit=960)
def run_import(job_id: int) -> None:
    """Import the job's upload (a second delivery finds the job claimed or done and does nothing)."""
    import_jobs.import_job_run(job_id=job_id)


@shared_task(name="courses.sweep_import_jobs", acks_late=True, time_limit=120)
def sweep_import_jobs() -> int:
    return len(import_jobs.imports_sweep())
