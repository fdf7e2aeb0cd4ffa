"""Seed the analytics benchmark database (vigil_bench_analytics) with graded trainees.

    python bench/analytics/seed.py            # both data sets (see below)
    python bench/analytics/seed.py --small    # 10 cohorts × 20 trainees, a smoke run

One course (5 modules × 8 items = 40 items: per module 3 reliance decisions, 2 error-finding
texts, 3 single-choice questions), one school, and:
- data set A: 10 cohorts ("Class A01" … "Class A10") × 200 trainees, and a year-group
  cohort "All of A" enrolling the same 2,000 trainees (a 2,000-trainee dashboard);
- data set B: one cohort "Class B" of 10,000 trainees.
Every trainee has 40 graded items: attempts, responses and grades (with their counter
contributions, graded over 12 weeks) plus the per-trainee aggregates (ModuleProgress,
MeasureCounter and the trend rows) that the grading task would have written, all inserted with
bulk_create in chunks. Simulated trainees differ in skill, reliance on the AI and
calibration, so every measure has a spread.
"""
import argparse
import os
import random
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
assert os.environ.get("DATABASE_URL", "").endswith("/vigil_bench_analytics"), "source bench/analytics/env.sh first"

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from progress.aggregates import trend_rows_rebuild  # noqa: E402
from quizzes.selectors import final_grade_contributions  # noqa: E402
from progress.contributions import grade_contribution  # noqa: E402
from progress.models import AnswerAfterModule, AnswerDay, MeasureCounter, ModuleProgress  # noqa: E402
from schools.models import Assignment, Cohort, Enrollment, Membership, Role, School  # noqa: E402
from courses.models import Artifact, Case, Course, CourseVersion, Item, ItemKey, Module  # noqa: E402
from quizzes.models import Attempt, Grade, Response  # noqa: E402

SEED = 20261128
MODULES = 5
CHUNK = 250  # trainees per insert batch
COMPETENCIES = ["FND", "APR", "VER", "OVS", "EQB", "DAT", "COM", "GOV", "CPD"]
FAILURE_MODES = ["HAL", "OMI", "CLIN", "OLD", "BIAS", "CAL"]
OPTIONS = [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------- content

def build_course() -> tuple[Course, list[Module], list[Item]]:
    course = Course.objects.create(slug="bench-analytics")
    version = CourseVersion.objects.create(
        course=course, number=1, status=CourseVersion.Status.PUBLISHED, language="en",
        title="Benchmark: AI literacy", hours=6, published_at=timezone.now(),
    )
    modules, items = [], []
    for m in range(MODULES):
        module = Module.objects.create(version=version, slug=f"m{m + 1}", position=m + 1, title=f"Module {m + 1}")
        modules.append(module)
        case = Case.objects.create(module=module, slug="case", position=1, title=f"Case {m + 1}")
        for i in range(8):
            kind = ["reliance_decision"] * 3 + ["error_spans"] * 2 + ["single_choice"] * 3
            kind = kind[i]
            artifact = None
            if kind != "single_choice":
                artifact = Artifact.objects.create(
                    case=case, slug=f"a{i}", position=i, kind="text" if kind == "error_spans" else "prediction",
                    title=f"AI output {i}", content={"text": "Synthetic."}, ai_correct=(kind == "reliance_decision" and i != 1),
                )
            spec = {"options": OPTIONS}
            if kind == "reliance_decision":
                spec = {"question": "Q?", "options": OPTIONS, "ai_answer": "a", "decide_first": i != 2,
                        "ask_confidence": True}
            item = Item.objects.create(case=case, slug=f"i{i}", position=i, type=kind, artifact=artifact,
                                       prompt="Synthetic item.", spec=spec)
            ItemKey.objects.create(item=item, answer={"answer": "a" if (artifact and artifact.ai_correct) else "b"})
            item.competencies.set([COMPETENCIES[(m * 8 + i) % len(COMPETENCIES)],
                                   COMPETENCIES[(m * 8 + i + 3) % len(COMPETENCIES)]])
            item.ai_correct = artifact.ai_correct if artifact else None
            item.codes = [c.code for c in item.competencies.all()]
            items.append(item)
    return course, modules, items


# ---------------------------------------------------------------- simulated answers

def simulate(rng: random.Random, item: Item, profile: dict) -> tuple[dict, float, dict]:
    """(answer payload, score, grader-like detail) of one item for one simulated trainee."""
    skill = profile["skill"]
    if item.type == "single_choice":
        right = rng.random() < skill
        return {"answer": "b" if right else "a"}, float(right), {"correct": right}
    if item.type == "error_spans":
        detail = {"by_failure_mode": {}, "sentences": {}}
        found_total = 0
        for code in (FAILURE_MODES[item.pk % len(FAILURE_MODES)], FAILURE_MODES[(item.pk + 2) % len(FAILURE_MODES)]):
            found = int(rng.random() < skill)
            found_total += found
            detail["by_failure_mode"][code] = {"keys": 1, "found": found}
        fa = int(rng.random() > skill)
        detail["sentences"] = {"signal": 2, "noise": 5, "hits": found_total, "false_alarms": fa}
        precision = found_total / (found_total + fa) if found_total + fa else 0
        recall = found_total / 2
        score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"spans": []}, score, detail
    ai_correct = item.ai_correct
    key = "a" if ai_correct else "b"
    decide_first = item.spec.get("decide_first")
    initial = None
    if decide_first:
        initial = key if rng.random() < skill else ("c" if key != "c" else "b")
    accept_p = profile["accept_right"] if ai_correct else profile["accept_wrong"]
    if initial == key and not ai_correct:
        accept_p *= 0.6
    if rng.random() < accept_p:
        final, decision = "a", "accept"
    else:
        decision = "override"
        final = key if (not ai_correct and rng.random() < skill) else ("c" if ai_correct else rng.choice(["c", "b"]))
        if final == "a":
            final = "c"
    final_correct = final == key
    confidence = max(0, min(100, int(rng.gauss(70 + profile["overconfidence"], 15))))
    detail = {"ai_answer": "a", "ai_correct": ai_correct, "decision": decision, "final_answer": final,
              "final_correct": final_correct, "initial_answer": initial,
              "initial_correct": None if initial is None else initial == key, "confidence": confidence}
    payload = {"decision": decision, "confidence": confidence}
    if decision == "override":
        payload["answer"] = final
    return payload, float(final_correct), detail


