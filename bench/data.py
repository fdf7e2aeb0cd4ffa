"""Benchmark data: prepare (content, trainees, tokens, open attempts, the request list)
and reset (empty responses, grades, counters between runs).

    python bench/data.py prepare [--trainees 500] [--items-per-type 10]
    python bench/data.py reset

Run with bench/env.sh sourced (database vigil_bench, Redis db 14). The request list
(bench/results/requests.tsv: path, token, JSON body per line) covers every (attempt,
item) pair once, shuffled with a fixed seed so consecutive requests mix item types and
trainees.
"""
import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not bench/ itself: bench/markdown.py would shadow the markdown package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
assert os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].startswith("vigil_bench"), "source bench/env.sh first"

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import User  # noqa: E402
from progress.models import MeasureCounter, ModuleProgress  # noqa: E402
from schools.models import Assignment, Cohort, Enrollment, School  # noqa: E402
from courses.models import Artifact, Case, Course, CourseVersion, Item, ItemKey, Module  # noqa: E402
from quizzes.graders import grader_for  # noqa: E402
from quizzes.models import Attempt, Grade, Response  # noqa: E402
from quizzes.services import artifact_payload  # noqa: E402

RESULTS = ROOT / "bench" / "results"
REQUESTS = RESULTS / "requests.tsv"
META = RESULTS / "meta.json"
SEED = 20260101

NOTE = (
    "Discharge summary. Patient has no known drug allergies. Started amoxicillin 500 mg "
    "three times daily for five days. Blood cultures grew Streptococcus pneumoniae. "
    "Follow-up with the GP in one week. Continue ramipril and atorvastatin."
)
# Key spans (character offsets in NOTE) and their failure modes.
NOTE_SPANS = [
    (NOTE.index("Blood cultures"), NOTE.index("pneumoniae.") + len("pneumoniae."), "HAL"),
    (NOTE.index("Continue ramipril"), len(NOTE), "OMI"),
]
TYPES = ["single_choice", "multiple_choice", "numeric", "reliance_decision", "error_spans", "script_concordance"]


def item_definition(kind: str, n: int) -> dict:
    """spec, key, artifact kind (None, 'text' or 'prediction'), decide_first."""
    if kind == "single_choice":
        return {"spec": {"options": [{"id": c, "text": c.upper()} for c in "abcd"], "certainty": True},
                "key": {"answer": "b"}, "artifact": None}
    if kind == "multiple_choice":
        return {"spec": {"options": [{"id": c, "text": c.upper()} for c in "abcde"]},
                "key": {"correct": ["a", "c"]}, "artifact": None}
    if kind == "numeric":
        return {"spec": {"unit": "%"}, "key": {"value": 9.2, "tolerance_abs": 0.5}, "artifact": None}
    if kind == "reliance_decision":
        return {"spec": {"question": "Start antibiotics now?",
                         "options": [{"id": "start", "text": "Start"}, {"id": "wait", "text": "Wait"}],
                         "ai_answer": "start", "ask_confidence": True, "decide_first": n % 2 == 0},
                "key": {"answer": "wait"}, "artifact": "prediction"}
    if kind == "error_spans":
        return {"spec": {"labels_required": True},
                "key": {"spans": [{"start": s, "end": e, "failure_mode": fm, "severity": "major"}
                                  for s, e, fm in NOTE_SPANS]},
                "artifact": "text"}
    if kind == "script_concordance":
        return {"spec": {"hypothesis": "Sepsis", "new_information": "The AI flags high risk"},
                "key": {"panel": {"-2": 0, "-1": 1, "0": 3, "1": 8, "2": 3}}, "artifact": "prediction"}
    raise ValueError(kind)


def answer_for(item: Item, rng: random.Random) -> dict:
    kind = item.type
    if kind == "single_choice":
        return {"answer": rng.choice("abcd"), "certainty": rng.randint(1, 3)}
    if kind == "multiple_choice":
        return {"answers": sorted(rng.sample("abcde", rng.randint(1, 3)))}
    if kind == "numeric":
        return {"value": round(rng.uniform(8, 10.5), 2)}
    if kind == "reliance_decision":
        if rng.random() < 0.5:
            return {"decision": "accept", "confidence": rng.randint(0, 100)}
        return {"decision": "override", "answer": "wait", "confidence": rng.randint(0, 100)}
    if kind == "error_spans":
        spans = []
        for s, e, fm in NOTE_SPANS:
            if rng.random() < 0.7:
                spans.append({"start": s, "end": e, "label": fm if rng.random() < 0.7 else "CLIN"})
        if rng.random() < 0.3:
            spans.append({"start": 0, "end": 17, "label": "HAL"})
        return {"spans": sorted(spans, key=lambda x: x["start"])}
    if kind == "script_concordance":
        return {"value": rng.randint(-2, 2)}
    raise ValueError(kind)


