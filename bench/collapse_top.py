"""Summarise py-spy collapsed stacks (``py-spy record -f raw``, idle included).

    python bench/collapse_top.py FILE.collapsed [--web]

For each part of the request (web) or of the task (worker): its share of the sampled time
(inclusive: a sample counts for every part on its stack) and how much of that share is spent
waiting on PostgreSQL (psycopg's wait) or on Redis (a socket read/write under kombu/redis).
"""
import sys
from collections import Counter

PG_WAIT = ("Connection.wait (psycopg/", "psycopg/waiting.py", "wait_c (")
REDIS_WAIT = ("redis/connection.py", "redis/_parsers")

# (label, substrings of py-spy frames "Function (path:line)"); a sample belongs to a part
# when any of its frames contains one of the substrings.
WEB_PARTS = [
    ("waiting for the next request (accept)", ("SyncWorker.wait (", "SyncWorker.accept (gunicorn/workers/sync.py:2")),
    ("handling a request (SyncWorker.handle)", ("SyncWorker.handle (",)),
    ("  connection health check (SELECT 1 per request)", ("close_if_health_check_failed (",)),
    ("  DRF APIView.dispatch", ("APIView.dispatch (",)),
    ("    token authentication (1 SELECT)", ("TokenAuthentication.authenticate (",)),
    ("    ResponseSubmitApi.post", ("ResponseSubmitApi.post (",)),
    ("      _attempt_item (attempt + item SELECTs)", ("_attempt_item (",)),
    ("      response_submit", ("response_submit (",)),
    ("        artifact_payload (failure modes SELECT)", ("artifact_payload (",)),
    ("        transaction.atomic enter/exit (BEGIN/SAVEPOINT/COMMIT)", ("Atomic.__exit__ (", "Atomic.__enter__ (")),
    ("          of it: enqueue on commit (Celery apply_async)", ("enqueue_on_commit (", "publish_rollback_unsafe (")),
    ("        Response INSERT", ("QuerySet.create (",)),
    ("    BareInsertApi.post (one INSERT)", ("BareInsertApi.post (",)),
    ("  finalize/render the response", ("APIView.finalize_response (", "Response.rendered_content (")),
]
WORKER_PARTS = [
    ("consumer (main process)", ("WorkController.start (",)),
    ("pool child processes", ("Worker.workloop (", "Worker._do_exit (")),
    ("  waiting for the next task", ("Worker.workloop (billiard/pool.py:3", "_recv (", "poll (")),
    ("  executing a task (trace)", ("trace_task (",)),
    ("    grade_response", ("grade_response (",)),
    ("      response_grade", ("response_grade (",)),
    ("        SELECT ... FOR UPDATE with item, key, grade, codes, lock_timeout", ("response_to_grade (",)),
    ("        graders (pure)", ("quizzes/graders",)),
    ("        grade_store", ("grade_store (",)),
    ("          grade, response state, counters, progress and trend rows (one statement)", ("grade_applied (",)),
    ("        xAPI: does the school send statements (one SELECT)", ("enabled_lrs (",)),
    ("        transaction commit", ("Atomic.__exit__ (",)),
    ("    task signals, ack, logging", ("Signal.send (", "Logger.", "Message.ack (")),
]


def main(path: str, parts, only: str | None) -> None:
    stacks = []
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and (only is None or only in stack):
            stacks.append((stack, int(count)))
    total = sum(c for _, c in stacks)
    print(f"{total} samples{' of ' + only if only else ''} (idle included; {total / 200:.0f} process-seconds at 200 Hz)")
    print(f"{'part':58s} {'share':>6s} {'of it: PG wait':>15s} {'Redis wait':>10s}")
    for name, keys in parts:
        inside = [(s, c) for s, c in stacks if any(k in s for k in keys)]
        n = sum(c for _, c in inside)
        if not n:
            continue
        pg = sum(c for s, c in inside if any(k in s for k in PG_WAIT))
        rd = sum(c for s, c in inside if any(k in s for k in REDIS_WAIT))
        print(f"{name:58s} {100 * n / total:5.1f}% {100 * pg / n:14.0f}% {100 * rd / n:9.0f}%")


if __name__ == "__main__":
    web = "--web" in sys.argv
    # Web: the gunicorn workers only (not the arbiter).
    main(sys.argv[1], WEB_PARTS if web else WORKER_PARTS, "Worker.init_process (" if web else None)
