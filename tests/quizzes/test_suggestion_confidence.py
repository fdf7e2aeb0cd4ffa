"""The free-text suggestion's confidence is stored with the grade: written when grading,
kept when faculty confirm, backfilled for answers waiting when the column came (migration
0005), and measured against faculty marks by ``manage.py suggestion_agreement``."""
from importlib import import_module
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from quizzes import review, services
from quizzes.models import Grade, Response
from tests.factories import CaseFactory, ItemFactory, UserFactory, assigned_module

pytestmark = pytest.mark.django_db

KEY = {"criteria": [
    {"id": "gap", "text": "Names the subgroup gap", "points": 2, "look_for": [["Fitzpatrick", "dark skin"]]},
    {"id": "act", "text": "Says what to do", "points": 2, "look_for": [["refer"]]},
]}
PROMPT = "Critique the classifier's claim that it works for every skin type."
ANSWERS = {
    "keywords": "Fitzpatrick, dark skin, refer",
    "reasoned": ("The classifier was trained almost only on light skin, so its sensitivity on dark skin is unknown "
                 "and probably lower. I would not rely on it for these patients and would refer them to a dermatologist."),
    "copied": PROMPT,
}


@pytest.fixture
def answered():
    """Three trainees answered a free-text item; their suggestions wait for a first mark."""
    trainees = [UserFactory() for _ in ANSWERS]
    module = assigned_module(*trainees)
    item = ItemFactory(case=CaseFactory(module=module), type="free_text", spec={}, key=KEY, prompt=PROMPT)
    responses = {}
    for trainee, (name, text) in zip(trainees, ANSWERS.items()):
        attempt = services.attempt_start(trainee=trainee, module=module)
        response, _ = services.response_submit(attempt=attempt, item=item, answer={"text": text})
        services.response_grade(response_id=response.pk)
        responses[name] = Response.objects.get(pk=response.pk)
    return responses


def confidence(response) -> tuple:
    grade = Grade.objects.get(response=response)
    return grade.suggestion_confidence, grade.detail["confidence"]["level"]


def test_grading_stores_the_confidence_with_the_suggestion(answered):
    assert confidence(answered["keywords"]) == (Grade.Confidence.LOW, "low")
    assert confidence(answered["copied"]) == (Grade.Confidence.LOW, "low")  # the prompt reached the grader
    assert confidence(answered["reasoned"])[1] != "low"
    assert Grade.objects.get(response=answered["keywords"]).score == 0.5


def test_confirming_keeps_the_suggestion_and_its_confidence(answered):
    services.response_review_confirm(response=answered["keywords"], reviewer=UserFactory(), points={"gap": 0, "act": 0})
    grade = Grade.objects.get(response=answered["keywords"])
    assert grade.suggestion_confidence == Grade.Confidence.LOW and grade.detail["confidence"]["level"] == "low"
    assert grade.detail["confirmed_points"] == {"gap": 0, "act": 0}


def _as_before_0005(response):
    """The grade as free_text/1 left it: the uncapped suggestion, no confidence, no evidence."""
    grade = Grade.objects.get(response=response)
    detail = dict(grade.detail)
    detail.pop("confidence")
    detail["criteria"] = [
        {k: v for k, v in {**c, "suggested": c.get("uncapped", c["suggested"])}.items() if k not in ("evidence", "uncapped")}
        for c in detail["criteria"]
    ]
    Grade.objects.filter(pk=grade.pk).update(detail=detail, suggestion_confidence=None, grader_version="free_text/1",
                                             score=1.0)


def test_the_migration_resuggests_waiting_answers_and_leaves_confirmed_ones(answered):
    services.response_review_confirm(response=answered["copied"], reviewer=UserFactory(), points={"gap": 1, "act": 0})
    for response in answered.values():
        _as_before_0005(response)
    confirmed_before = Grade.objects.get(response=answered["copied"]).detail
    migration = ("quizzes", "0006_grade_suggestion_confidence")
    historical = MigrationExecutor(connection).loader.project_state(migration).apps
    import_module("quizzes.migrations." + migration[1]).backfill(historical, None)
    keywords = Grade.objects.get(response=answered["keywords"])
    assert (keywords.suggestion_confidence, keywords.grader_version, keywords.score) == (
        Grade.Confidence.LOW, "free_text/2", 0.5)
    assert keywords.detail["criteria"][0]["evidence"][0]["phrase"] == "Fitzpatrick"
    assert keywords.is_final is False and keywords.contribution == {}
    assert Grade.objects.get(response=answered["reasoned"]).suggestion_confidence is not None
    copied = Grade.objects.get(response=answered["copied"])  # confirmed: kept as confirmed, not measured
    assert (copied.suggestion_confidence, copied.detail, copied.grader_version) == (None, confirmed_before, "free_text/1")


def test_the_migration_does_nothing_without_rows():
    migration = ("quizzes", "0006_grade_suggestion_confidence")
    historical = MigrationExecutor(connection).loader.project_state(migration).apps
    import_module("quizzes.migrations." + migration[1]).backfill(historical, None)
    assert not Grade.objects.exists()


def test_agreement_of_the_suggestion_with_faculty_marks(answered):
    faculty = UserFactory()
    # keywords: suggested 1 + 1 (capped), faculty 0 + 0; reasoned: suggested 2 + 2, faculty 2 + 2.
    services.response_review_confirm(response=answered["keywords"], reviewer=faculty, points={"gap": 0, "act": 0})
    services.response_review_confirm(response=answered["reasoned"], reviewer=faculty, points={"gap": 2, "act": 2})
    a = review.suggestion_agreement()
    assert (a.answers, a.criterion_pairs) == (2, 4)
    assert a.exact_points == 0.5 and a.exact_total == 0.5
    # Pairs (1, 0), (1, 0), (2, 2), (2, 2): p_o = 1/2; p_e = (2/4 * 0 + 2/4 * 2/4 + 0 * 2/4) = 1/4 -> kappa 1/3.
    assert a.kappa_points == pytest.approx(1 / 3)
    # Pass or fail: keywords (pass at 2 of 4, fail), reasoned (pass, pass): p_o = 1/2, p_e = 1/2 -> kappa 0.
    assert (a.kappa_pass, a.exact_pass) == (0.0, 0.5)
    assert a.by_confidence["low"]["answers"] == 1 and a.by_confidence["low"]["exact_points"] == 0.0


def test_the_command_prints_the_figures(answered):
    services.response_review_confirm(response=answered["reasoned"], reviewer=UserFactory(), points={"gap": 2, "act": 1})
    out = StringIO()
    call_command("suggestion_agreement", stdout=out)
    text = out.getvalue()
    assert "Faculty-confirmed free-text answers: 1 (2 criterion marks)" in text
    assert "exact agreement 50%" in text
