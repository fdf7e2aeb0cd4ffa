"""Fixing the ground truth of a published AI output: the fix recorded and audited, the keys of
its reliance decisions that follow, the dry run, the regrade, and the trainees' reliance
counters and trend rows afterwards equal to a recomputation from scratch (every final grade
graded again from its answer with the current key and truth). No broker: what would be
published is recorded, as in tests/quizzes/test_regrade.py."""
from collections import defaultdict

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Artifact, CourseVersion, FailureMode, Item, ItemKey
from courses.services import course_version_create_draft
from progress.aggregates import trend_rows_rebuild
from progress.contributions import grade_contribution
from progress.models import AnswerAfterModule, AnswerDay, MeasureCounter, ModuleProgress
from quizzes import regrade
from quizzes.graders import grader_for
from quizzes.grading import answer_for_grading, artifact_payload
from quizzes.models import KeyFix, RegradeJob, Response, TruthFix
from quizzes.truth_fix import artifact_truth_fix, artifact_truth_twins
from schools.models import AuditEvent
from tests.cohorts.test_dashboard_selectors import answer, populate, reliance_item, world
from tests.factories import CaseFactory, CourseFactory, CourseVersionFactory, ModuleFactory, UserFactory
from tests.quizzes.test_regrade import _run, author, enqueued  # noqa: F401 - fixtures (enqueued: autouse)
from training.errors import ApplicationError, Conflict

pytestmark = pytest.mark.django_db


def _fix_and_regrade(fix: TruthFix, user) -> list[RegradeJob]:
    jobs = [regrade.regrade_job_create(item=kf.item, user=user, key_fix=kf)
            for kf in KeyFix.objects.filter(truth_fix__in=[fix, *fix.twin_fixes.all()])]
    return [_run(job, user) for job in jobs]


# ---------------------------------------------------------------- from scratch

def _from_scratch() -> list[tuple]:
    """Every final grade graded again from the trainee's answer, with today's key and truth,
    and its contribution computed anew: what the counters and trend rows should hold."""
    rows = []
    for response in (Response.objects.filter(grade__is_final=True)
                     .select_related("item__key", "item__artifact", "attempt", "grade")):
        item = response.item
        graded = answer_for_grading(item=item, answer=response.answer, initial_answer=response.initial_answer)
        result = grader_for(item.type).grade(item.spec, item.key.answer, graded, artifact_payload(item))
        contribution = grade_contribution(
            item_type=item.type, competencies=[c.code for c in item.competencies.all()],
            ai_correct=item.artifact.ai_correct if item.artifact_id else None,
            score=result.score, cbm_mark=result.cbm_mark, detail=result.detail,
        )
        rows.append((response.attempt.trainee_id, response.attempt.course_id, response.attempt.module_slug,
                     response.submitted_at, contribution))
    return rows


def _nonzero(values: dict) -> dict:
    return {k: round(v, 9) for k, v in values.items() if abs(v) > 1e-9}


def _counters() -> dict:
    return _nonzero({(c.trainee_id, c.course_id, c.name): c.value for c in MeasureCounter.objects.all()})


def _recomputed_counters(rows) -> dict:
    sums = defaultdict(float)
    for trainee_id, course_id, _slug, _at, contribution in rows:
        for name, value in contribution.items():
            sums[(trainee_id, course_id, name)] += value
    return _nonzero(sums)


def _trend_rows() -> tuple[list, list]:
    def rows(model):
        fields = [f.attname for f in model._meta.fields if f.name != "id"]
        return sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in row)
                      for row in model.objects.values_list(*fields))
    return rows(AnswerDay), rows(AnswerAfterModule)


def _assert_equal_to_a_recomputation_from_scratch():
    rows = _from_scratch()
    assert _counters() == _recomputed_counters(rows)
    progress = {(p.trainee_id, p.module_slug): round(p.score_sum, 9) for p in ModuleProgress.objects.all()}
    sums = defaultdict(float)
    for trainee_id, _course, slug, _at, contribution in rows:
        sums[(trainee_id, slug)] += contribution["items.score"]
    assert progress == {k: round(sums[k], 9) for k in progress}
    kept = _trend_rows()
    trend_rows_rebuild(final_grades=rows)
    assert kept == _trend_rows()


def _reliance_world(author):
    w = populate(world())
    w.course.owner = author
    w.course.save(update_fields=["owner"])
    return w


# ---------------------------------------------------------------- the fix