@transaction.atomic
def prepare(trainees: int, items_per_type: int) -> None:
    rng = random.Random(SEED)
    now = timezone.now()
    school = School.objects.create(name="Bench school", slug="bench-school")
    cohort = Cohort.objects.create(school=school, name="Bench cohort", slug="bench-cohort", year=2026)
    course = Course.objects.create(slug="bench-course", school=school)
    version = CourseVersion.objects.create(course=course, number=1, status=CourseVersion.Status.PUBLISHED,
                                           language="en", title="Bench course", published_at=now)
    module = Module.objects.create(version=version, slug="bench-module", position=1, title="Bench module")
    Assignment.objects.create(cohort=cohort, course=course)

    items = []
    for n in range(items_per_type):
        case = Case.objects.create(module=module, slug=f"case-{n}", position=n, title=f"Case {n}",
                                   vignette="A 58-year-old man (synthetic).")
        text = Artifact.objects.create(case=case, slug="note", position=0, kind="text", title="AI note",
                                       content={"text": NOTE}, ai_correct=False)
        text.failure_modes.set(["HAL", "OMI"])
        pred = Artifact.objects.create(case=case, slug="score", position=1, kind="prediction", title="AI score",
                                       content={"model": "M", "target": "sepsis", "output": "High",
                                                "probability": 0.81}, ai_correct=False)
        pred.failure_modes.set(["CAL"])
        for position, kind in enumerate(TYPES):
            d = item_definition(kind, n)
            artifact = {"text": text, "prediction": pred, None: None}[d["artifact"]]
            item = Item.objects.create(case=case, slug=f"{kind}-{n}", position=position, type=kind,
                                       artifact=artifact, prompt=f"{kind} {n}?", spec=d["spec"])
            ItemKey.objects.create(item=item, answer=d["key"], rationale="Because.")
            item.competencies.set(["VER", "OVS"] if kind == "reliance_decision" else ["VER"])
            errors = grader_for(kind).validate_key(d["spec"], d["key"], artifact_payload(item))
            assert not errors, (kind, errors)
            items.append(item)

    users = User.objects.bulk_create([User(username=f"bench{i:05d}", password="!") for i in range(trainees)])
    Enrollment.objects.bulk_create([Enrollment(cohort=cohort, user=u) for u in users])
    tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
    attempts = Attempt.objects.bulk_create([
        Attempt(trainee=u, module=module, course=course, module_slug=module.slug) for u in users
    ])
    ModuleProgress.objects.bulk_create([
        ModuleProgress(trainee=u, course=course, module_slug=module.slug, items_total=len(items),
                       started_at=now, last_activity_at=now) for u in users
    ])

    lines = []
    for attempt, token in zip(attempts, tokens):
        for item in items:
            answer = answer_for(item, rng)
            errors = grader_for(item.type).validate_answer(item.spec, answer, artifact_payload(item))
            assert not errors, (item.type, answer, errors)
            body = json.dumps({"answer": answer}, separators=(",", ":"))
            lines.append((f"/api/v1/attempts/{attempt.pk}/items/{item.pk}/response/", token.key, body, item.type))
    rng.shuffle(lines)
    RESULTS.mkdir(exist_ok=True)
    with REQUESTS.open("w") as f:
        for path, token, body, _kind in lines:
            f.write(f"{path}\t{token}\t{body}\n")
    META.write_text(json.dumps({
        "trainees": trainees, "items": len(items), "pairs": len(lines),
        "types": {k: sum(1 for line in lines if line[3] == k) for k in TYPES},
    }, indent=1))
    print(f"prepared {trainees} trainees x {len(items)} items = {len(lines)} (attempt, item) pairs -> {REQUESTS}")


def reset() -> None:
    """Empty what a run writes; give decide-first items their unaided answers back."""
    tables = [Grade._meta.db_table, Response._meta.db_table, MeasureCounter._meta.db_table]
    if "bench.bareapp" in settings.INSTALLED_APPS:
        from bench.bareapp.models import BenchRow
        tables.append(BenchRow._meta.db_table)
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        ModuleProgress.objects.update(items_graded=0, score_sum=0.0, completed_at=None)
        decide_first = [i for i in Item.objects.filter(type="reliance_decision") if i.decide_first]
        Response.objects.bulk_create([
            Response(attempt=a, item=i, state=Response.State.UNAIDED, initial_answer={"answer": "start"},
                     initial_at=now)
            for a in Attempt.objects.all() for i in decide_first
        ], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    # Drop queued grading messages left by a run (the bench Redis db only). Not FLUSHDB: the
    # queue bindings that running web processes declared once must stay.
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery", "unacked", "unacked_index")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["prepare", "reset"])
    parser.add_argument("--trainees", type=int, default=500)
    parser.add_argument("--items-per-type", type=int, default=10)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.trainees, args.items_per_type)
    reset()
