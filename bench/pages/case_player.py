"""Server time, queries and weight of the trainee's case player on the demo content.

Run with bench/pages/run.sh: a fresh database, the demo seeded (grading in-process), then
every demo case page fetched by a signed-in trainee through Django's test client, many
times, timing each request on the wall clock. Prints a JSON summary.
"""
import json
import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from courses.models import Case  # noqa: E402
from quizzes import services  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "20"))


def main() -> None:
    trainee = User.objects.get(username="trainee10")  # has not started: every case is unanswered
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(trainee)
    cases = list(Case.objects.filter(module__version__course__slug="ai-literacy-clinicians").select_related("module"))
    for module in {c.module for c in cases}:
        services.attempt_start(trainee=trainee, module=module)
    times, queries, weights = [], [], []
    for case in cases:  # warm-up: templates, connection, Markdown cache
        client.get(f"/learn/cases/{case.pk}/")
    for _ in range(ROUNDS):
        for case in cases:
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(f"/learn/cases/{case.pk}/")
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            queries.append(len(captured))
    for case in cases:
        html = client.get(f"/learn/cases/{case.pk}/").content
        static = 0
        for url in set(__import__("re").findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)):
            with open(finders.find(url.decode()), "rb") as f:
                static += len(f.read())
        weights.append(len(html) + static)
    q = statistics.quantiles(times, n=100)
    print(json.dumps({
        "cases": len(cases), "requests": len(times),
        "server_ms": {"p50": round(statistics.median(times), 1), "p90": round(q[89], 1), "p99": round(q[98], 1)},
        "queries": {"max": max(queries), "median": statistics.median(queries)},
        "page_kb_html_css_js": {"max": round(max(weights) / 1024, 1), "median": round(statistics.median(weights) / 1024, 1)},
    }, indent=1))


if __name__ == "__main__":
    main()
