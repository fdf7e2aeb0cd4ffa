"""Measurements of submit-to-graded from the database (Response.submitted_at to
Grade.graded_at), for bench/run_e2e.sh.

    python bench/e2e.py sessions                      # pg_stat_database.sessions of the bench db
    python bench/e2e.py measure N OUT.json SESSIONS0  # wait (bounded) until N responses are done, write figures
    python bench/e2e.py idle N OUT.json               # N sequential submits, one at a time, on an idle system
    python bench/e2e.py trivial N OUT.json SESSIONS0  # the control: the worker writes one row per response
"""
import http.client
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg

DSN = os.environ["DATABASE_URL"]
assert DSN.rsplit("/", 1)[-1].startswith("vigil_bench"), "source bench/env.sh first"
REQUESTS = Path(__file__).resolve().parent / "results" / "requests.tsv"
PORT = int(os.environ.get("BENCH_PORT", "8077"))


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))]


def sessions(conn) -> int:
    return conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()").fetchone()[0]


def backends(conn) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchone()[0]


def figures(conn, n_expected: int) -> dict:
    rows = conn.execute(
        """SELECT r.submitted_at, g.graded_at, i.type, r.state, r.grading_tries
           FROM quizzes_response r JOIN courses_item i ON i.id = r.item_id
           LEFT JOIN quizzes_grade g ON g.response_id = r.id
           WHERE r.state <> 'unaided'"""
    ).fetchall()
    graded = [r for r in rows if r[1] is not None]
    lat = [(g - s) / timedelta(milliseconds=1) for s, g, *_ in graded]
    first_submit = min(r[0] for r in rows)
    last_submit = max(r[0] for r in rows)
    last_grade = max(r[1] for r in graded)
    span = (last_grade - first_submit).total_seconds()
    by_type: dict[str, int] = {}
    for r in rows:
        by_type[r[2]] = by_type.get(r[2], 0) + 1
    return {
        "responses": len(rows), "expected": n_expected, "graded": len(graded),
        "failed": sum(r[3] == "failed" for r in rows), "retried": sum(r[4] > 1 for r in rows),
        "submit_span_s": round((last_submit - first_submit).total_seconds(), 3),
        "end_to_end_s": round(span, 3),
        "submit_rate_per_s": round(len(rows) / max((last_submit - first_submit).total_seconds(), 1e-9), 1),
        "graded_per_s": round(len(graded) / span, 1),
        "latency_p50_ms": round(pct(lat, 50), 1), "latency_p90_ms": round(pct(lat, 90), 1),
        "latency_p99_ms": round(pct(lat, 99), 1), "latency_max_ms": round(max(lat), 1),
        "latency_mean_ms": round(statistics.fmean(lat), 1),
        "by_type": by_type,
    }


def measure(n: int, out: str, sessions0: int, timeout: float = 180) -> None:
    with psycopg.connect(DSN, autocommit=True) as conn:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, total = conn.execute(
                "SELECT count(*) FILTER (WHERE state NOT IN ('submitted', 'unaided')), "
                "count(*) FILTER (WHERE state <> 'unaided') FROM quizzes_response"
            ).fetchone()
            if done >= total:  # the burst has ended before this starts: total is final
                break
            time.sleep(0.2)
        result = figures(conn, n)
        # New server sessions during the run (web + worker + this poller's 1): with connection
        # reuse working this stays near 1, without it grows by one per task.
        result["new_db_sessions"] = sessions(conn) - sessions0
        result["db_backends_at_end"] = backends(conn)
        result["timed_out"] = time.monotonic() >= deadline
    Path(out).write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "by_type"}))


def trivial(n: int, out: str, sessions0: int, timeout: float = 180) -> None:
    """The trivial-task control (bench/bareapp/trivial_worker.py): first submit to last row."""
    with psycopg.connect(DSN, autocommit=True) as conn:
        deadline = time.monotonic() + timeout
        count = "SELECT (SELECT count(*) FROM bench_bareapp_benchrow), " \
                "(SELECT count(*) FROM quizzes_response WHERE state <> 'unaided')"
        while time.monotonic() < deadline:
            done, total = conn.execute(count).fetchone()
            if done >= total:
                break
            time.sleep(0.2)
        done, total = conn.execute(count).fetchone()
        first_submit, last_submit = conn.execute(
            "SELECT min(submitted_at), max(submitted_at) FROM quizzes_response WHERE state <> 'unaided'").fetchone()
        last_row = conn.execute("SELECT max(created_at) FROM bench_bareapp_benchrow").fetchone()[0]
        lat = [r[0] for r in conn.execute(
            "SELECT extract(epoch FROM b.created_at - r.submitted_at) * 1000 FROM bench_bareapp_benchrow b "
            "JOIN quizzes_response r ON r.id = (b.payload->>'response')::bigint").fetchall()]
        span = (last_row - first_submit).total_seconds()
        result = {
            "responses": total, "expected": n, "rows_written": done,
            "submit_span_s": round((last_submit - first_submit).total_seconds(), 3),
            "end_to_end_s": round(span, 3),
            "submit_rate_per_s": round(total / max((last_submit - first_submit).total_seconds(), 1e-9), 1),
            "done_per_s": round(done / span, 1),
            "latency_p50_ms": round(float(pct(lat, 50)), 1), "latency_p99_ms": round(float(pct(lat, 99)), 1),
            "new_db_sessions": sessions(conn) - sessions0,
            "timed_out": time.monotonic() >= deadline,
        }
    Path(out).write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


def idle(n: int, out: str, start_line: int = 2000) -> None:
    """One submit at a time; the next only after the previous is graded and a short pause."""
    with REQUESTS.open() as f:
        lines = [line.rstrip("\n").split("\t") for _, line in zip(range(start_line + n), f)][start_line:]
    client_ms = []
    web = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    with psycopg.connect(DSN, autocommit=True) as conn:
        s0 = sessions(conn)
        for path, token, body in lines:
            t0 = time.perf_counter()
            web.request("POST", path, body, {"Content-Type": "application/json", "Authorization": f"Token {token}"})
            reply = web.getresponse()
            data = reply.read()
            assert reply.status == 201, (reply.status, data[:300])
            rid = json.loads(data)["id"]
            deadline = time.monotonic() + 10
            while conn.execute("SELECT 1 FROM quizzes_grade WHERE response_id = %s", [rid]).fetchone() is None:
                if time.monotonic() > deadline:
                    raise SystemExit(f"response {rid} not graded within 10 s")
                time.sleep(0.001)
            client_ms.append(1000 * (time.perf_counter() - t0))
            time.sleep(0.05)
        result = figures(conn, n)
        result["client_observed_p50_ms"] = round(pct(client_ms, 50), 1)
        result["client_observed_p99_ms"] = round(pct(client_ms, 99), 1)
        result["new_db_sessions"] = sessions(conn) - s0
    for k in ("submit_span_s", "end_to_end_s", "submit_rate_per_s", "graded_per_s"):
        result.pop(k)
    Path(out).write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "by_type"}))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "sessions":
        with psycopg.connect(DSN, autocommit=True) as c:
            print(sessions(c))
    elif cmd == "measure":
        measure(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    elif cmd == "trivial":
        trivial(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    elif cmd == "idle":
        idle(int(sys.argv[2]), sys.argv[3])
