"""The retry policy of Vigil's tasks: one base class instead of a try/except in every task.

A task that works on one row (a response, a regrade job, an export job) declares
``base=`` a subclass of ``RetryingTask`` that says how its row is marked failed::

    class GradingTask(RetryingTask):
        def on_permanent_failure(self, response_id: int, *, reason: str) -> None:
            services.response_mark_failed(response_id=response_id, reason=reason)

    @shared_task(name="quizzes.grade_response_v1", base=GradingTask, soft_time_limit=30, time_limit=45)
    def grade_response(response_id: int) -> None:
        services.response_grade(response_id=response_id)

The task's body then runs under the policy:

- a **transient** error (``TRANSIENT_ERRORS``: the database restarting or a lock wait
  timing out, a soft time limit reached behind a long-held row lock) is retried with
  exponential backoff, ``min(backoff_base * 2 ** retries, backoff_cap)`` seconds, at most
  ``max_retries`` times; past the bound the task fails and the row stays pending, so the
  beat sweeper enqueues it again later;
- **any other** error never succeeds on a retry (a grader bug, a broken key, bad data): it
  is logged with its traceback and ``on_permanent_failure`` marks the row failed with the
  reason (the error's type and message); the message is acknowledged.

The policy wraps the body (the task class's ``run``) when Celery creates the task class,
as Celery's own ``autoretry_for`` does; options given to ``@shared_task`` (``max_retries``,
``backoff_base``, ``backoff_cap``, time limits) override the class's.
"""
import logging

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TaskPredicate
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# Errors that may succeed on a later try.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, SoftTimeLimitExceeded)


def backoff_seconds(retries: int, *, base: int, cap: int) -> int:
    """The delay before retry number ``retries + 1``: doubling from ``base``, at most ``cap``."""
    return min(base * 2 ** retries, cap)


def failure_reason(exc: BaseException) -> str:
    """What a failed row says about its error: the type and the message."""
    return f"{type(exc).__name__}: {exc}"


class RetryingTask(Task):
    """A task under Vigil's retry policy (see the module); subclasses define ``on_permanent_failure``."""

    transient_errors: tuple[type[BaseException], ...] = TRANSIENT_ERRORS
    max_retries = 6
    backoff_base = 1
    backoff_cap = 60
    acks_late = True

    def on_permanent_failure(self, *args, reason: str) -> None:
        """Mark the row the task was called for (``args``: the task's arguments) failed, saying why."""
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        body = cls.__dict__.get("run")
        if body is None:  # an intermediate class (it declares the failure hook), not a task
            return
        if cls.on_permanent_failure is RetryingTask.on_permanent_failure:
            raise TypeError(f"{cls.__name__}: a RetryingTask must say how its row is marked failed "
                            "(on_permanent_failure)")
        cls.run = _under_policy(body)


def _under_policy(body):
    """``body`` (a task's run: a function taking the task if bound, else a staticmethod) under the policy."""
    bound = not isinstance(body, staticmethod)
    function = body if bound else body.__func__

    def run(task: RetryingTask, *args, **kwargs):
        try:
            return function(task, *args, **kwargs) if bound else function(*args, **kwargs)
        except TaskPredicate:  # Retry, Ignore, Reject raised by the body itself: Celery's to handle
            raise
        except task.transient_errors as exc:
            countdown = backoff_seconds(task.request.retries, base=task.backoff_base, cap=task.backoff_cap)
            raise task.retry(exc=exc, countdown=countdown) from exc
        except Exception as exc:  # noqa: BLE001 - anything else never succeeds on retry
            logger.exception("Task %s%r failed permanently", task.name, tuple(args))
            task.on_permanent_failure(*args, reason=failure_reason(exc))
            return None

    # The body's names for logs and profiles; no __wrapped__, which would give the task's
    # run the body's signature (Celery checks the arguments against the body already).
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(run, attribute, getattr(function, attribute))
    return run
