"""Where one request's time goes, in-process (no HTTP server): queries per request and
mean wall time of the bare endpoints, the submit endpoint and the grading service.

    python bench/profile_requests.py [N] [--cprofile submit|bare|grade]

Uses the bench database (source bench/env.sh; run bench/setup_db.sh first) and the request
list; it resets the data before and after.
"""
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not bench/ itself: bench/markdown.py would shadow the markdown package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
assert os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].startswith("vigil_bench"), "source bench/env.sh first"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.data import REQUESTS, reset  # noqa: E402
from quizzes import services  # noqa: E402
from quizzes.models import Response  # noqa: E402


def lines(start: int, n: int):
    with REQUESTS.open() as f:
        rows = [line.rstrip("\n").split("\t") for _, line in zip(range(start + n), f)]
    return rows[start:]


def run(label: str, fn, rows, profile: bool):
    client = Client(HTTP_HOST="127.0.0.1")
    fn(client, rows[0])  # warm up: connections, caches, imports
    prof = cProfile.Profile() if profile else None
    queries = []
    t0 = time.perf_counter()
    for row in rows[1:]:
        with CaptureQueriesContext(connection) as ctx:
            if prof:
                prof.enable()
            fn(client, row)
            if prof:
                prof.disable()
        queries.append(len(ctx.captured_queries))
    elapsed = time.perf_counter() - t0
    n = len(rows) - 1
    print(f"{label:12s} {1000 * elapsed / n:7.2f} ms/request (in-process, incl. query capture)  "
          f"queries/request: min {min(queries)} max {max(queries)} mean {sum(queries) / n:.2f}")
    if prof:
        print(f"--- {label}: where its time goes:")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
    return ctx.captured_queries


def post(path):
    def fn(client, row):
        p, token, body = row
        r = client.post(path or p, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
        assert r.status_code in (200, 201), (r.status_code, r.content[:300])
    return fn


def grade(client, row):
    response_id = grade.ids.pop()
    services.response_grade(response_id=response_id)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 300
    which = sys.argv[sys.argv.index("--cprofile") + 1] if "--cprofile" in sys.argv else None
    show_sql = "--sql" in sys.argv
    reset()
    rows = lines(0, n + 1)
    run("bare-anon", post("/bench/bare-anon/"), rows, which == "bare-anon")
    q = run("bare", post("/bench/bare/"), rows, which == "bare")
    if show_sql:
        print("\n".join(x["sql"][:200] for x in q))
    q = run("submit", post(None), rows, which == "submit")
    if show_sql:
        print("\n".join(x["sql"][:200] for x in q))
    grade.ids = list(Response.objects.filter(state="submitted").order_by("-pk").values_list("pk", flat=True))
    q = run("grade", grade, rows, which == "grade")
    if show_sql:
        print("\n".join(x["sql"][:300] for x in q))
    reset()
