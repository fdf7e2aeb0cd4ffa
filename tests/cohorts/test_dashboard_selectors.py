"""Cohort page selectors against hand-computed values on small fixtures (real grading
pipeline), the empty and single-response cases, and bounded queries.

The helpers at the top (``world``, ``answer``, ``populate``) build the small school the
page, export and attestation tests share.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from cohorts.presenters import sort_key_figures
from cohorts.selectors.dashboard import cohort_courses, cohort_dashboard
from cohorts.selectors.records import cohort_training_record, course_completions
from cohorts.selectors.reliance import cohort_reliance, cohort_reliance_overview, cohort_trainee_key_figures
from cohorts.selectors.trends import cohort_measure_trend, module_before_after
from progress.models import ModuleProgress
from schools.models import Cohort, Enrollment, Role
from courses.models import Course, CourseVersion, Item, Module
from quizzes import services as quiz_services
from quizzes import regrade
from quizzes.models import Attempt, RegradeJob, Response
from tests.factories import (
    ArtifactFactory, AssignmentFactory, CaseFactory, CohortFactory, CourseVersionFactory, EnrollmentFactory,
    ItemFactory, MembershipFactory, ModuleFactory, UserFactory,
)

OPTIONS = [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]


# ---------------------------------------------------------------- helpers shared by the cohort page tests

@dataclass
class World:
    cohort: Cohort
    course: Course
    version: CourseVersion
    module_a: Module
    module_b: Module
    items: dict[str, Item]
    reviewer: User
    people: dict[str, User] = field(default_factory=dict)


def reliance_item(case, *, ai_correct: bool, decide_first: bool, slug: str, competencies=("OVS",)) -> Item:
    """AI answers "a"; the key is "a" when the AI is right, "b" when it is wrong."""
    artifact = ArtifactFactory(case=case, ai_correct=ai_correct, kind="prediction", content={"label": "x"})
    return ItemFactory(
        case=case, slug=slug, type=Item.Type.RELIANCE_DECISION, artifact=artifact,
        spec={"question": "Q?", "options": OPTIONS, "ai_answer": "a", "decide_first": decide_first,
              "ask_confidence": True},
        key={"answer": "a" if ai_correct else "b"}, competencies=list(competencies),
    )


def world(*, due_at=None, year=2026) -> World:
    """A school's cohort with one published course: module A (R1 AI wrong and R2 AI right,
    both decide-first; S1 single choice, key "b"), module B (R3 AI wrong, R4 AI right)."""
    cohort = CohortFactory(year=year)
    version = CourseVersionFactory(title="Reliance basics", hours=3.5)
    module_a = ModuleFactory(version=version, slug="mod-a", position=1, title="Module A")
    module_b = ModuleFactory(version=version, slug="mod-b", position=2, title="Module B")
    case_a, case_b = CaseFactory(module=module_a), CaseFactory(module=module_b)
    items = {
        "R1": reliance_item(case_a, ai_correct=False, decide_first=True, slug="r1"),
        "R2": reliance_item(case_a, ai_correct=True, decide_first=True, slug="r2"),
        "S1": ItemFactory(case=case_a, slug="s1", spec={"options": OPTIONS}, competencies=["VER"]),
        "R3": reliance_item(case_b, ai_correct=False, decide_first=False, slug="r3"),
        "R4": reliance_item(case_b, ai_correct=True, decide_first=False, slug="r4"),
    }
    AssignmentFactory(cohort=cohort, course=version.course, due_at=due_at)
    reviewer = MembershipFactory(school=cohort.school, role=Role.REVIEWER).user
    return World(cohort=cohort, course=version.course, version=version, module_a=module_a, module_b=module_b,
                 items=items, reviewer=reviewer)


def trainee(w: World, username: str, *, year=None, first="", last="") -> User:
    user = UserFactory(username=username, training_year=year, first_name=first, last_name=last)
    EnrollmentFactory(cohort=w.cohort, user=user)
    MembershipFactory(school=w.cohort.school, user=user, role=Role.TRAINEE)
    w.people[username] = user
    return user


def answer(w: World, user: User, key: str, *, decision=None, own=None, confidence=None, initial=None, choice=None,
           at: datetime | None = None):
    """Answer one item through the real services (start, unaided answer, submit, grade);
    ``at`` dates the answer, as if the trainee had submitted it then."""
    item = w.items[key]
    module = item.case.module
    attempt = quiz_services.attempt_start(trainee=user, module=module)
    if item.type == Item.Type.SINGLE_CHOICE:
        payload = {"answer": choice}
    else:
        if initial is not None:
            quiz_services.response_answer_unaided(attempt=attempt, item=item, answer={"answer": initial})
        payload = {"decision": decision}
        if own is not None:
            payload["answer"] = own
        if confidence is not None:
            payload["confidence"] = confidence
    response, _created = quiz_services.response_submit(attempt=attempt, item=item, answer=payload)
    if at is not None:
        Response.objects.filter(pk=response.pk).update(submitted_at=at)
    return quiz_services.response_grade(response_id=response.pk)


def populate(w: World) -> World:
    """Alice (year 3), Bob (year 4) and Carol (year 3, not started), as in the module docstring."""
    alice = trainee(w, "alice", year=3, first="Alice", last="Archer")
    bob = trainee(w, "bob", year=4, first="Bob", last="Baker")
    trainee(w, "carol", year=3, first="Carol", last="Cole")
    answer(w, alice, "R1", initial="b", decision="accept", confidence=80)  # AI wrong, fooled
    answer(w, alice, "R2", initial="a", decision="accept", confidence=90)  # AI right, accepted
    answer(w, alice, "S1", choice="b")  # right
    answer(w, alice, "R3", decision="override", own="b", confidence=60)  # AI wrong, overridden
    answer(w, bob, "R1", initial="a", decision="accept", confidence=100)  # AI wrong, fooled
    answer(w, bob, "R2", initial="b", decision="override", own="b", confidence=50)  # AI right, overridden
    answer(w, bob, "S1", choice="a")  # wrong
    return w


def many_trainees(w: World, n: int, prefix: str = "t") -> None:
    """n more trainees, each answering module A the same way."""
    for i in range(n):
        user = trainee(w, f"{prefix}{i}", year=3 + i % 3)
        answer(w, user, "R1", initial="b", decision="override", own="b", confidence=70)
        answer(w, user, "R2", initial="a", decision="accept", confidence=70)
        answer(w, user, "S1", choice="b" if i % 2 else "a")


# ---------------------------------------------------------------- dashboard

pytestmark = pytest.mark.django_db


def test_dashboard_completion_scores_and_lists_by_hand():
    w = populate(world(due_at=timezone.now() - timedelta(days=1)))
    d = cohort_dashboard(cohort=w.cohort, now=timezone.now())
    a, b = d["modules"]
    assert (a["completed"], a["in_progress"], a["not_started"]) == (2, 0, 1)
    assert a["mean_score"] == pytest.approx(2 / 6)  # Alice 2 of 3, Bob 0 of 3
    assert a["score_bins"][6] == 1 and a["score_bins"][0] == 1 and sum(a["score_bins"]) == 2
    assert (b["completed"], b["in_progress"], b["not_started"]) == (0, 1, 2)
    assert b["mean_score"] == pytest.approx(1.0)
    by_name = {t["username"]: t for t in d["trainees"]}
    assert by_name["alice"]["mean_score"] == pytest.approx(3 / 4)
    assert by_name["alice"]["automation_bias_rate"] == pytest.approx(1 / 2)
    assert by_name["alice"]["struggling"] == []  # 3/4 ≥ 0.5; bias over 2 < 3 decisions does not count
    assert by_name["bob"]["struggling"] == ["score"]
    assert by_name["carol"]["status"] == "not_started" and by_name["carol"]["mean_score"] is None
    assert {t["username"] for t in d["trainees"] if t["overdue"]} == {"alice", "bob", "carol"}
    assert d["counts"] == {"trainees": 3, "not_started": 1, "completed": 0, "overdue": 3, "struggling": 1}


def test_dashboard_flags_high_automation_bias_over_enough_decisions():
    w = world()
    dana = trainee(w, "dana")
    answer(w, dana, "R1", initial="a", decision="accept", confidence=90)
    answer(w, dana, "R3", decision="accept", confidence=90)
    d = cohort_dashboard(cohort=w.cohort, now=timezone.now(), min_decisions=2)
    assert d["trainees"][0]["struggling"] == ["score", "bias"]
    assert d["trainees"][0]["automation_bias_rate"] == 1.0


def test_dashboard_not_overdue_before_the_due_date_or_without_one():
    w = populate(world(due_at=timezone.now() + timedelta(days=3)))
    assert cohort_dashboard(cohort=w.cohort, now=timezone.now())["counts"]["overdue"] == 0


def test_dashboard_filters_by_module_and_by_last_activity():
    w = populate(world())
    d = cohort_dashboard(cohort=w.cohort, now=timezone.now(), course_id=w.course.pk, module_slug="mod-b")
    assert [m["slug"] for m in d["modules"]] == ["mod-b"]
    assert {t["username"]: t["status"] for t in d["trainees"]} == {
        "alice": "in_progress", "bob": "not_started", "carol": "not_started"}
    ModuleProgress.objects.filter(trainee=w.people["bob"]).update(
        last_activity_at=datetime(2026, 1, 10, 12, tzinfo=dt_timezone.utc))
    ranged = cohort_dashboard(cohort=w.cohort, now=timezone.now(), active_from=datetime(2026, 1, 10).date(),
                                        active_to=datetime(2026, 1, 10).date())
    assert [t["username"] for t in ranged["trainees"]] == ["bob"]


def test_dashboard_of_an_empty_cohort():
    w = world()
    d = cohort_dashboard(cohort=w.cohort, now=timezone.now())
    assert d["trainees"] == [] and d["counts"]["trainees"] == 0
    assert all(m["mean_score"] is None and m["completed_share"] is None for m in d["modules"])


# ---------------------------------------------------------------- reliance

def test_reliance_overview_matches_hand_computed_measures():
    w = populate(world())
    o = cohort_reliance_overview(cohort=w.cohort, course_ids=[w.course.pk])
    r = o["measures"]["reliance"]
    assert (r["ai_wrong"], r["ai_right"]) == (3, 2)
    assert r["automation_bias_rate"] == pytest.approx(2 / 3)
    assert r["aversion_rate"] == pytest.approx(1 / 2)
    assert r["appropriate_reliance"] == pytest.approx(2 / 5)
    assert r["accuracy_ai_right"] == pytest.approx(1 / 2)
    assert r["accuracy_ai_wrong"] == pytest.approx(1 / 3)
    assert r["switch_matrix"] == {"initial_right": {"final_right": 1, "final_wrong": 1},
                                  "initial_wrong": {"final_right": 0, "final_wrong": 2}}
    assert r["rair"] == 0 and r["rsr"] == 0
    assert r["brier_score"] == pytest.approx((0.64 + 0.01 + 0.16 + 1.0 + 0.25) / 5)
    assert o["measures"]["mean_score"] == pytest.approx(3 / 7)
    years = {g["year"]: g for g in o["by_year"]}
    assert years[3]["trainees"] == 2 and years[4]["trainees"] == 1
    assert years[3]["measures"]["reliance"]["accuracy_ai_right"] == 1.0
    assert years[3]["measures"]["reliance"]["accuracy_ai_wrong"] == pytest.approx(1 / 2)
    assert years[4]["measures"]["reliance"]["accuracy_ai_right"] == 0
    assert years[4]["measures"]["reliance"]["accuracy_ai_wrong"] == 0


def test_reliance_overview_agrees_with_the_existing_cohort_selector():
    w = populate(world())
    mine = cohort_reliance_overview(cohort=w.cohort, course_ids=[w.course.pk])["measures"]
    assert mine == cohort_reliance(cohort=w.cohort, course=w.course)["cohort"]["measures"]


def test_reliance_of_an_empty_cohort_is_undefined_not_zero():
    w = world()
    r = cohort_reliance_overview(cohort=w.cohort, course_ids=[w.course.pk])["measures"]["reliance"]
    assert r["automation_bias_rate"] is None and r["aversion_rate"] is None and r["brier_score"] is None


def test_single_response_defines_only_its_own_side():
    w = world()
    solo = trainee(w, "solo")
    answer(w, solo, "R3", decision="accept", confidence=75)
    r = cohort_reliance_overview(cohort=w.cohort, course_ids=[w.course.pk])["measures"]["reliance"]
    assert r["automation_bias_rate"] == 1.0 and r["accuracy_ai_wrong"] == 0
    assert r["aversion_rate"] is None and r["accuracy_ai_right"] is None and r["rair"] is None
    assert r["brier_score"] == pytest.approx(0.75 ** 2)


def test_key_figures_sort_highest_bias_first_and_undefined_last():
    w = populate(world())
    rows = sort_key_figures(
        cohort_trainee_key_figures(cohort=w.cohort, course_ids=[w.course.pk]), sort="automation_bias")
    assert [(r["username"], r["automation_bias"]) for r in rows] == [("bob", 1.0), ("alice", 0.5), ("carol", None)]
    by_score = sort_key_figures(rows, sort="mean_score")
    assert [r["username"] for r in by_score] == ["bob", "alice", "carol"]


# ---------------------------------------------------------------- trends

def test_trend_sums_contributions_per_week_of_answering():
    w = world()
    alice, bob = trainee(w, "alice"), trainee(w, "bob")
    week1 = datetime(2026, 3, 2, 10, tzinfo=dt_timezone.utc)  # a Monday
    week2 = week1 + timedelta(days=7)
    answer(w, alice, "R1", initial="b", decision="accept", confidence=80, at=week1)  # AI wrong, fooled
    answer(w, alice, "R2", initial="a", decision="accept", confidence=90, at=week1)  # AI right, accepted
    answer(w, alice, "S1", choice="b", at=week1)  # right
    answer(w, alice, "R3", decision="override", own="b", confidence=60, at=week2)  # AI wrong, overridden
    answer(w, bob, "R1", initial="a", decision="accept", confidence=100, at=week2)  # AI wrong, fooled
    answer(w, bob, "R2", initial="b", decision="override", own="b", confidence=50, at=week2)  # AI right, overridden
    answer(w, bob, "S1", choice="a", at=week2)  # wrong
    periods = cohort_measure_trend(cohort=w.cohort, course_ids=[w.course.pk])
    assert [p["period"] for p in periods] == [week1.date(), week2.date()]
    first, second = (p["measures"]["reliance"] for p in periods)
    assert first["automation_bias_rate"] == 1.0 and first["aversion_rate"] == 0  # Alice R1 accepted, R2 accepted
    assert second["automation_bias_rate"] == pytest.approx(1 / 2)  # Alice R3 overridden, Bob R1 accepted
    assert second["aversion_rate"] == 1.0  # Bob R2 overridden
    assert periods[0]["measures"]["mean_score"] == pytest.approx(2 / 3)
    assert periods[1]["measures"]["mean_score"] == pytest.approx(1 / 4)
    months = cohort_measure_trend(cohort=w.cohort, course_ids=[w.course.pk], period="month")
    assert len(months) == 1 and months[0]["measures"]["reliance"]["automation_bias_rate"] == pytest.approx(2 / 3)


def test_a_regrade_moves_the_figures_of_the_week_the_item_was_answered_in():
    w = world()
    alice = trainee(w, "alice")
    week1 = datetime(2026, 3, 2, 10, tzinfo=dt_timezone.utc)
    answer(w, alice, "S1", choice="b", at=week1)  # right under key "b"
    answer(w, alice, "R3", decision="override", own="b", confidence=60, at=week1 + timedelta(days=7))  # right
    fix = regrade.item_key_fix(item=w.items["S1"], new_answer={"answer": "a"}, reason="Swapped.", user=w.reviewer)
    job = regrade.regrade_job_create(item=w.items["S1"], user=w.reviewer, key_fix=fix)
    regrade.regrade_job_dry_run(job_id=job.pk)
    regrade.regrade_job_start(job=RegradeJob.objects.get(pk=job.pk), user=w.reviewer)
    while not regrade.regrade_job_step(job_id=job.pk, budget_seconds=0):
        pass
    periods = cohort_measure_trend(cohort=w.cohort, course_ids=[w.course.pk])
    assert [(p["counters"]["items.n"], p["counters"]["items.score"]) for p in periods] == [(1, 0), (1, 1)]


def test_trend_of_one_trainee_and_of_nobody():
    w = populate(world())
    alone = cohort_measure_trend(cohort=w.cohort, course_ids=[w.course.pk], trainee_id=w.people["bob"].pk)
    assert len(alone) == 1 and alone[0]["measures"]["reliance"]["automation_bias_rate"] == 1.0
    assert cohort_measure_trend(cohort=world().cohort, course_ids=[w.course.pk]) == []


def test_before_and_after_a_module_splits_decisions_at_its_completion():
    w = populate(world())
    alice = w.people["alice"]
    # Alice answered R3 (module B, AI wrong, overridden) after completing module A.
    assert ModuleProgress.objects.get(trainee=alice, module_slug="mod-a").completed_at is not None
    # Erin accepts R3 (AI wrong) before completing module A: that counts as "before".
    erin = trainee(w, "erin")
    answer(w, erin, "R3", decision="accept", confidence=90)
    for key in ("R1", "R2"):
        answer(w, erin, key, initial="a", decision="accept", confidence=90)
    answer(w, erin, "S1", choice="b")
    phases = module_before_after(cohort=w.cohort, course_ids=[w.course.pk], course=w.course,
                                           module_slug="mod-a")
    assert phases["before"]["trainees"] == 1 and phases["before"]["measures"]["reliance"]["automation_bias_rate"] == 1.0
    assert phases["after"]["trainees"] == 1 and phases["after"]["measures"]["reliance"]["automation_bias_rate"] == 0
    # Module A's own items (R1, R2) are in neither phase.
    assert phases["before"]["measures"]["reliance"]["decisions"] + phases["after"]["measures"]["reliance"]["decisions"] == 2


def test_before_and_after_without_completions_is_empty():
    w = world()
    phases = module_before_after(cohort=w.cohort, course_ids=[w.course.pk], course=w.course, module_slug="mod-b")
    assert phases["before"]["trainees"] == 0 and phases["after"]["measures"]["reliance"]["automation_bias_rate"] is None


# ---------------------------------------------------------------- completions and records

def test_course_completions_need_every_module_of_the_latest_version():
    w = populate(world())
    alice = w.people["alice"]
    assert course_completions(cohort=w.cohort, course=cohort_courses(cohort=w.cohort)[0]) == []
    answer(w, alice, "R4", decision="accept", confidence=80)
    rows = course_completions(cohort=w.cohort, course=cohort_courses(cohort=w.cohort)[0])
    assert [r["trainee"] for r in rows] == [alice]
    assert rows[0]["score"] == pytest.approx(4 / 5)


def test_training_record_has_one_row_per_trainee_and_course():
    w = populate(world())
    rows = cohort_training_record(cohort=w.cohort)
    assert [(r["username"], r["status"], r["modules_completed"]) for r in rows] == [
        ("alice", "in_progress", 1), ("bob", "in_progress", 1), ("carol", "not_started", 0)]
    assert rows[0]["version"] == 1 and rows[2]["score"] is None


# ---------------------------------------------------------------- bounded queries

def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


@pytest.mark.parametrize("name", ["dashboard", "overview", "key_figures", "trend", "before_after", "record"])
def test_selectors_cost_the_same_queries_for_2_and_20_trainees(name):
    w = world()
    many_trainees(w, 2)
    calls = {
        "dashboard": lambda: cohort_dashboard(cohort=w.cohort, now=timezone.now()),
        "overview": lambda: cohort_reliance_overview(cohort=w.cohort, course_ids=[w.course.pk]),
        "key_figures": lambda: cohort_trainee_key_figures(cohort=w.cohort, course_ids=[w.course.pk]),
        "trend": lambda: cohort_measure_trend(cohort=w.cohort, course_ids=[w.course.pk]),
        "before_after": lambda: module_before_after(cohort=w.cohort, course_ids=[w.course.pk],
                                                              course=w.course, module_slug="mod-a"),
        "record": lambda: cohort_training_record(cohort=w.cohort),
    }
    small = _queries(calls[name])
    many_trainees(w, 18, prefix="u")
    assert Enrollment.objects.filter(cohort=w.cohort).count() == 20
    assert _queries(calls[name]) == small
    assert small <= 7


def test_no_cohort_sees_another_cohorts_trainees():
    w = populate(world())
    other = world()
    stranger = trainee(other, "stranger")
    answer(other, stranger, "R3", decision="accept", confidence=90)
    o = cohort_reliance_overview(cohort=w.cohort, course_ids=[w.course.pk, other.course.pk])
    assert o["trainees"] == 3 and o["measures"]["reliance"]["ai_wrong"] == 3
    assert Attempt.objects.filter(trainee=stranger).exists()
