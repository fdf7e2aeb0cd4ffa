"""The retry policy of the tasks (training.retry), through the grading task's body run
eagerly with ``.apply()``: no broker, no worker."""
import pytest
from celery import signals
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from quizzes import services
from quizzes.models import Response
from quizzes.tasks import grade_response
from training.retry import RetryingTask, backoff_seconds


@pytest.fixture
def retries():
    """The delays (seconds) of the retries the tasks asked for."""
    delays = []

    def record(sender, reason, **kwargs):
        delays.append(reason.when)

    signals.task_retry.connect(record, weak=False)
    yield delays
    signals.task_retry.disconnect(record)


def flaky(monkeypatch, *errors):
    """Make the grading service raise ``errors`` one per call, then grade as usual."""
    calls = []
    real = services.response_grade

    def response_grade(*, response_id):
        calls.append(response_id)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return real(response_id=response_id)

    monkeypatch.setattr(services, "response_grade", response_grade)
    return calls


def test_the_backoff_doubles_up_to_its_cap():
    assert [backoff_seconds(n, base=1, cap=60) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert [backoff_seconds(n, base=5, cap=120) for n in range(6)] == [5, 10, 20, 40, 80, 120]


@pytest.mark.parametrize("error", [OperationalError("the database restarted"), InterfaceError("connection closed"),
                                   SoftTimeLimitExceeded()])
def test_a_transient_error_is_retried_and_the_retry_grades(response, monkeypatch, retries, error):
    calls = flaky(monkeypatch, error)

    result = grade_response.apply(args=(response.pk,))

    assert result.successful()
    assert len(calls) == 2
    assert retries == [1]
    response.refresh_from_db()
    assert response.state == Response.State.GRADED


def test_each_retry_waits_twice_as_long(response, monkeypatch, retries):
    flaky(monkeypatch, *[OperationalError("lock timeout")] * 3)
    assert grade_response.apply(args=(response.pk,)).successful()
    assert retries == [1, 2, 4]


def test_past_the_bound_the_task_fails_and_the_response_waits_for_the_sweeper(response, monkeypatch, retries):
    calls = flaky(monkeypatch, *[OperationalError("the database is down")] * 20)

    result = grade_response.apply(args=(response.pk,))

    assert result.failed() and isinstance(result.result, OperationalError)
    assert len(calls) == 1 + grade_response.max_retries == 7
    assert retries == [1, 2, 4, 8, 16, 32]
    response.refresh_from_db()
    assert (response.state, response.failure_reason) == (Response.State.SUBMITTED, "")


def test_a_permanent_error_is_not_retried_and_marks_the_response_failed_with_the_reason(
        response, monkeypatch, retries):
    calls = flaky(monkeypatch, ValueError("the key has no answer"))

    result = grade_response.apply(args=(response.pk,))

    assert result.successful()  # handled: the message is acknowledged, not redelivered
    assert len(calls) == 1
    assert retries == []
    response.refresh_from_db()
    assert (response.state, response.failure_reason) == (Response.State.FAILED, "ValueError: the key has no answer")


def test_a_retrying_task_must_say_how_its_row_is_marked_failed():
    with pytest.raises(TypeError, match="on_permanent_failure"):
        type("forgetful", (RetryingTask,), {"run": staticmethod(lambda job_id: None)})
