"""Delivering the outbox to an LRS over HTTP (a stub LRS on loopback): sent once, retried
with backoff while the LRS fails, refused statements kept as failures, nothing lost."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import SchoolFactory
from xapi import services, tasks
from xapi.models import LrsSettings, OutboxStatement

pytestmark = pytest.mark.django_db


def _statement(n: int) -> dict:
    return {"id": f"00000000-0000-4000-8000-{n:012d}", "actor": {"account": {"homePage": "https://x.example",
            "name": "a"}}, "verb": {"id": "http://adlnet.gov/expapi/verbs/answered",
            "display": {"en-US": "answered"}}, "object": {"id": f"https://x.example/items/{n}"}}


@pytest.fixture
def to_stub(lrs, stub_lrs):
    LrsSettings.objects.filter(pk=lrs.pk).update(endpoint=stub_lrs.endpoint)
    lrs.refresh_from_db()
    return lrs


def _queue(lrs, n: int) -> None:
    services.outbox_add(lrs=lrs, statements=[(_statement(i), None) for i in range(n)])


def test_due_statements_are_posted_with_basic_auth_and_the_xapi_version(to_stub, stub_lrs):
    _queue(to_stub, 3)
    assert services.deliver(school_id=to_stub.school_id) == {"sent": 3, "failed": 0, "deferred": 0}
    assert sorted(stub_lrs.statement_ids) == sorted(_statement(i)["id"] for i in range(3))
    headers = stub_lrs.headers[0]
    assert headers["x-experience-api-version"] == "1.0.3" and headers["authorization"].startswith("Basic ")
    assert set(OutboxStatement.objects.values_list("status", flat=True)) == {"sent"}


def test_a_sent_statement_is_not_sent_again(to_stub, stub_lrs):
    _queue(to_stub, 2)
    services.deliver(school_id=to_stub.school_id)
    services.deliver(school_id=to_stub.school_id)
    assert len(stub_lrs.statement_ids) == 2


def test_queueing_a_statement_twice_keeps_one_row(to_stub):
    _queue(to_stub, 1)
    _queue(to_stub, 1)
    assert OutboxStatement.objects.count() == 1


def test_statements_go_in_batches(to_stub, stub_lrs):
    _queue(to_stub, 5)
    services.deliver(school_id=to_stub.school_id, batch=2)
    assert [len(b) for b in stub_lrs.received] == [2, 2, 1]


def test_an_lrs_that_fails_leaves_the_statements_pending_with_a_backoff(to_stub, stub_lrs, settings):
    settings.VIGIL_XAPI_BACKOFF_BASE_SECONDS = 5
    stub_lrs.status = 503
    _queue(to_stub, 2)
    before = timezone.now()
    assert services.deliver(school_id=to_stub.school_id) == {"sent": 0, "failed": 0, "deferred": 2}
    for row in OutboxStatement.objects.all():
        assert row.status == "pending" and row.tries == 1 and "503" in row.last_error
        assert row.next_attempt_at >= before + timedelta(seconds=5)


def test_the_backoff_doubles_with_each_try_up_to_the_cap(to_stub, stub_lrs, settings):
    settings.VIGIL_XAPI_BACKOFF_BASE_SECONDS, settings.VIGIL_XAPI_BACKOFF_CAP_SECONDS = 5, 12
    stub_lrs.status = 503
    _queue(to_stub, 1)
    waits = []
    for _ in range(3):
        OutboxStatement.objects.update(next_attempt_at=timezone.now())
        start = timezone.now()
        services.deliver(school_id=to_stub.school_id)
        waits.append(round((OutboxStatement.objects.get().next_attempt_at - start).total_seconds()))
    assert waits == [5, 10, 12]


def test_an_unreachable_lrs_is_an_error_to_retry(lrs):
    _queue(lrs, 1)  # port 9 on loopback: nothing listens
    assert services.deliver(school_id=lrs.school_id)["deferred"] == 1
    row = OutboxStatement.objects.get()
    assert row.status == "pending" and "URLError" in row.last_error and "s3cret" not in row.last_error


def test_statements_the_lrs_refuses_are_failed_alone_and_the_others_sent(to_stub, stub_lrs):
    bad = _statement(1)["id"]
    stub_lrs.status = lambda batch: 400 if any(s["id"] == bad for s in batch) else 200
    _queue(to_stub, 3)
    assert services.deliver(school_id=to_stub.school_id) == {"sent": 2, "failed": 1, "deferred": 0}
    failed = OutboxStatement.objects.get(status="failed")
    assert str(failed.id) == bad and "400" in failed.last_error


def test_statements_of_a_school_turned_off_wait(to_stub, stub_lrs):
    _queue(to_stub, 1)
    LrsSettings.objects.filter(pk=to_stub.pk).update(enabled=False)
    services.deliver(school_id=to_stub.school_id)
    assert not stub_lrs.received and OutboxStatement.objects.get().status == "pending"


def test_a_leased_statement_is_not_posted_by_a_second_delivery(to_stub, stub_lrs):
    _queue(to_stub, 1)
    OutboxStatement.objects.update(next_attempt_at=timezone.now() + timedelta(seconds=60))  # as a claim leaves it
    services.deliver(school_id=to_stub.school_id)
    assert not stub_lrs.received


def test_the_sweeper_enqueues_a_delivery_only_for_schools_with_due_statements(to_stub):
    other = LrsSettings.objects.create(school=SchoolFactory(), enabled=True, endpoint="http://127.0.0.1:9/")
    _queue(to_stub, 1)
    _queue(other, 1)
    OutboxStatement.objects.filter(school=other.school).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    assert services.enqueue_due_deliveries() == [to_stub.school_id]


def test_the_delivery_task_runs_the_delivery(to_stub, stub_lrs):
    _queue(to_stub, 1)
    assert tasks.deliver_statements.apply(args=(to_stub.school_id,)).get()["sent"] == 1


def test_a_conflict_for_a_statement_tried_before_means_the_earlier_try_arrived(to_stub, stub_lrs):
    _queue(to_stub, 1)
    OutboxStatement.objects.update(tries=1)  # a try whose answer was lost (a timeout)
    stub_lrs.status = 409
    services.deliver(school_id=to_stub.school_id)
    assert OutboxStatement.objects.get().status == "sent"


def test_a_conflict_for_a_first_try_is_a_refusal(to_stub, stub_lrs):
    _queue(to_stub, 1)
    stub_lrs.status = 409
    services.deliver(school_id=to_stub.school_id)
    assert OutboxStatement.objects.get().status == "failed"
