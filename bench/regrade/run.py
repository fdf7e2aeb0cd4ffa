"""Benchmark of a regrade dry run (and of the run itself) over N graded responses.

    bench/regrade/run.sh                      # 10,000 responses, 5 dry runs, 1 real run
    RESPONSES=50000 bench/regrade/run.sh

The database (vigil_regrade_bench, PostgreSQL) is made from scratch: N trainees each
answered one ``error_spans`` item (the most expensive grader: span matching, sentence
counts) of a published course, and every answer was graded with the original key (grades,
progress and counters as the grading task leaves them). Then the key is fixed (one span
moved), and the script times:

1. ``quizzes.regrade.regrade_job_dry_run``: stream the responses with their grades in one
   query, grade each again in memory with the new key, count what would change — the
   figure the issue asks for, repeated (new job each time) and reported as median/min/max;
2. the real run (``regrade_job_step`` in 200-response batches, each one transaction with
   row locks, ``_store_grade`` upserts and aggregate updates), once.

Results are printed as JSON and written to bench/regrade/results.json.
"""
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from progress.contributions import grade_contribution  # noqa: E402
from progress.models import MeasureCounter, ModuleProgress  # noqa: E402
from schools.models import Assignment, Cohort, Enrollment, School  # noqa: E402
from courses.models import Artifact, Case, Course, CourseVersion, Item, ItemKey, Module  # noqa: E402
from quizzes import regrade  # noqa: E402
from quizzes.graders import grader_for  # noqa: E402
from quizzes.models import Attempt, Grade, RegradeJob, Response  # noqa: E402

TEXT = (
    "Mrs Durand, 72, was admitted on 3 March with community-acquired pneumonia of the right lower lobe. "
    "She has a documented penicillin allergy (rash, 2019), confirmed by her general practitioner. "
    "Her CURB-65 score was 2 on admission; she received intravenous co-amoxiclav for three days. "
    "Blood cultures grew Streptococcus pneumoniae, sensitive to amoxicillin. "
    "She improved, and oxygen was stopped on day four. "
    "Plan: start amoxicillin 1 g three times daily for 5 days, then review by the general practitioner. "
    "Follow-up chest radiograph in six weeks to confirm resolution."
)
SPANS = [
    ("a documented penicillin allergy", "HAL", "major"),
    ("intravenous co-amoxiclav", "CLIN", "minor"),
    ("start amoxicillin 1 g three times daily", "CLIN", "major"),
]
LABELS = ["HAL", "CLIN", "OMI", "OLD"]


def key_spans(shift: int = 0) -> dict:
    spans = []
    for i, (needle, mode, severity) in enumerate(SPANS):
        start = TEXT.index(needle) + (shift if i == 0 else 0)
        spans.append({"start": start, "end": start + len(needle), "failure_mode": mode, "severity": severity})
    return {"spans": spans}


def trainee_answer(rng: random.Random) -> dict:
    """1-4 selections: most near a key span (imprecise edges), some false alarms."""
    marks = []
    for needle, mode, _severity in SPANS:
        if rng.random() < 0.7:
            start = TEXT.index(needle) + rng.randint(-6, 6)
            end = start + len(needle) + rng.randint(-8, 8)
            marks.append({"start": max(0, start), "end": min(len(TEXT), end), "label": rng.choice([mode] * 3 + LABELS)})
    if rng.random() < 0.4:
        start = rng.randint(0, len(TEXT) - 40)
        marks.append({"start": start, "end": start + rng.randint(10, 40), "label": rng.choice(LABELS)})
    return {"spans": marks}


