"""The life of a background job that writes a file or an import (cohort exports, archives of a
member's data, course imports): claimed by one worker, retried when the database or broker
failed on the way, failed for good after a bug or too many tries, and found again by a
sweeper when its message was lost or its worker died.

The rules are the same for every kind, so they live here once. A job model has ``status``
(pending, running, done, failed: the values of its ``Status``), ``tries``, ``created_at``,
``started_at``, ``finished_at`` and ``error``. Every change is one guarded UPDATE outside any
long transaction: a message delivered twice does the work once, and a page polling the job
sees its progress move.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import InterfaceError, OperationalError
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone

from .queue import publish_rollback_unsafe

# A database or broker that failed on the way: the same job succeeds on a retry.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"


@dataclass(frozen=True)
class JobKind:
    """One kind of job: its model, the Celery task that runs it, and how long to wait before
    thinking it lost (pending, never picked up) or its worker dead (running too long)."""

    model: type[Model]
    task: str
    gave_up: str  # the job's error once out of tries (a lazy translation)
    max_tries: int = 3
    stale_after: timedelta = timedelta(minutes=15)
    pending_after: timedelta = timedelta(minutes=2)

    def _stale(self, now: datetime) -> Q:
        return Q(status=RUNNING, started_at__lt=now - self.stale_after)

    def running(self, pk: int) -> QuerySet:
        """The job while this worker holds it: updates through it do nothing once it is not."""
        return self.model.objects.filter(pk=pk, status=RUNNING)

    def claim(self, pk: int, *, now: datetime | None = None, **reset) -> bool:
        """Take the job (pending, or running but stale after a dead worker); False when another
        worker has it, it is finished or out of tries. ``reset``: fields to start again from."""
        now = now or timezone.now()
        return bool(self.model.objects.filter(pk=pk, tries__lt=self.max_tries).filter(
            Q(status=PENDING) | self._stale(now),
        ).update(status=RUNNING, started_at=now, tries=F("tries") + 1, **reset))

    def release(self, pk: int) -> None:
        """Hand the job back after a transient failure: the task's retry (or the sweeper) takes it."""
        self.running(pk).update(status=PENDING)

    def finish(self, pk: int, **fields) -> None:
        self.running(pk).update(status=DONE, finished_at=timezone.now(), **fields)

    def fail(self, pk: int, reason: str) -> None:
        """Failed for good, with the reason shown to whoever asked for it (a finished job stays)."""
        self.model.objects.filter(pk=pk).exclude(status=DONE).update(
            status=FAILED, error=str(reason)[:2000], finished_at=timezone.now())

    def sweep(self, *, now: datetime | None = None, batch: int = 100) -> list[int]:
        """Fail the jobs out of tries; publish again those whose message was lost or whose worker
        died (outside any transaction of ours, so published now). Returns the ids published."""
        now = now or timezone.now()
        self.model.objects.filter(Q(status=PENDING) | self._stale(now), tries__gte=self.max_tries).update(
            status=FAILED, error=str(self.gave_up), finished_at=now)
        ids = list(self.model.objects.filter(
            Q(status=PENDING, created_at__lt=now - self.pending_after) | self._stale(now),
        ).order_by("created_at").values_list("pk", flat=True)[:batch])
        for pk in ids:
            publish_rollback_unsafe(self.task, pk)
        return ids
