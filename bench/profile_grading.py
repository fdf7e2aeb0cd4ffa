"""CPU and queries of the grading service per response, in-process: this checkout against
another one (the code before a change), in interleaved rounds of the same run.

    python bench/profile_grading.py [--rounds 6] [--per-round 300] [--baseline DIR]
    python bench/profile_grading.py --cprofile [--per-round 300]     # where this checkout's time goes

``--baseline DIR`` is a copy of the code to compare with, e.g. the commit before a change:
``git archive COMMIT | tar -x -C DIR`` (the same database schema). Each round grades the
same ``per-round`` responses (a slice of the request list, so every item type in its
proportion) once with each checkout, in a child process of its own, in the order A B, then
B A the next round; between the two the grades are deleted and the responses set back to
``submitted``, so both grade the same answers as first grades. A child warms up on 20
other responses (imports, connection, caches) before it measures.

Measured per ``response_grade``: the process's CPU (``time.process_time``: the worker's
part, not PostgreSQL's), the wall time, and the statements sent (``connection.execute_wrapper``;
the transaction's BEGIN and COMMIT are not statements of the ORM and are not counted).
Uses the bench database (source bench/env.sh; run bench/setup_db.sh first); resets the
data before and after.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
WARM = 20


def _setup(code: Path) -> None:
    # Not bench/ itself: bench/markdown.py would shadow the markdown package.
    sys.path[:] = [str(code)] + [p for p in sys.path
                                 if Path(p or ".").resolve() not in (HERE / "bench", code / "bench", HERE)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
    assert os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].startswith("vigil_bench"), "source bench/env.sh first"
    import django

    django.setup()


def _pairs(start: int, n: int) -> list[tuple[int, int, dict]]:
    out = []
    with (HERE / "bench" / "results" / "requests.tsv").open() as f:  # this checkout's list (bench/data.py)
        for i, line in enumerate(f):
            if i >= start + n:
                break
            if i >= start:
                path, _token, body = line.rstrip("\n").split("\t")
                parts = path.strip("/").split("/")  # api v1 attempts A items I response
                out.append((int(parts[3]), int(parts[5]), json.loads(body)["answer"]))
    return out


def _submitted(pairs) -> list[int]:
    """The responses of ``pairs`` as just submitted (no grade), as the submit leaves them."""
    from django.db import transaction
    from django.utils import timezone

    from quizzes.models import Grade, Response

    now = timezone.now()
    with transaction.atomic():
        ids = []
        for attempt_id, item_id, answer in pairs:
            response, _ = Response.objects.update_or_create(
                attempt_id=attempt_id, item_id=item_id,
                defaults={"state": Response.State.SUBMITTED, "answer": answer, "submitted_at": now,
                          "grading_tries": 0})
            ids.append(response.pk)
        Grade.objects.filter(response_id__in=ids).delete()
    return ids


def _sums() -> dict:
    """Every running sum a grade moves (counters, progress, trend rows)."""
    from progress.models import AnswerDay, MeasureCounter, ModuleProgress

    sums = {("c", t, c, n): v for t, c, n, v in MeasureCounter.objects.values_list("trainee_id", "course_id", "name", "value")}
    for t, c, m, graded, score in ModuleProgress.objects.values_list("trainee_id", "course_id", "module_slug",
                                                                     "items_graded", "score_sum"):
        sums[("p", t, c, m, "n")], sums[("p", t, c, m, "s")] = graded, score
    for row in AnswerDay.objects.values():
        key = ("d", row.pop("trainee_id"), row.pop("course_id"), row.pop("module_slug"), str(row.pop("day")))
        row.pop("id", None)
        sums.update({(*key, k): v for k, v in row.items()})
    return sums


def _digest(ids, sums_before) -> str:
    """What the grades wrote, without ids and clocks: equal digests, equal behaviour."""
    import hashlib

    from quizzes.models import Response

    rows = sorted(Response.objects.filter(pk__in=ids).values_list(
        "attempt_id", "item_id", "state", "grading_tries", "grade__score", "grade__cbm_mark", "grade__feedback",
        "grade__detail", "grade__contribution", "grade__is_final", "grade__grader_version",
        "grade__suggestion_confidence", "grade__graded_by", "grade__comment"), key=repr)
    after = _sums()
    moved = sorted((repr(k), round(v - sums_before.get(k, 0), 9)) for k, v in after.items()
                   if round(v - sums_before.get(k, 0), 9))
    return hashlib.sha256(repr((rows, moved)).encode()).hexdigest()[:16]


def child(code: Path, start: int, n: int, profile: bool) -> dict:
    _setup(code)
    from django.db import connection

    from quizzes import services

    warm = _submitted(_pairs(start, WARM))
    ids = _submitted(_pairs(start + WARM, n))
    sums_before = _sums()
    for rid in warm:
        services.response_grade(response_id=rid)
    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    prof = None
    if profile:
        import cProfile
        prof = cProfile.Profile(time.process_time)  # CPU, not waiting for PostgreSQL
    cpu, wall, queries = [], [], []
    with connection.execute_wrapper(count):
        for rid in ids:
            counted[0] = 0
            c0, w0 = time.process_time(), time.perf_counter()
            if prof:
                prof.enable()
            services.response_grade(response_id=rid)
            if prof:
                prof.disable()
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
            queries.append(counted[0])
    if prof:
        import pstats
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    from quizzes.models import Response
    assert not Response.objects.filter(pk__in=ids, state=Response.State.SUBMITTED).exists(), "not all graded"
    return {"digest": _digest(ids, sums_before),
            "cpu_ms": 1000 * sum(cpu) / n, "cpu_ms_median": 1000 * statistics.median(cpu),
            "wall_ms": 1000 * sum(wall) / n, "queries": sum(queries) / n,
            "queries_min": min(queries), "queries_max": max(queries)}


def _run_child(code: Path, start: int, n: int, profile: bool = False) -> dict:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(code), "--start", str(start), "--per-round", str(n)]
        + (["--cprofile"] if profile else []),
        check=True, text=True, stdout=subprocess.PIPE, cwd=code)  # Celery's Django fixup puts the cwd first on sys.path
    return json.loads(out.stdout.strip().splitlines()[-1])


def _reset() -> None:
    subprocess.run([sys.executable, str(HERE / "bench" / "data.py"), "reset"], check=True, cwd=HERE)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--per-round", type=int, default=300)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--child", type=Path)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.start, args.per_round, args.cprofile)))
        return
    _reset()
    try:
        if args.cprofile:
            print(_run_child(HERE, 0, args.per_round, profile=True))
            return
        sides = [("this", HERE)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
        results = {name: [] for name, _ in sides}
        for r in range(args.rounds):
            start = r * (args.per_round + WARM)
            for name, code in (sides if r % 2 == 0 else sides[::-1]):
                res = _run_child(code, start, args.per_round)
                results[name].append(res)
                print(f"round {r + 1} {name:8s} cpu {res['cpu_ms']:6.3f} ms/grade (median {res['cpu_ms_median']:.3f})"
                      f"  wall {res['wall_ms']:6.3f} ms  statements {res['queries']:.2f}"
                      f" ({res['queries_min']}-{res['queries_max']})", flush=True)
        print(f"--- {args.rounds} rounds x {args.per_round} responses; load average {os.getloadavg()}")
        for name, rs in results.items():
            print(f"{name:8s} cpu ms/grade median of rounds {statistics.median(r['cpu_ms'] for r in rs):.3f}"
                  f"  wall {statistics.median(r['wall_ms'] for r in rs):.3f}"
                  f"  statements {statistics.median(r['queries'] for r in rs):.2f}")
        if args.baseline:
            same = all(a["digest"] == b["digest"] for a, b in zip(results["this"], results["baseline"]))
            print(f"grades and running sums written: {'the same' if same else 'DIFFERENT'} in every round"
                  f" (digests {[r['digest'] for r in results['this']]})")
            ratios = [a["cpu_ms"] / b["cpu_ms"] for a, b in zip(results["this"], results["baseline"])]
            print(f"this / baseline CPU per round: {', '.join(f'{x:.3f}' for x in ratios)};"
                  f" median {statistics.median(ratios):.3f}")
    finally:
        _reset()


if __name__ == "__main__":
    main()