def test_a_truth_fix_is_recorded_with_the_key_that_goes_with_it_and_regrades_nothing_yet(author):
    w = _reliance_world(author)
    r2 = w.items["R2"]  # the AI (answer "a") was right; it was wrong, "b" is right
    fix = artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="The label was misread.",
                             user=author, keys={r2.pk: {"answer": "b"}})
    assert (fix.old_correct, fix.new_correct, fix.reason, fix.fixed_by) == (True, False, "The label was misread.",
                                                                            author)
    assert Artifact.objects.get(pk=r2.artifact_id).ai_correct is False
    assert ItemKey.objects.get(item=r2).answer == {"answer": "b"}
    key_fix = KeyFix.objects.get(truth_fix=fix)
    assert (key_fix.item_id, key_fix.old_answer, key_fix.new_answer) == (r2.pk, {"answer": "a"}, {"answer": "b"})
    event = AuditEvent.objects.get(action="artifact.truth_fix", actor=author)
    assert event.detail["old"]["correct"] is True and event.detail["new"]["correct"] is False
    assert event.detail["keys"] == [{"item": r2.pk, "old": {"answer": "a"}, "new": {"answer": "b"}}]
    assert not RegradeJob.objects.exists()
    rel_r = MeasureCounter.objects.get(trainee=w.people["alice"], name="rel.R.n").value
    assert rel_r == 1  # her decision about R2 still counts as "AI right" until the regrade


def test_an_ai_output_found_right_makes_the_ai_s_answer_the_key(author):
    w = _reliance_world(author)
    r1 = w.items["R1"]
    artifact_truth_fix(artifact=r1.artifact, correct=True, failure_modes=[], reason="The AI was right.", user=author)
    assert ItemKey.objects.get(item=r1).answer == {"answer": "a"}


def test_an_ai_output_found_wrong_needs_the_right_answer_of_each_decision(author):
    w = _reliance_world(author)
    r2 = w.items["R2"]
    with pytest.raises(ApplicationError) as error:
        artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author)
    assert list(error.value.errors) == [f"keys.{r2.pk}"]
    with pytest.raises(ApplicationError) as error:
        artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                           keys={r2.pk: {"answer": "a"}})  # the AI's answer cannot be right if the AI is wrong
    assert list(error.value.errors) == [f"keys.{r2.pk}"]
    assert Artifact.objects.get(pk=r2.artifact_id).ai_correct is True and not TruthFix.objects.exists()


def test_a_fix_without_a_reason_an_unknown_failure_mode_or_no_change_is_refused(author):
    w = _reliance_world(author)
    artifact = w.items["R1"].artifact
    for kwargs, path in (({"reason": " ", "failure_modes": []}, "reason"),
                         ({"reason": "Why.", "failure_modes": ["NOPE"]}, "failure_modes"),
                         ({"reason": "Why.", "failure_modes": []}, "correct")):
        with pytest.raises(ApplicationError) as error:
            artifact_truth_fix(artifact=artifact, correct=False, user=author, **kwargs)
        assert path in error.value.errors
    assert not TruthFix.objects.exists() and not AuditEvent.objects.filter(action="artifact.truth_fix").exists()


def test_a_draft_s_truth_is_not_fixed_this_way(author):
    w = _reliance_world(author)
    CourseVersion.objects.filter(pk=w.version.pk).update(status="draft", published_at=None)
    with pytest.raises(Conflict):
        artifact_truth_fix(artifact=w.items["R1"].artifact, correct=True, failure_modes=[], reason="x", user=author)


def test_a_failure_mode_fix_alone_changes_no_key(author):
    w = _reliance_world(author)
    mode = FailureMode.objects.get(code="HAL")
    r1 = w.items["R1"]
    fix = artifact_truth_fix(artifact=r1.artifact, correct=False, failure_modes=[mode.code], reason="It omits.",
                             user=author)
    assert fix.new_failure_modes == [mode.code]
    assert [m.code for m in Artifact.objects.get(pk=r1.artifact_id).failure_modes.all()] == [mode.code]
    assert not KeyFix.objects.exists()


def test_the_same_ai_output_in_the_draft_is_fixed_too(author):
    w = _reliance_world(author)
    draft = course_version_create_draft(course=w.course, user=author)
    r2 = w.items["R2"]
    fix = artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                             keys={r2.pk: {"answer": "b"}})
    twin = Item.objects.select_related("artifact", "key").get(case__module__version=draft, slug="r2")
    assert fix.draft_artifact_id == twin.artifact_id and twin.artifact.ai_correct is False
    assert twin.key.answer == {"answer": "b"}


