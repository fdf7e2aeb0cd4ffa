"""The retry policy (training.retry) in a real worker process: a grading that times out
waiting for a row lock is retried after its backoff and then grades."""
import re

import pytest
from django.db import transaction

from quizzes import services
from quizzes.models import Grade, Response
from quizzes.tasks import grade_response
from tests.integration.test_grading_pipeline import backends_waiting_for_a_lock, is_graded, live_db, wait_until

pytestmark = pytest.mark.integration


def retried(process) -> list[str]:
    return re.findall(rf"Task {re.escape(grade_response.name)}\[[^\]]+\] retry: Retry in (\d+)s: OperationalError",
                      process.log_text())


@live_db
def test_a_grading_that_times_out_on_a_row_lock_is_retried_and_grades(celery_processes, attempt, item):
    response, _created = services.response_submit(attempt=attempt, item=item, answer={"answer": "b"})  # on commit

    with transaction.atomic():
        Response.objects.select_for_update().get(pk=response.pk)  # held past the task's 10 s lock timeout
        worker = celery_processes.worker()
        wait_until(lambda: backends_waiting_for_a_lock() == 1, what="the task to wait on the row", processes=[worker])
        wait_until(lambda: retried(worker), what="the lock timeout to be retried", processes=[worker], timeout=30)

    wait_until(lambda: is_graded(response.pk), what="the retry to grade the response", processes=[worker])
    assert retried(worker)[0] == "1"  # the first backoff: one second
    assert Grade.objects.filter(response=response).count() == 1
    response.refresh_from_db()
    assert (response.grading_tries, response.failure_reason) == (1, "")