def profile(rng: random.Random) -> dict:
    return {"skill": rng.uniform(0.4, 0.95), "accept_right": rng.uniform(0.6, 0.98),
            "accept_wrong": rng.uniform(0.05, 0.9), "overconfidence": rng.uniform(-10, 25)}


# ---------------------------------------------------------------- people and their work

def create_trainees(prefix: str, n: int, school: School, password: str) -> list[User]:
    users = [User(username=f"{prefix}{i:05d}", first_name=f"T{i:05d}", last_name=prefix.upper(),
                  email=f"{prefix}{i:05d}@bench.example", password=password, training_year=1 + i % 6)
             for i in range(n)]
    User.objects.bulk_create(users, batch_size=2000)
    users = list(User.objects.filter(username__startswith=prefix).order_by("username"))
    Membership.objects.bulk_create([Membership(school=school, user=u, role=Role.TRAINEE) for u in users],
                                   batch_size=5000)
    return users


def enroll(cohort: Cohort, users: list[User]) -> None:
    Enrollment.objects.bulk_create([Enrollment(cohort=cohort, user=u) for u in users], batch_size=5000)


def answer_all(rng: random.Random, users: list[User], course: Course, modules: list[Module], items: list[Item],
               start) -> None:
    by_module = defaultdict(list)
    for item in items:
        by_module[item.case.module_id].append(item)
    for offset in range(0, len(users), CHUNK):
        chunk = users[offset:offset + CHUNK]
        with transaction.atomic():
            attempts, plans = [], []
            for user in chunk:
                p = profile(rng)
                t0 = start + timedelta(days=rng.randrange(0, 60), minutes=rng.randrange(0, 600))
                for m_index, module in enumerate(modules):
                    at = t0 + timedelta(days=m_index * rng.randrange(2, 6))
                    attempts.append(Attempt(trainee=user, module=module, course=course, module_slug=module.slug,
                                            status=Attempt.Status.SUBMITTED, submitted_at=at + timedelta(hours=1)))
                    plans.append((user, module, at, p))
            Attempt.objects.bulk_create(attempts, batch_size=5000)
            responses, grade_rows, progress = [], [], []
            counters: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
            for attempt, (user, module, at, p) in zip(attempts, plans):
                score_sum = 0.0
                for k, item in enumerate(by_module[module.pk]):
                    payload, score, detail = simulate(rng, item, p)
                    when = at + timedelta(minutes=3 * k)
                    responses.append(Response(attempt=attempt, item=item, state=Response.State.GRADED, answer=payload,
                                              submitted_at=when, grading_tries=1,
                                              initial_answer={"answer": detail["initial_answer"]}
                                              if detail.get("initial_answer") else None))
                    contribution = grade_contribution(
                        item_type=item.type, competencies=item.codes, ai_correct=item.ai_correct, score=score,
                        cbm_mark=None, detail=detail,
                    )
                    grade_rows.append((score, detail, contribution, when + timedelta(seconds=2)))
                    for name, value in contribution.items():
                        counters[user.pk][name] += value
                    score_sum += score
                progress.append(ModuleProgress(
                    trainee=user, course=course, module_slug=module.slug, items_total=8, items_graded=8,
                    score_sum=score_sum, started_at=at, last_activity_at=at + timedelta(minutes=24),
                    completed_at=at + timedelta(minutes=24)))
            Response.objects.bulk_create(responses, batch_size=5000)
            Grade.objects.bulk_create(
                [Grade(response=r, score=s, detail=d, contribution=c, graded_at=g, grader_version="bench/1",
                       feedback=[]) for r, (s, d, c, g) in zip(responses, grade_rows)],
                batch_size=5000,
            )
            ModuleProgress.objects.bulk_create(progress, batch_size=5000)
            MeasureCounter.objects.bulk_create(
                [MeasureCounter(trainee_id=tid, course=course, name=name, value=value)
                 for tid, named in counters.items() for name, value in named.items()],
                batch_size=10000,
            )
        log(f"  {offset + len(chunk)}/{len(users)} trainees answered")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="10 cohorts × 20 trainees and a B cohort of 100")
    args = parser.parse_args()
    per_cohort, big = (20, 100) if args.small else (200, 10_000)
    rng = random.Random(SEED)
    if School.objects.filter(slug="bench-school").exists():
        log("The benchmark school exists already: drop the database first (bench/analytics/run.sh does).")
        return
    started = time.monotonic()
    course, modules, items = build_course()
    school = School.objects.create(name="Benchmark Faculty of Medicine", slug="bench-school")
    password = make_password("bench-only-password")
    staff = User.objects.create(username="bench-reviewer", password=password, first_name="Bench", last_name="Reviewer")
    Membership.objects.create(school=school, user=staff, role=Role.REVIEWER)
    admin = User.objects.create(username="bench-admin", password=password, first_name="Bench", last_name="Admin")
    Membership.objects.create(school=school, user=admin, role=Role.ADMIN)
    start = timezone.now() - timedelta(weeks=12)
    due = timezone.now() - timedelta(days=7)

    log(f"data set A: 10 cohorts × {per_cohort} trainees")
    users_a = create_trainees("ta", 10 * per_cohort, school, password)
    for c in range(10):
        cohort = Cohort.objects.create(school=school, name=f"Class A{c + 1:02d}", slug=f"class-a{c + 1:02d}", year=2026)
        enroll(cohort, users_a[c * per_cohort:(c + 1) * per_cohort])
        Assignment.objects.create(cohort=cohort, course=course, due_at=due)
    all_a = Cohort.objects.create(school=school, name="All of A", slug="all-of-a", year=2026)
    enroll(all_a, users_a)
    Assignment.objects.create(cohort=all_a, course=course, due_at=due)
    last_year = Cohort.objects.create(school=school, name="Class A01 (last year)", slug="class-a01-2025", year=2025)
    enroll(last_year, users_a[:per_cohort])
    Assignment.objects.create(cohort=last_year, course=course)
    answer_all(rng, users_a, course, modules, items, start)

    log(f"data set B: one cohort of {big} trainees")
    users_b = create_trainees("tb", big, school, password)
    cohort_b = Cohort.objects.create(school=school, name="Class B", slug="class-b", year=2026)
    enroll(cohort_b, users_b)
    Assignment.objects.create(cohort=cohort_b, course=course, due_at=due)
    answer_all(rng, users_b, course, modules, items, start)

    log("trend rows (AnswerDay, AnswerAfterModule) from the grades (progress.aggregates.trend_rows_rebuild)")
    trend_rows_rebuild(final_grades=final_grade_contributions())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {model.__name__: model.objects.count() for model in (User, Attempt, Response, Grade, ModuleProgress,
                                                                  MeasureCounter, AnswerDay, AnswerAfterModule)}
    log(f"done in {time.monotonic() - started:.0f} s: {counts}")


if __name__ == "__main__":
    main()