def test_a_twin_in_another_published_version_is_offered_and_fixed_at_once(author):
    w = _reliance_world(author)
    second = course_version_create_draft(course=w.course, user=author)
    CourseVersion.objects.filter(pk=second.pk).update(status="published", published_at=timezone.now())
    r2 = w.items["R2"]
    twin_item = Item.objects.get(case__module__version=second, slug="r2")
    twins = artifact_truth_twins(artifact=Artifact.objects.select_related("case__module__version__course")
                                 .get(pk=r2.artifact_id))
    assert [(t.artifact.pk, t.version_number, t.qualifies) for t in twins] == [(twin_item.artifact_id, 2, True)]
    fix = artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                             keys={r2.pk: {"answer": "b"}}, also_fix=[twin_item.artifact_id])
    twin_fix = fix.twin_fixes.get()
    assert twin_fix.artifact_id == twin_item.artifact_id and twin_fix.reason == "Misread."
    assert ItemKey.objects.get(item=twin_item).answer == {"answer": "b"}
    assert AuditEvent.objects.filter(action="artifact.truth_fix").count() == 2


def test_a_twin_whose_truth_was_changed_separately_is_refused_and_nothing_changes(author):
    w = _reliance_world(author)
    second = course_version_create_draft(course=w.course, user=author)
    CourseVersion.objects.filter(pk=second.pk).update(status="published", published_at=timezone.now())
    twin = Artifact.objects.get(case__module__version=second, slug=w.items["R2"].artifact.slug)
    twin.failure_modes.add(FailureMode.objects.get(code="HAL"))
    r2 = w.items["R2"]
    with pytest.raises(Conflict) as error:
        artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                           keys={r2.pk: {"answer": "b"}}, also_fix=[twin.pk])
    assert "Version 2" in error.value.message
    assert Artifact.objects.get(pk=r2.artifact_id).ai_correct is True and not TruthFix.objects.exists()


def _translation(w, owner) -> Item:
    """R2 in a French translation of the course owned by ``owner`` (same module, case and AI output slugs)."""
    r2 = w.items["R2"]
    version = CourseVersionFactory(course=CourseFactory(translation_of=w.course, owner=owner), language="fr")
    case = CaseFactory(module=ModuleFactory(version=version, slug=r2.case.module.slug), slug=r2.case.slug)
    item = reliance_item(case, ai_correct=True, decide_first=True, slug="r2")
    Artifact.objects.filter(pk=item.artifact_id).update(slug=r2.artifact.slug)
    return item


def test_the_same_ai_output_in_a_translation_is_offered_and_fixed_with_the_same_answer(author):
    w = _reliance_world(author)
    french = _translation(w, author)
    r2 = w.items["R2"]
    [twin] = artifact_truth_twins(artifact=Artifact.objects.select_related("case__module__version__course")
                                  .get(pk=r2.artifact_id), user=author)
    assert (twin.artifact.pk, twin.language, twin.qualifies) == (french.artifact_id, "fr", True)
    artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                       keys={r2.pk: {"answer": "b"}}, also_fix=[french.artifact_id])
    assert ItemKey.objects.get(item=french).answer == {"answer": "b"}
    assert Artifact.objects.get(pk=french.artifact_id).ai_correct is False


def test_a_translation_someone_else_authors_cannot_be_fixed_with_it(author):
    w = _reliance_world(author)
    french = _translation(w, UserFactory())
    r2 = w.items["R2"]
    [twin] = artifact_truth_twins(artifact=Artifact.objects.select_related("case__module__version__course")
                                  .get(pk=r2.artifact_id), user=author)
    assert not twin.qualifies and twin.refusal == "You are not an author of this course."
    with pytest.raises(ApplicationError) as error:
        artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                           keys={r2.pk: {"answer": "b"}}, also_fix=[french.artifact_id])
    assert error.value.status_code == 400 and "also_fix" in error.value.errors
    assert Artifact.objects.get(pk=r2.artifact_id).ai_correct is True and not TruthFix.objects.exists()


# ---------------------------------------------------------------- dry run, regrade, aggregates

def test_the_dry_run_counts_the_grades_and_the_trainees_whose_figures_change(author):
    w = _reliance_world(author)
    r2 = w.items["R2"]
    fix = artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                             keys={r2.pk: {"answer": "b"}})
    job = regrade.regrade_job_create(item=r2, user=author, key_fix=KeyFix.objects.get(truth_fix=fix))
    figures = regrade.regrade_job_dry_run(job_id=job.pk).dry_run
    # Alice accepted the AI (right then, wrong now): 1 -> 0; Bob overrode it with "b": 0 -> 1.
    counts = tuple(figures[name] for name in ("total", "changed", "up", "down", "trainees"))
    assert counts == (2, 2, 1, 1, 2)


