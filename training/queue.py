"""The one way to enqueue a Celery task: by its registered name, with ids only.

``enqueue_on_commit`` is the default: the message is published once the caller's
transaction commits, so a worker never looks for a row that is not there yet and a rolled
back write enqueues nothing (outside a transaction it publishes at once, as Django's
``on_commit`` does). ``publish_rollback_unsafe`` publishes now, whatever becomes of the
caller's transaction; it is for the callers that are outside any transaction of their own
writes: the beat sweepers, and a task handing its job over to its next step.

Either way a broker failure is logged and swallowed: the database row is the outbox, so
the sweeper (or the job's page) enqueues it again later. The task is looked up in the
Celery app's registry and published with its own ``apply_async``, which honours
``CELERY_TASK_ALWAYS_EAGER`` (the embedded mode runs it in-process at that point);
``send_task`` would not. Callers name tasks by string and never import a tasks module.
"""
import logging

from celery import Task
from django.db import transaction

from .celery import app

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *ids: int) -> None:
    """Publish ``task_name(*ids)`` after the current transaction commits (nothing on rollback)."""
    registered_task(task_name)  # an unknown name fails here, in the caller, not after the commit
    transaction.on_commit(lambda: publish_rollback_unsafe(task_name, *ids))


def publish_rollback_unsafe(task_name: str, *args: int) -> bool:
    """Publish ``task_name(*args)`` now, even if the caller's transaction later rolls back.

    Returns whether the broker took the message; a broker error is logged, not raised.
    """
    task = registered_task(task_name)
    try:
        task.apply_async(args, retry=False)
    except Exception:  # noqa: BLE001 - any broker error: the row stays pending, a sweeper enqueues it again
        logger.warning("Could not enqueue %s%r; it stays pending for the sweeper.", task_name, args, exc_info=True)
        return False
    return True


def registered_task(task_name: str) -> Task:
    """The task registered under ``task_name``; raises KeyError for a name no app registers.

    A web process imports no tasks module by itself (only a worker autodiscovers them), so
    on the first miss the installed apps' ``tasks`` modules are imported.
    """
    try:
        return app.tasks[task_name]
    except KeyError:
        app.autodiscover_tasks(force=True)
        return app.tasks[task_name]
