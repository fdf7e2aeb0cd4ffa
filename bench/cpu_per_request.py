"""CPU of the web process per request, bare endpoint against submit, in-process through
Django's WSGI handler (as gunicorn calls it, no HTTP server, no test client):

    python bench/cpu_per_request.py [--rounds 6] [--n 300] [--profile submit|bare] [--top 40]

Each round sends N requests to the bare endpoint and N submits (each a distinct (attempt,
item) pair of the request list), the order of the two alternating from round to round, and
prints the process CPU (``time.process_time``: user + system of this process only, so not
PostgreSQL's or Redis's) and wall time per request; then the median over rounds and the
ratio. With ``--profile`` it runs one more pass of that endpoint under cProfile and prints
the functions by own time and by cumulative time.

Uses the bench database (source bench/env.sh; run bench/setup_db.sh first); it resets the
data before and after.
"""
import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not bench/ itself: bench/markdown.py would shadow the markdown package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
# One PostgreSQL backend for the whole run, so that its CPU can be read (see pg_cpu).
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "3600")
assert os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].startswith("vigil_bench"), "source bench/env.sh first"

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402

from bench.data import REQUESTS, reset  # noqa: E402

HANDLER = WSGIHandler()


def lines(start: int, n: int) -> list[list[str]]:
    with REQUESTS.open() as f:
        rows = [line.rstrip("\n").split("\t") for _, line in zip(range(start + n), f)]
    return rows[start:]


def environ(path: str, token: str, body: str) -> dict:
    data = body.encode()
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8077", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8077",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(data)),
        "HTTP_AUTHORIZATION": f"Token {token}", "HTTP_ACCEPT": "*/*",
        "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def call(path: str, token: str, body: str) -> str:
    status = []
    result = HANDLER(environ(path, token, body), lambda s, h, exc_info=None: status.append(s))
    try:
        b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()
    return status[0]


def send(mode: str, rows: list[list[str]]) -> None:
    for path, token, body in rows:
        status = call("/bench/bare/" if mode == "bare" else path, token, body)
        assert status.startswith(("200", "201")), (mode, path, status)


def backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def pg_cpu(pid: int) -> float:
    """CPU seconds (user + system) of this process's PostgreSQL backend so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(mode: str, rows) -> tuple[float, float, float | None]:
    """Per request: CPU of this process, wall time, CPU of the PostgreSQL backend (None if
    the connection changed meanwhile), all in ms."""
    pid = backend()
    p0, c0, w0 = pg_cpu(pid), time.process_time(), time.perf_counter()
    send(mode, rows)
    c1, w1 = time.process_time(), time.perf_counter()
    pg = 1000 * (pg_cpu(pid) - p0) / len(rows) if backend() == pid else None
    return 1000 * (c1 - c0) / len(rows), 1000 * (w1 - w0) / len(rows), pg


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", choices=["submit", "bare"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", type=int, default=0, metavar="K", help="print the statements of K submits")
    args = parser.parse_args()
    reset()
    rows = lines(0, (args.rounds + 2) * args.n)
    chunks = [rows[i * args.n:(i + 1) * args.n] for i in range(args.rounds + 2)]
    send("bare", chunks[0][:20])  # warm up: connections, caches, imports
    send("submit", chunks[0][:20])
    if args.sql:
        from django.test.utils import CaptureQueriesContext
        for row in chunks[-2][:args.sql]:
            with CaptureQueriesContext(connection) as ctx:
                send("submit", [row])
            print(f"--- {row[0]} {row[2]}: {len(ctx.captured_queries)} statements")
            print("\n".join(q["sql"] for q in ctx.captured_queries))
        return reset()
    cpu = {"bare": [], "submit": []}
    pg = {"bare": [], "submit": []}
    for r in range(args.rounds):
        order = ("bare", "submit") if r % 2 == 0 else ("submit", "bare")
        for mode in order:
            c, w, p = measure(mode, chunks[r + 1])
            cpu[mode].append(c)
            if p is not None:
                pg[mode].append(p)
            print(f"round {r + 1} {mode:6s} CPU {c:6.2f} ms/request  wall {w:6.2f}  "
                  f"PostgreSQL {'n/a' if p is None else f'{p:.2f}'}", flush=True)
    bare, submit = statistics.median(cpu["bare"]), statistics.median(cpu["submit"])
    print(f"median CPU per request: bare {bare:.2f} ms, submit {submit:.2f} ms, "
          f"bare / submit {bare / submit:.2f}, submit - bare {submit - bare:.2f} ms")
    if pg["bare"] and pg["submit"]:
        pb, ps = statistics.median(pg["bare"]), statistics.median(pg["submit"])
        print(f"median PostgreSQL CPU per request: bare {pb:.2f} ms, submit {ps:.2f} ms; web + PostgreSQL: "
              f"bare {bare + pb:.2f}, submit {submit + ps:.2f}, bare / submit {(bare + pb) / (submit + ps):.2f}")
    if args.profile:
        prof = cProfile.Profile(time.process_time)  # CPU, not waits on PostgreSQL or Redis
        prof.enable()
        send(args.profile, chunks[-1])
        prof.disable()
        for key in ("tottime", "cumulative"):
            print(f"--- {args.profile} under cProfile, by {key}:")
            pstats.Stats(prof).sort_stats(key).print_stats(args.top)
    reset()


if __name__ == "__main__":
    main()