def test_after_the_regrade_the_reliance_figures_equal_a_recomputation_from_scratch(author):
    w = _reliance_world(author)
    _assert_equal_to_a_recomputation_from_scratch()  # the check holds before any fix
    alice, bob = w.people["alice"], w.people["bob"]
    before = {(c.trainee_id, c.name): c.value for c in MeasureCounter.objects.filter(name__startswith="rel.")}
    r2 = w.items["R2"]
    fix = artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                             keys={r2.pk: {"answer": "b"}})
    [job] = _fix_and_regrade(fix, author)
    assert (job.status, job.changed) == (RegradeJob.Status.DONE, 2)
    after = {(c.trainee_id, c.name): c.value for c in MeasureCounter.objects.filter(name__startswith="rel.")}
    # Alice's accepted decision about R2 moved from "AI right" to "AI wrong, accepted" (fooled).
    assert (before[(alice.pk, "rel.W.accepted")], after[(alice.pk, "rel.W.accepted")]) == (1, 2)
    assert (before[(bob.pk, "rel.R.n")], after[(bob.pk, "rel.R.n")]) == (1, 0)
    _assert_equal_to_a_recomputation_from_scratch()


def test_a_truth_fixed_back_and_regraded_twice_still_equals_a_recomputation_from_scratch(author):
    w = _reliance_world(author)
    r1, r2 = w.items["R1"], w.items["R2"]
    answer(w, w.people["carol"], "R1", initial="a", decision="override", own="b", confidence=30)
    fix = artifact_truth_fix(artifact=r1.artifact, correct=True, failure_modes=[], reason="It was right.",
                             user=author)
    _fix_and_regrade(fix, author)
    fix = artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                             keys={r2.pk: {"answer": "b"}})
    _fix_and_regrade(fix, author)
    _assert_equal_to_a_recomputation_from_scratch()
    fix = artifact_truth_fix(artifact=Artifact.objects.get(pk=r1.artifact_id), correct=False, failure_modes=[],
                             reason="It was wrong after all.", user=author, keys={r1.pk: {"answer": "b"}})
    _fix_and_regrade(fix, author)
    _assert_equal_to_a_recomputation_from_scratch()


def test_a_twin_s_regrade_moves_its_own_trainees_figures_to_the_recomputation(author):
    w = _reliance_world(author)
    second = course_version_create_draft(course=w.course, user=author)
    CourseVersion.objects.filter(pk=second.pk).update(status="published", published_at=timezone.now())
    twin_item = Item.objects.get(case__module__version=second, slug="r2")
    w.items["R2-v2"] = twin_item
    answer(w, w.people["carol"], "R2-v2", initial="b", decision="override", own="b", confidence=70)
    r2 = w.items["R2"]
    fix = artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=[], reason="Misread.", user=author,
                             keys={r2.pk: {"answer": "b"}}, also_fix=[twin_item.artifact_id])
    jobs = _fix_and_regrade(fix, author)
    assert sorted(job.changed for job in jobs) == [1, 2]
    assert MeasureCounter.objects.get(trainee=w.people["carol"], name="rel.W.correct").value == 1
    _assert_equal_to_a_recomputation_from_scratch()


# ---------------------------------------------------------------- pages

def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_fixing_the_truth_in_the_studio_then_regrading(author):
    w = _reliance_world(author)
    r2 = w.items["R2"]
    client = _client(author)
    assert client.get(reverse("studio:truth-fix", args=[r2.artifact_id])).status_code == 200
    response = client.post(reverse("studio:truth-fix", args=[r2.artifact_id]), {
        "correct": "no", "reason": "The label was misread.", f"key_{r2.pk}": "b",
    })
    assert response.status_code == 302
    job = RegradeJob.objects.get(item=r2)
    assert response["Location"] == reverse("studio:regrade-job", args=[job.pk])
    regrade.regrade_job_dry_run(job_id=job.pk)
    page = client.get(reverse("studio:regrade-job", args=[job.pk])).content.decode()
    assert "Ground truth before" in page and "Trainees whose figures change" in page
    client.post(reverse("studio:regrade-start", args=[job.pk]))
    regrade.regrade_job_step(job_id=job.pk)
    _assert_equal_to_a_recomputation_from_scratch()


def test_a_truth_fix_without_the_right_answer_is_refused_on_the_page_saying_where(author):
    w = _reliance_world(author)
    r2 = w.items["R2"]
    client = _client(author)
    response = client.post(reverse("studio:truth-fix", args=[r2.artifact_id]), {"correct": "no", "reason": "Why."})
    assert response.status_code == 400
    assert "the AI&#x27;s answer is wrong now" in response.content.decode()
    assert Artifact.objects.get(pk=r2.artifact_id).ai_correct is True


def test_the_truth_of_a_draft_is_not_fixed_on_this_page(author):
    w = _reliance_world(author)
    CourseVersion.objects.filter(pk=w.version.pk).update(status="draft", published_at=None)
    client = _client(author)
    assert client.get(reverse("studio:truth-fix", args=[w.items["R1"].artifact_id])).status_code == 404
