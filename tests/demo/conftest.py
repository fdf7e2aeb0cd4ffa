import pytest

from training.celery import app as celery_app


@pytest.fixture
def in_process_grading():
    """The embedded default: grading runs in-process, as in ``make demo``."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