def prepare(n: int) -> Item:
    rng = random.Random(20260401)
    school = School.objects.create(name="Bench school", slug="bench")
    cohort = Cohort.objects.create(school=school, name="Bench cohort", slug="bench")
    course = Course.objects.create(slug="bench-regrade", school=school)
    version = CourseVersion.objects.create(course=course, number=1, status="published", language="en",
                                           title="Bench", published_at=timezone.now())
    module = Module.objects.create(version=version, slug="m", position=0, title="M")
    case = Case.objects.create(module=module, slug="c", position=0, title="C", vignette="V")
    artifact = Artifact.objects.create(case=case, slug="letter", position=0, kind="text", title="Letter",
                                       content={"text": TEXT}, ai_correct=False)
    artifact.failure_modes.set(["HAL", "CLIN"])
    item = Item.objects.create(case=case, slug="spans", position=0, type="error_spans", artifact=artifact,
                               prompt="Find the errors.", spec={"labels_required": True})
    item.competencies.set(["VER"])
    ItemKey.objects.create(item=item, answer=key_spans())
    Assignment.objects.create(cohort=cohort, course=course)
    password = make_password("bench-password")
    users = User.objects.bulk_create([User(username=f"bench{i:06d}", password=password) for i in range(n)],
                                     batch_size=2000)
    Enrollment.objects.bulk_create([Enrollment(cohort=cohort, user=u) for u in users], batch_size=2000)
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        [Attempt(trainee=u, module=module, course=course, module_slug="m") for u in users], batch_size=2000,
    )
    answers = [trainee_answer(rng) for _ in users]
    responses = Response.objects.bulk_create([
        Response(attempt=a, item=item, state="graded", answer=answer, submitted_at=now, grading_tries=1)
        for a, answer in zip(attempts, answers)
    ], batch_size=2000)
    grader = grader_for("error_spans")
    artifact_view = {"kind": "text", "content": {"text": TEXT}, "ground_truth": {"correct": False, "failure_modes": ["CLIN", "HAL"]}}
    grades, progress, counters = [], [], []
    for response, attempt, answer in zip(responses, attempts, answers):
        result = grader.grade(item.spec, key_spans(), answer, artifact_view)
        contribution = grade_contribution(item_type="error_spans", competencies=["VER"], ai_correct=False,
                                          score=result.score, cbm_mark=None, detail=result.detail)
        grades.append(Grade(response=response, score=result.score, feedback=result.feedback, detail=result.detail,
                            grader_version=grader.VERSION, is_final=True, contribution=contribution, graded_at=now))
        progress.append(ModuleProgress(trainee_id=attempt.trainee_id, course=course, module_slug="m", items_total=1,
                                       items_graded=1, score_sum=result.score, started_at=now, last_activity_at=now,
                                       completed_at=now))
        counters.extend(MeasureCounter(trainee_id=attempt.trainee_id, course=course, name=name, value=value)
                        for name, value in contribution.items() if value)
    Grade.objects.bulk_create(grades, batch_size=2000)
    ModuleProgress.objects.bulk_create(progress, batch_size=2000)
    MeasureCounter.objects.bulk_create(counters, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return item


def main() -> None:
    n = int(os.environ.get("RESPONSES", "10000"))
    repeats = int(os.environ.get("DRY_RUNS", "5"))
    started = time.perf_counter()
    item = prepare(n)
    prepared = time.perf_counter() - started
    author = User.objects.create(username="bench-author")
    fix = regrade.item_key_fix(item=item, new_answer=key_spans(shift=2), reason="The first span starts at 'documented'.",
                               user=author)
    timings, figures = [], None
    for _ in range(repeats):
        job = regrade.regrade_job_create(item=item, user=author, reason="bench", key_fix=fix)
        t0 = time.perf_counter()
        job = regrade.regrade_job_dry_run(job_id=job.pk)
        timings.append(time.perf_counter() - t0)
        figures = job.dry_run
    regrade.regrade_job_start(job=job, user=author)
    t0 = time.perf_counter()
    while not regrade.regrade_job_step(job_id=job.pk, budget_seconds=20):
        pass
    run_seconds = time.perf_counter() - t0
    job = RegradeJob.objects.get(pk=job.pk)
    result = {
        "responses": n,
        "database": connection.vendor + " " + ".".join(str(v) for v in divmod(connection.pg_version, 10000))
        if connection.vendor == "postgresql" else connection.vendor,
        "prepare_seconds": round(prepared, 1),
        "dry_run_seconds": {"median": round(statistics.median(timings), 3), "min": round(min(timings), 3),
                            "max": round(max(timings), 3), "runs": [round(t, 3) for t in timings]},
        "dry_run_per_1000_responses_ms": round(1000 * statistics.median(timings) / n * 1000, 1),
        "dry_run_figures": {k: v for k, v in figures.items() if k != "samples"},
        "run_seconds": round(run_seconds, 2),
        "run_processed": job.processed,
        "run_changed": job.changed,
        "python": sys.version.split()[0],
        "cpu": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    (Path(__file__).parent / "results.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
