"""The enqueue helper (training.queue): after commit by default, by task name, eager-aware."""
import ast
import logging
from pathlib import Path

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from quizzes.models import Response
from training import queue
from training.celery import app as celery_app

GRADE = "quizzes.grade_response_v1"
REPO_ROOT = Path(__file__).resolve().parents[2]


class Rollback(Exception):
    pass


@pytest.fixture
def published(monkeypatch):
    """What reaches the broker (task name and arguments); nothing is sent."""
    sent = []
    task = queue.registered_task(GRADE)
    monkeypatch.setattr(task, "apply_async", lambda args, **options: sent.append((task.name, tuple(args))))
    return sent


def test_enqueue_on_commit_publishes_once_the_transaction_commits(db, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            queue.enqueue_on_commit(GRADE, 7)
            assert published == []  # not before the commit
    assert len(callbacks) == 1
    assert published == [(GRADE, (7,))]


def test_enqueue_on_commit_publishes_nothing_when_the_transaction_rolls_back(
        db, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Rollback), transaction.atomic():
            queue.enqueue_on_commit(GRADE, 7)
            raise Rollback
    assert callbacks == []
    assert published == []


def test_publish_rollback_unsafe_publishes_at_once_inside_a_transaction(db, published):
    with pytest.raises(Rollback), transaction.atomic():
        assert queue.publish_rollback_unsafe(GRADE, 7) is True
        raise Rollback
    assert published == [(GRADE, (7,))]


def test_an_unknown_task_name_fails_in_the_caller_not_after_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(KeyError):
        queue.enqueue_on_commit("quizzes.no_such_task_v1", 7)
    assert callbacks == []


def test_a_broker_failure_is_logged_and_swallowed(db, monkeypatch, caplog):
    def broker_down(args, **options):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(queue.registered_task(GRADE), "apply_async", broker_down)
    with caplog.at_level(logging.WARNING, logger="training.queue"):
        assert queue.publish_rollback_unsafe(GRADE, 7) is False
    assert f"Could not enqueue {GRADE}(7,)" in caplog.text


def test_in_eager_mode_the_task_runs_in_process_after_the_commit(
        response, monkeypatch, django_capture_on_commit_callbacks):
    """The embedded mode (no REDIS_URL: CELERY_TASK_ALWAYS_EAGER): no broker, the grade is
    computed right after the commit, in the web process."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue_on_commit(GRADE, response.pk)
    response.refresh_from_db()
    assert response.state == Response.State.GRADED
    assert response.grade.score == 1.0


# ---------------------------------------------------------------- the rule, in the code base

def _app_modules():
    """The project's Python modules (every package at the top, the tests and migrations aside)."""
    packages = [d for d in sorted(REPO_ROOT.iterdir()) if (d / "__init__.py").exists() and d.name != "tests"]
    for package in packages:
        for path in sorted(package.rglob("*.py")):
            relative = path.relative_to(REPO_ROOT)
            if "migrations" not in relative.parts:
                yield relative, ast.parse(path.read_text(), filename=str(relative))


def test_every_enqueue_goes_through_the_queue_helper():
    """No module but training/queue.py publishes a task itself (apply_async, delay, send_task);
    bench/publish.py measures those ways against each other, on a queue no worker reads."""
    allowed = {Path("training/queue.py"), Path("bench/publish.py")}
    offenders = [
        f"{relative}:{node.lineno} .{node.func.attr}()"
        for relative, tree in _app_modules() if relative not in allowed
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"apply_async", "delay", "delay_on_commit", "send_task"}
    ]
    assert offenders == []


def test_no_module_imports_a_tasks_module():
    """Tasks are enqueued by name: only Celery (autodiscovery) imports the apps' tasks modules."""
    offenders = []
    for relative, tree in _app_modules():
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [f"{node.module or ''}.{alias.name}" for alias in node.names] + [node.module or ""]
            offenders += [f"{relative}:{node.lineno} {name}" for name in names
                          if name.split(".")[-1] == "tasks" and not name.startswith("celery")]
    assert offenders == []
