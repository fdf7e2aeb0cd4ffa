"""Time the cohort pages (and export jobs) on the seeded benchmark database.

    python bench/analytics/measure.py [--runs 7] [--no-exports]

"Server time" is the time Django takes to answer a request in-process (middleware, views,
queries, templates; no network, no WSGI server), measured with the test client as the
school reviewer, after two warm-up requests; the median and the slowest of ``--runs``
are reported, with the number of SQL queries of one request. Results are printed as a
Markdown table and written to bench/analytics/results.json.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
assert os.environ.get("DATABASE_URL", "").endswith("/vigil_bench_analytics"), "source bench/analytics/env.sh first"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from cohorts import services  # noqa: E402
from cohorts.models import ExportJob  # noqa: E402
from schools.models import Cohort, Enrollment  # noqa: E402
from courses.models import Course  # noqa: E402


def timed(client: Client, url: str, runs: int) -> dict:
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
            "queries": len(queries), "bytes": len(response.content)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--only", default="", help="time only the pages whose name contains this text")
    args = parser.parse_args()
    assert not settings.DEBUG, "measure with DJANGO_DEBUG=false (bench/analytics/env.sh)"
    load_before = os.getloadavg()
    reviewer = User.objects.get(username="bench-reviewer")
    admin = User.objects.get(username="bench-admin")
    client = Client()
    client.force_login(reviewer)
    course = Course.objects.get(slug="bench-analytics")
    cohorts = {c.slug: c for c in Cohort.objects.all()}
    size = {slug: Enrollment.objects.filter(cohort=c, role="trainee").count() for slug, c in cohorts.items()}
    targets = ["class-a01", "all-of-a", "class-b"]
    rows = []
    for slug in targets:
        c = cohorts[slug]
        first = Enrollment.objects.filter(cohort=c, role="trainee").order_by("user_id").values_list("user_id", flat=True)[0]
        pages = [
            ("dashboard", f"/school/cohorts/{c.pk}/"),
            ("dashboard, filtered (module, struggling, by score)",
             f"/school/cohorts/{c.pk}/?module={course.pk}:m3&show=struggling&sort=score"),
            ("reliance analytics", f"/school/cohorts/{c.pk}/reliance/"),
            ("reliance analytics, page 3 by Brier", f"/school/cohorts/{c.pk}/reliance/?sort=brier&page=3"),
            ("trends (weekly, last year's cohort, before/after module 2)",
             f"/school/cohorts/{c.pk}/trends/?module={course.pk}:m2&compare={cohorts['class-a01-2025'].pk}"),
            ("trainee drill-down", f"/school/cohorts/{c.pk}/trainees/{first}/"),
            ("attestations", f"/school/cohorts/{c.pk}/attestations/"),
        ]
        for name, url in pages:
            if args.only not in name:
                continue
            result = timed(client, url, args.runs)
            rows.append({"cohort": c.name, "trainees": size[slug], "page": name, "url": url, **result})
            print(f"{c.name:>12} {size[slug]:>6} {name:<60} {result['median_ms']:>8} ms "
                  f"(max {result['max_ms']}) {result['queries']} queries", flush=True)
    exports = []
    if not args.no_exports:
        services.enqueue_on_commit = lambda task_name, job_id: None  # the job is run (and timed) right here
        for slug, kinds in (("all-of-a", [("progress", "csv"), ("grades", "csv"), ("measures", "xlsx"),
                                          ("research", "csv")]),
                            ("class-b", [("progress", "csv"), ("measures", "csv"), ("research", "xlsx")])):
            for kind, fmt in kinds:
                job = services.export_request(user=admin, cohort=cohorts[slug], kind=kind, fmt=fmt)
                t0 = time.perf_counter()
                job = services.export_run(job_id=job.pk)
                seconds = time.perf_counter() - t0
                assert job.status == ExportJob.Status.DONE, job.error
                exports.append({"cohort": cohorts[slug].name, "trainees": size[slug], "kind": kind, "format": fmt,
                                "rows": job.rows_written, "seconds": round(seconds, 2), "bytes": job.file.size})
                print(f"export {cohorts[slug].name:>10} {kind:>9}.{fmt:<4} {job.rows_written:>7} rows "
                      f"{seconds:6.2f} s {job.file.size} bytes", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    meta = {"python": platform.python_version(), "postgresql": pg, "cpus": os.cpu_count(),
            "machine": platform.machine(), "runs": args.runs,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()]}
    if args.only:
        return
    (ROOT / "bench" / "analytics" / "results.json").write_text(json.dumps(
        {"meta": meta, "pages": rows, "exports": exports}, indent=1))
    print("\n| cohort | trainees | page | median ms | max ms | queries |\n|---|---:|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['cohort']} | {r['trainees']:,} | {r['page']} | {r['median_ms']} | {r['max_ms']} | {r['queries']} |")
    if exports:
        print("\n| cohort | trainees | export | rows | seconds |\n|---|---:|---|---:|---:|")
        for e in exports:
            print(f"| {e['cohort']} | {e['trainees']:,} | {e['kind']} {e['format']} | {e['rows']:,} | {e['seconds']} |")


if __name__ == "__main__":
    main()
