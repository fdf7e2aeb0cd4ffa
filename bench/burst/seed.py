"""Exam-start burst data (bench/burst/run.sh): N trainees with passwords, enrolled in the
bench cohort (bench/data.py prepare made it, with its 60-item module), and no attempt yet.

    python bench/burst/seed.py prepare N   # (re)create the burst trainees: examday00000…
    python bench/burst/seed.py reset       # drop what a burst wrote (attempts, answers, sessions)

Every trainee has the same password, hashed once with the site's hasher (each sign-in still
checks it at the full cost); the ids the client needs go to bench/results/burst/meta.json.
"""
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
assert os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].startswith("vigil_bench"), "source bench/env.sh first"

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from courses.models import Module  # noqa: E402
from progress.models import ModuleProgress  # noqa: E402
from quizzes.models import Attempt  # noqa: E402
from schools.models import Cohort, Enrollment  # noqa: E402

PREFIX = "examday"
PASSWORD = "burst-only-Password-7f3c"  # noqa: S105 (a bench account on a bench database)
META = ROOT / "bench" / "results" / "burst" / "meta.json"


def burst_users():
    return User.objects.filter(username__startswith=PREFIX)


@transaction.atomic
def reset() -> None:
    users = burst_users()
    Attempt.objects.filter(trainee__in=users).delete()  # their responses and grades go with them
    ModuleProgress.objects.filter(trainee__in=users).delete()
    Session.objects.all().delete()


@transaction.atomic
def prepare(n: int) -> None:
    burst_users().delete()
    cohort = Cohort.objects.get(slug="bench-cohort")
    module = Module.objects.get(slug="bench-module")
    case = module.cases.order_by("position").first()
    items = list(case.items.order_by("position").values_list("id", "type")[:3])
    assert [t for _, t in items] == ["single_choice", "multiple_choice", "numeric"], items
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create([User(username=f"{PREFIX}{i:05d}", password=hashed) for i in range(n)])
    Enrollment.objects.bulk_create([Enrollment(cohort=cohort, user=u) for u in users])
    META.parent.mkdir(parents=True, exist_ok=True)
    META.write_text(json.dumps({
        "users": [u.username for u in users], "password": PASSWORD, "module": module.pk, "case": case.pk,
        "items": [i for i, _ in items],
    }))
    print(f"prepared {n} burst trainees; module {module.pk}, case {case.pk}, items {[i for i, _ in items]}")


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(int(sys.argv[2]))
    reset()
