"""Celery tasks of the quizzes app: thin wrappers that fetch by id and call a service.

Retries follow the one policy of ``training.retry``: transient errors are retried with a
bounded backoff, anything else marks the response (or the regrade job) failed with the
reason. Nothing imports this module to enqueue: callers name the task
(``quizzes.services.GRADE_TASK``, ``quizzes.regrade.DRY_RUN_TASK``, ``RUN_TASK``) through
``training.queue``.

Task names carry a version, so a change of arguments gets a new name and never meets a
message of the old signature. The names from before the versions stay registered as
aliases of the same bodies, for the messages a running deployment queued under them.
"""
from celery import shared_task

from training.queue import publish_rollback_unsafe
from training.retry import RetryingTask

from . import regrade, services


class GradingTask(RetryingTask):
    """Grading one response: a permanent failure marks it failed, keeping the answer."""

    def on_permanent_failure(self, response_id: int, *, reason: str) -> None:
        services.response_mark_failed(response_id=response_id, reason=reason)


class RegradeJobTask(RetryingTask):
    """A step of a regrade job: a permanent failure marks the job failed (its batches so far stay)."""

    def on_permanent_failure(self, job_id: int, *, reason: str) -> None:
        regrade.regrade_job_fail(job_id=job_id, reason=reason)


@shared_task(name=services.GRADE_TASK, base=GradingTask, soft_time_limit=30, time_limit=45)
def grade_response(response_id: int) -> None:
    """Grade one submitted response (a second delivery finds it graded and writes nothing)."""
    services.response_grade(response_id=response_id)


@shared_task(name="quizzes.sweep_ungraded_responses", acks_late=True, time_limit=120)
def sweep_ungraded_responses() -> int:
    return len(services.sweep_ungraded())


# ---------------------------------------------------------------- regrade jobs

@shared_task(name="quizzes.sweep_regrade_jobs", acks_late=True, time_limit=60)
def sweep_regrade_jobs() -> int:
    """Resume regrade jobs whose next step was lost, so none waits for someone to open its page."""
    return len(regrade.regrade_jobs_sweep())


@shared_task(name=regrade.DRY_RUN_TASK, base=RegradeJobTask, soft_time_limit=300, time_limit=330)
def regrade_dry_run(job_id: int) -> None:
    """Compute what a regrade would change (writes only the figures on the job)."""
    regrade.regrade_job_dry_run(job_id=job_id)


@shared_task(name=regrade.RUN_TASK, base=RegradeJobTask, soft_time_limit=45, time_limit=60)
def regrade_run(job_id: int) -> None:
    """Regrade batches for about 20 s, then hand over to a new message until the job is done.

    Each batch commits with the job's cursor, so a lost or repeated message costs at most a
    batch of work done twice, which the upsert makes harmless.
    """
    _regrade_step(job_id)


def _regrade_step(job_id: int) -> None:
    if not regrade.regrade_job_step(job_id=job_id, budget_seconds=20):
        publish_rollback_unsafe(regrade.RUN_TASK, job_id)  # the batches are committed: hand over now


# ---------------------------------------------------------------- the names before versions

@shared_task(name="quizzes.grade_response", base=GradingTask, soft_time_limit=30, time_limit=45)
def grade_response_unversioned(response_id: int) -> None:
    """Alias of ``grade_response`` under its name from before task names had a version
    (``quizzes.grade_response``): the same body, so the messages already queued under that
    name by a running deployment are still graded. Remove once no such message can be left."""
    services.response_grade(response_id=response_id)


@shared_task(name="quizzes.regrade_dry_run", base=RegradeJobTask, soft_time_limit=300, time_limit=330)
def regrade_dry_run_unversioned(job_id: int) -> None:
    """Alias of ``regrade_dry_run`` under its name from before task names had a version
    (``quizzes.regrade_dry_run``): the same body, for the messages already queued under it."""
    regrade.regrade_job_dry_run(job_id=job_id)


@shared_task(name="quizzes.regrade_run", base=RegradeJobTask, soft_time_limit=45, time_limit=60)
def regrade_run_unversioned(job_id: int) -> None:
    """Alias of ``regrade_run`` under its name from before task names had a version
    (``quizzes.regrade_run``): the same body, for the messages already queued under it; the
    job's next step is published under the new name."""
    _regrade_step(job_id)
