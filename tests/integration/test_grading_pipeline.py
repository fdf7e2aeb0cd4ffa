"""Grading is asynchronous and lossless (docs/design.md), end to end.

Each test runs on PostgreSQL and Redis with real ``celery -A training`` worker processes:
a submit stores the Response and publishes ``grade_response`` on commit; a worker grades it;
duplicates grade once; a broker outage or a killed worker delays grading and the beat
sweeper makes up for it, so no answer is ever left ungraded.
"""
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
from django.db import connection, transaction
from django.db.models import Sum
from rest_framework.test import APIClient

from progress.models import MeasureCounter, ModuleProgress
from quizzes import services
from quizzes.models import Grade, Response
from quizzes.tasks import grade_response, sweep_ungraded_responses
from tests.factories import CaseFactory, ItemFactory, UserFactory, assigned_module
from training.celery import app as celery_app

pytestmark = pytest.mark.integration
live_db = pytest.mark.django_db(transaction=True)  # real commits: the worker processes must see our rows

GRADE_TIMEOUT = 20
GRADED = Response.State.GRADED


def submit_url(attempt_id: int, item_id: int) -> str:
    return f"/api/v1/attempts/{attempt_id}/items/{item_id}/response/"


def wait_until(predicate, *, what: str, processes=(), timeout: float = GRADE_TIMEOUT) -> None:
    """Poll predicate until true; on timeout fail with the Celery logs' tails."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.log.name}\n{p.log_tail()}" for p in processes)
            pytest.fail(f"Timed out after {timeout} s waiting for {what}\n{logs}")
        time.sleep(0.05)


def is_graded(response_id: int) -> bool:
    return Response.objects.filter(pk=response_id, state=GRADED).exists()


def succeeded(process, task_name: str) -> int:
    return len(re.findall(rf"Task {re.escape(task_name)}\[[^\]]+\] succeeded", process.log_text()))


def backends_waiting_for_a_lock() -> int:
    """Other sessions of the test database blocked on a lock (e.g. a row we hold)."""
    with connection.cursor() as cursor:
        # pg_stat_activity is snapshotted once per transaction; the callers poll it while
        # holding rows in one, so take a fresh snapshot on every call.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def counter_total(name: str, **filters) -> float:
    return MeasureCounter.objects.filter(name=name, **filters).aggregate(total=Sum("value"))["total"] or 0


@live_db
def test_an_answer_submitted_through_the_api_is_graded_by_a_worker(celery_processes, trainee_client, attempt, item):
    """The normal path: the submit answers at once with the stored, ungraded response; the
    on-commit message reaches a separate worker process; the trainee then reads the grade."""
    worker = celery_processes.worker()

    reply = trainee_client.post(submit_url(attempt.pk, item.pk), {"answer": {"answer": "b"}}, format="json")

    assert reply.status_code == 201, reply.json()
    assert reply.json()["state"] == "submitted"
    response_id = reply.json()["id"]
    wait_until(lambda: is_graded(response_id), what="the worker to grade the response", processes=[worker])
    assert Grade.objects.get(response_id=response_id).score == 1.0
    # The task commits before it logs its success.
    wait_until(lambda: succeeded(worker, grade_response.name) == 1, what="the worker's log of the task",
               processes=[worker])
    detail = trainee_client.get(f"/api/v1/responses/{response_id}/")
    assert detail.status_code == 200
    assert detail.json()["state"] == "graded"
    assert detail.json()["grade"]["score"] == 1.0


@live_db
def test_an_answer_submitted_while_the_broker_is_down_is_graded_once_it_is_back(
    publish_to_own_redis, celery_processes, trainee_client, attempt, item, caplog,
):
    """A broker outage costs a delay, never an answer: the submit still stores the response
    and answers promptly (the publish fails fast and is logged); once Redis is back (empty,
    as after a restart without persistence) the sweeper re-enqueues the response from the
    database and a worker grades it."""
    own_redis = publish_to_own_redis
    own_redis.stop()

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="training.queue"):
        reply = trainee_client.post(submit_url(attempt.pk, item.pk), {"answer": {"answer": "b"}}, format="json")
    elapsed = time.monotonic() - started

    assert reply.status_code == 201, reply.json()
    assert elapsed < 10, f"the submit took {elapsed:.1f} s with the broker down"
    response = Response.objects.get(pk=reply.json()["id"])
    assert f"Could not enqueue {grade_response.name}({response.pk},)" in caplog.text
    assert response.state == Response.State.SUBMITTED
    assert not Grade.objects.filter(response=response).exists()

    own_redis.start()
    assert own_redis.client().llen("celery") == 0  # no message anywhere: the row is the outbox
    worker = celery_processes.worker(broker_url=own_redis.url)
    assert services.sweep_ungraded(older_than=timedelta(0)) == [response.pk]
    wait_until(lambda: is_graded(response.pk), what="the swept response to be graded", processes=[worker])
    assert Grade.objects.get(response=response).score == 1.0


@live_db
def test_a_grading_task_delivered_three_times_grades_once(celery_processes, broker_url, trainee, attempt, item):
    """Late acks make delivery at-least-once, so one response may be graded by several
    deliveries at the same moment. The test holds the response row while a two-process
    worker starts, so two deliveries wait on the same row lock at once (the third queues
    behind them); the lock plus the state check must let exactly one of them grade and count."""
    response, _created = services.response_submit(attempt=attempt, item=item, answer={"answer": "b"})  # on commit: 1
    grade_response.apply_async((response.pk,))
    grade_response.apply_async((response.pk,))
    assert redis.Redis.from_url(broker_url).llen("celery") == 3

    with transaction.atomic():
        Response.objects.select_for_update().get(pk=response.pk)
        worker = celery_processes.worker(concurrency=2)
        wait_until(lambda: backends_waiting_for_a_lock() == 2, what="both pool processes to wait on the row",
                   processes=[worker])
    wait_until(lambda: succeeded(worker, grade_response.name) == 3, what="the three deliveries to finish",
               processes=[worker])

    response.refresh_from_db()
    assert response.state == GRADED
    assert response.grading_tries == 1
    assert Grade.objects.filter(response=response).count() == 1
    assert counter_total("items.n", trainee=trainee) == 1
    assert ModuleProgress.objects.get(trainee=trainee).items_graded == 1


@live_db
def test_a_worker_killed_while_grading_loses_nothing(celery_processes, broker_url):
    """SIGKILL a worker in the middle of a backlog: the tasks it was running and the
    messages it had prefetched are neither acked nor requeued (Redis gives them back only
    after the 600 s visibility timeout). The sweeper and a new worker must still grade every
    response exactly once and count it once. A third of the rows are held locked by the test
    so the kill lands deterministically with 100 graded and two tasks mid-grading."""
    trainees = UserFactory.create_batch(5)
    module = assigned_module(*trainees)
    items = ItemFactory.create_batch(30, case=CaseFactory(module=module))
    response_ids = []
    for trainee in trainees:
        attempt = services.attempt_start(trainee=trainee, module=module)
        for n, item in enumerate(items):
            with transaction.atomic():
                response, _created = services.response_submit(attempt=attempt, item=item, answer={"answer": "ab"[n % 2]})
            response_ids.append(response.pk)
    assert redis.Redis.from_url(broker_url).llen("celery") == 150
    held = response_ids[100:]

    with transaction.atomic():
        list(Response.objects.select_for_update().filter(pk__in=held))
        worker = celery_processes.worker(concurrency=2)
        wait_until(
            lambda: Response.objects.filter(state=GRADED).count() == 100 and backends_waiting_for_a_lock() == 2,
            what="100 responses graded and two tasks blocked mid-grading", processes=[worker],
        )
        worker.kill()
    assert Response.objects.filter(state=GRADED).count() == 100
    assert not Response.objects.filter(pk__in=held, state=GRADED).exists()

    replacement = celery_processes.worker(concurrency=2)
    deadline = time.monotonic() + 60
    while Response.objects.exclude(state=GRADED).exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{Response.objects.exclude(state=GRADED).count()} responses never graded:\n"
                        f"{replacement.log_tail()}")
        services.sweep_ungraded(older_than=timedelta(0))
        time.sleep(1)

    assert sorted(Grade.objects.values_list("response_id", flat=True)) == sorted(response_ids)
    assert counter_total("items.n") == 150
    assert counter_total("items.score") == pytest.approx(Grade.objects.aggregate(total=Sum("score"))["total"])
    assert ModuleProgress.objects.aggregate(total=Sum("items_graded"))["total"] == 150


@live_db
def test_two_concurrent_submits_of_one_answer_store_one_response(celery_processes, trainee, attempt, item):
    """A double click or a retried request sends the same answer twice at the same time:
    one request creates the response (201), the other gets it back (200), and the answer is
    graded and counted once."""
    worker = celery_processes.worker()
    clients = [APIClient(), APIClient()]
    for client in clients:
        client.force_login(trainee)
    barrier = threading.Barrier(len(clients))

    def submit(client):
        try:
            barrier.wait(timeout=10)
            reply = client.post(submit_url(attempt.pk, item.pk), {"answer": {"answer": "b"}}, format="json")
            return reply.status_code, reply.json()
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        replies = list(pool.map(submit, clients))

    assert sorted(status for status, _body in replies) == [200, 201], replies
    response = Response.objects.get()
    assert {body["id"] for _status, body in replies} == {response.pk}
    wait_until(lambda: is_graded(response.pk), what="the worker to grade the response", processes=[worker])
    response.refresh_from_db()
    assert response.grading_tries == 1
    assert Grade.objects.filter(response=response).count() == 1
    assert counter_total("items.n", trainee=trainee) == 1


def test_beat_schedules_the_sweeper():
    """`celery beat` runs what CELERY_BEAT_SCHEDULE names; the name must be the registered task's."""
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert sweep_ungraded_responses.name in scheduled
    assert sweep_ungraded_responses.name in celery_app.tasks


@live_db
def test_the_sweeper_task_regrades_a_response_whose_message_was_lost(celery_processes, lost_stale_response):
    """The sweeper, run by a worker from a broker message, re-enqueues a response left
    ungraded past the timeout and that worker grades it."""
    worker = celery_processes.worker()

    sweep_ungraded_responses.delay()

    wait_until(lambda: is_graded(lost_stale_response.pk), what="the swept response to be graded", processes=[worker])
    wait_until(lambda: succeeded(worker, sweep_ungraded_responses.name) == 1, what="the worker's log of the sweep",
               processes=[worker])


@live_db
def test_a_running_beat_sweeps_by_itself(celery_processes, lost_stale_response):
    """Deployed as the README says (a worker and one beat), nobody has to ask: beat sends
    the sweeper on schedule (every second here) and the lost response gets graded."""
    worker = celery_processes.worker()
    beat = celery_processes.beat(env={"VIGIL_SWEEP_EVERY_SECONDS": "1"})

    wait_until(lambda: is_graded(lost_stale_response.pk), what="beat's sweep to get the response graded",
               processes=[worker, beat])
