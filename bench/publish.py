"""The cost of publishing one grading message, three ways, interleaved in one run (issue 16,
lever "a cheaper publish than apply_async"): Celery's ``apply_async`` as ``training.queue``
does it, ``app.send_task`` (no registry lookup, no eager check), and a kombu producer from the
app's producer pool publishing the same protocol-2 message Celery builds (``amqp.as_task_v2``),
which skips Celery's signature, options merging and signals.

    REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python bench/publish.py [ROUNDS] [PER_ROUND]

Messages go to a queue of their own (``bench-publish``), emptied at the end. Prints the median
µs per publish of each way (wall clock, and CPU of this process: what a web worker pays),
and the ratios to apply_async.
"""
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")
assert os.environ.get("REDIS_URL"), "set REDIS_URL (a Redis db of your own)"

import django  # noqa: E402

django.setup()

from kombu import Queue  # noqa: E402

from quizzes.services import GRADE_TASK  # noqa: E402
from training.celery import app  # noqa: E402
from training.queue import registered_task  # noqa: E402

QUEUE = Queue("bench-publish", routing_key="bench-publish")


def by_apply_async(i: int) -> None:
    registered_task(GRADE_TASK).apply_async((i,), retry=False, queue=QUEUE)


def by_send_task(i: int) -> None:
    app.send_task(GRADE_TASK, (i,), retry=False, queue=QUEUE)


def by_producer(i: int) -> None:
    message = app.amqp.as_task_v2(uuid.uuid4().hex, GRADE_TASK, args=(i,))
    with app.producer_or_acquire() as producer:
        producer.publish(message.body, exchange="", routing_key=QUEUE.name, headers=message.headers,
                         serializer="json", delivery_mode=2, retry=False, **message.properties)


WAYS = {"apply_async": by_apply_async, "send_task": by_send_task, "kombu producer": by_producer}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    per_round = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    for way in WAYS.values():  # warm: connections, pools, the registry
        way(0)
    with app.connection_for_write() as conn:
        QUEUE.bind(conn.default_channel).declare()
    results = {name: [] for name in WAYS}
    cpu = {name: [] for name in WAYS}
    for r in range(rounds):
        for name, way in (list(WAYS.items())[r % 3:] + list(WAYS.items())[:r % 3]):  # rotate the order
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(per_round):
                way(i)
            results[name].append((time.perf_counter() - t0) / per_round * 1e6)
            cpu[name].append((time.process_time() - c0) / per_round * 1e6)
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE.name)
        conn.default_channel.queue_delete(QUEUE.name)
    base, cpu_base = statistics.median(results["apply_async"]), statistics.median(cpu["apply_async"])
    for name, values in results.items():
        med, cpu_med = statistics.median(values), statistics.median(cpu[name])
        print(f"{name:15s} wall {med:7.1f} µs (÷ apply_async {med / base:.2f}), "
              f"this process's CPU {cpu_med:6.1f} µs (÷ apply_async {cpu_med / cpu_base:.2f}) per publish; "
              f"CPU per round: {', '.join(f'{v:.0f}' for v in cpu[name])}")


if __name__ == "__main__":
    main()
