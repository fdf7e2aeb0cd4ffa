"""xAPI statements reach a real LRS, through an outage, each exactly once.

Ralph's LRS server (``ralph.api``, its file-system backend, HTTP basic auth) runs on loopback
from its own virtual environment (``make ralph-venv``, which ``make test`` and .ci/run
prepare; ``VIGIL_RALPH_VENV`` says where). A trainee answers through the services; a live
Celery worker grades and delivers; beat sweeps the outbox. The test stops the LRS mid-run,
answers more, sees the statements pile up (tried, not lost), starts the LRS again, and reads
back from the LRS every statement of the outbox, each once.
"""
import time

import pytest

from quizzes import services as quiz_services
from quizzes.models import Response
from tests.factories import CaseFactory, ItemFactory, UserFactory, assigned_module
from tests.ralph_lrs import KEY, SECRET, ralph  # noqa: F401 - the fixture
from xapi.models import LrsSettings, OutboxStatement

pytestmark = pytest.mark.integration
live_db = pytest.mark.django_db(transaction=True)

TIMEOUT = 60


def _wait(predicate, *, what: str, processes=(), timeout: float = TIMEOUT) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            logs = "\n".join(f"--- {p.log.name}\n{p.log_tail()}" for p in processes)
            rows = list(OutboxStatement.objects.values_list("verb", "status", "tries", "last_error"))
            pytest.fail(f"Timed out after {timeout} s waiting for {what}\noutbox: {rows}\n{logs}")
        time.sleep(0.1)
    return time.monotonic() - start


def _count(**filters) -> int:
    return OutboxStatement.objects.filter(**filters).count()


@live_db
def test_every_statement_reaches_the_lrs_once_through_an_outage(ralph, celery_processes):
    trainee = UserFactory()
    module = assigned_module(trainee)
    case = CaseFactory(module=module)
    items = [ItemFactory(case=case) for _ in range(8)]
    school = trainee.enrollments.get().cohort.school
    LrsSettings.objects.create(school=school, enabled=True, endpoint=ralph.endpoint, key=KEY, secret=SECRET,
                               actor_mode="pseudonym")
    env = {"VIGIL_SWEEP_EVERY_SECONDS": "1", "VIGIL_XAPI_BACKOFF_BASE_SECONDS": "1",
           "VIGIL_XAPI_BACKOFF_CAP_SECONDS": "2", "VIGIL_XAPI_HTTP_TIMEOUT_SECONDS": "10"}
    worker = celery_processes.worker(concurrency=2, env=env)
    beat = celery_processes.beat(env=env)
    procs = (worker, beat)

    # The LRS is up: the attempt and the first answers arrive.
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    for item in items[:3]:
        quiz_services.response_submit(attempt=attempt, item=item, answer={"answer": "b"})
    _wait(lambda: _count(status="sent") == 4, what="the first 4 statements sent", processes=procs)

    # The LRS goes down mid-run: grading goes on, statements pile up, tried and kept.
    ralph.stop()
    for item in items[3:]:
        quiz_services.response_submit(attempt=attempt, item=item, answer={"answer": "a"})
    _wait(lambda: Response.objects.filter(state="graded").count() == 8, what="every answer graded", processes=procs)
    _wait(lambda: _count(status="pending", tries__gte=2) == 6, what="6 statements tried twice", processes=procs)
    backlog = _count(status="pending")
    assert backlog == 6 and _count(status="sent") == 4  # 5 answers and the module completed
    assert "URLError" in OutboxStatement.objects.filter(status="pending").first().last_error

    # The LRS is back: the backlog drains, and the LRS holds every statement once.
    ralph.start()
    drained = _wait(lambda: _count(status="sent") == 10, what="the backlog delivered", processes=procs)
    stored = ralph.statements()
    ids = [s["id"] for s in stored]
    assert len(ids) == len(set(ids)) == 10
    assert set(ids) == {str(i) for i in OutboxStatement.objects.values_list("id", flat=True)}
    assert not _count(status="failed")
    tries = sorted(OutboxStatement.objects.values_list("tries", flat=True))
    print(f"\nxAPI outage figures: {backlog} statements queued while the LRS was down, tries per statement "
          f"{tries}, backlog delivered {drained:.1f} s after the LRS was back; 10 stored, 0 duplicates, 0 lost")
