"""A response's row lock held from another thread and database connection, as a review or
a regrade holds it, for the tests of what waits on it (the grading task)."""
import threading

import pytest
from django.db import connection, transaction

from quizzes.models import Response


class RowHolder:
    """Holds a response's row lock from its own thread and database connection until released,
    so a grading of it waits mid-task (a worker's with its message unacknowledged)."""

    def __init__(self, response_id: int):
        self.backend_pid = None
        self._locked = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(response_id,), name="row-holder", daemon=True)
        self._thread.start()
        if not self._locked.wait(timeout=10):
            pytest.fail(f"could not lock response {response_id}")

    def _run(self, response_id: int) -> None:
        try:
            with transaction.atomic():
                Response.objects.select_for_update().get(pk=response_id)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.backend_pid = cursor.fetchone()[0]
                self._locked.set()
                self._release.wait(timeout=60)
        finally:
            connection.close()

    def waiters(self) -> int:
        """Sessions blocked by this lock (not any lock wait: two gradings of one trainee
        briefly wait on each other's counter rows)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh pg_stat_activity on every call
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                           [self.backend_pid])
            return cursor.fetchone()[0]

    def release(self) -> None:
        self._release.set()
        self._thread.join(timeout=10)
