"""A result the LRS was told, changed by a regrade, a key or ground-truth fix or a faculty
member, is withdrawn the xAPI way: the statement that told it is voided, and a new
``scored`` statement tells the new result; the ids follow from what they report, so a
replay is the same statements."""
import json

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement

from quizzes import regrade
from quizzes import services as quiz_services
from quizzes.models import RegradeJob
from quizzes.truth_fix import artifact_truth_fix, truth_fix_key_fixes
from tests.factories import ItemFactory, MembershipFactory
from schools.models import Role
from xapi import emit
from xapi import statements as st
from xapi.models import OutboxStatement, ReportedResult

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@pytest.fixture
def author(school):
    return MembershipFactory(school=school, role=Role.FACULTY).user


def _answer(trainee, module, item, answer, *, unaided=None):
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    if unaided is not None:
        quiz_services.response_answer_unaided(attempt=attempt, item=item, answer=unaided)
    response, _ = quiz_services.response_submit(attempt=attempt, item=item, answer=answer)
    quiz_services.response_grade(response_id=response.pk)
    return attempt, response


def _regrade(item, new_key, user):
    fix = regrade.item_key_fix(item=item, new_answer=new_key, reason="The key was swapped.", user=user)
    _run(regrade.regrade_job_create(item=item, user=user, key_fix=fix), user)


def _run(job, user):
    regrade.regrade_job_dry_run(job_id=job.pk)
    regrade.regrade_job_start(job=RegradeJob.objects.get(pk=job.pk), user=user)
    while not regrade.regrade_job_step(job_id=job.pk):
        pass


def _rows(verb):
    return list(OutboxStatement.objects.filter(verb=verb).order_by("created_at"))


def _valid(statement):
    return BaseXapiStatement(**json.loads(json.dumps(statement)))


def test_a_regrade_voids_the_answered_statement_and_sends_the_new_score(lrs, trainee, module, single_choice, author):
    _attempt, response = _answer(trainee, module, single_choice, {"answer": "a"})  # the key is "b": wrong
    answered = st.statement_id(lrs.pseudonym_key, "answered", response.pk)
    _regrade(single_choice, {"answer": "a"}, author)
    [voiding], [scored] = _rows("voided"), _rows("scored")
    assert _valid(voiding.statement) and _valid(scored.statement)
    assert voiding.statement["verb"]["id"] == VOIDED
    assert voiding.statement["object"] == {"objectType": "StatementRef", "id": answered}
    assert scored.statement["result"]["score"]["scaled"] == 1.0 and scored.statement["result"]["success"] is True
    assert scored.statement["result"]["response"] == "a"  # repeated: the answered statement is voided


def test_the_voiding_statement_names_vigil_not_the_trainee(lrs, trainee, module, single_choice, author):
    _answer(trainee, module, single_choice, {"answer": "a"})
    _regrade(single_choice, {"answer": "a"}, author)
    [voiding], [scored] = _rows("voided"), _rows("scored")
    assert voiding.user_id is None and voiding.statement["actor"]["account"]["name"] == "vigil"
    assert scored.user_id == trainee.pk


def test_a_second_regrade_voids_the_first_revision(lrs, trainee, module, single_choice, author):
    _attempt, response = _answer(trainee, module, single_choice, {"answer": "a"})
    _regrade(single_choice, {"answer": "a"}, author)
    _regrade(single_choice, {"answer": "b"}, author)
    first, second = _rows("scored")
    assert first.id.hex == st.statement_id(lrs.pseudonym_key, "scored", response.pk, 1).replace("-", "")
    assert second.id.hex == st.statement_id(lrs.pseudonym_key, "scored", response.pk, 2).replace("-", "")
    assert {v.statement["object"]["id"] for v in _rows("voided")} == {
        st.statement_id(lrs.pseudonym_key, "answered", response.pk), str(first.id)}
    assert second.statement["result"]["success"] is False
    assert ReportedResult.objects.get(response=response).revision == 2


def test_revising_again_without_a_change_sends_nothing(lrs, trainee, module, single_choice, author):
    _attempt, response = _answer(trainee, module, single_choice, {"answer": "a"})
    _regrade(single_choice, {"answer": "a"}, author)
    before = OutboxStatement.objects.count()
    assert emit.grades_revised(response_ids=[response.pk]) == 0
    assert OutboxStatement.objects.count() == before


def test_a_regrade_that_changes_no_score_sends_nothing(lrs, trainee, module, single_choice, author):
    _answer(trainee, module, single_choice, {"answer": "a"})
    _run(regrade.regrade_job_create(item=single_choice, user=author, reason="Check the grades."), author)
    assert not _rows("voided") and not _rows("scored")


def test_a_result_still_held_back_is_sent_once_with_the_new_score(lrs, trainee, module, single_choice, author):
    module.feedback_policy = "after_attempt"
    module.save()
    attempt, _response = _answer(trainee, module, single_choice, {"answer": "a"})
    _regrade(single_choice, {"answer": "a"}, author)
    assert not _rows("voided") and not _rows("scored")
    quiz_services.attempt_submit(attempt=attempt)
    [scored] = _rows("scored")
    assert scored.statement["result"]["success"] is True and not _rows("voided")


def test_a_faculty_member_changing_a_confirmed_grade_revises_it(lrs, trainee, module, case, author):
    key = {"criteria": [{"id": "c", "text": "Names the bias", "points": 2, "look_for": [["bias"]]}]}
    item = ItemFactory(case=case, type="free_text", spec={}, key=key)
    _attempt, response = _answer(trainee, module, item, {"text": "A shortcut."})
    quiz_services.response_review_confirm(response=response, reviewer=author, points={"c": 1})
    [answered] = _rows("answered")
    assert answered.statement["result"]["score"]["raw"] == 0.5
    quiz_services.response_review_confirm(response=response, reviewer=author, points={"c": 2})
    [voiding], [scored] = _rows("voided"), _rows("scored")
    assert voiding.statement["object"]["id"] == str(answered.id)
    assert scored.statement["result"]["score"]["raw"] == 1.0
    _valid(scored.statement)


def test_a_ground_truth_fix_sends_the_new_truth_and_score(lrs, trainee, module, decide_first, author):
    _answer(trainee, module, decide_first, {"decision": "override", "answer": "wait", "confidence": 60},
            unaided={"answer": "start"})
    [answered] = _rows("answered")
    assert answered.statement["result"]["extensions"][st.EXT_AI_CORRECT] is False
    fix = artifact_truth_fix(artifact=decide_first.artifact, correct=True, failure_modes=[],
                             reason="The expert misread the scan.", user=author)
    for key_fix in truth_fix_key_fixes(fix):
        _run(regrade.regrade_job_create(item=key_fix.item, user=author, key_fix=key_fix), author)
    [voiding], [scored] = _rows("voided"), _rows("scored")
    assert voiding.statement["object"]["id"] == str(answered.id)
    result = scored.statement["result"]
    assert result["extensions"][st.EXT_AI_CORRECT] is True and result["success"] is False
    assert result["extensions"][st.EXT_DECISION] == "override" and result["extensions"][st.EXT_UNAIDED_ANSWER] == "start"
    _valid(scored.statement)


def test_a_school_that_stopped_sending_gets_no_revision(lrs, trainee, module, single_choice, author):
    from xapi.models import LrsSettings

    _answer(trainee, module, single_choice, {"answer": "a"})
    LrsSettings.objects.filter(pk=lrs.pk).update(enabled=False)
    _regrade(single_choice, {"answer": "a"}, author)
    assert not _rows("voided") and not _rows("scored")


# ---------------------------------------------------------------- a first grade given by a regrade

def _failed(trainee, module, item, answer, *, unaided=None):
    """An answer whose grading failed: no grade, so nothing said of it yet."""
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    if unaided is not None:
        quiz_services.response_answer_unaided(attempt=attempt, item=item, answer=unaided)
    response, _ = quiz_services.response_submit(attempt=attempt, item=item, answer=answer)
    quiz_services.response_mark_failed(response_id=response.pk, reason="The grader crashed.")
    return attempt, response


def test_a_regrade_that_gives_an_answer_its_first_grade_sends_its_answered_statement(lrs, trainee, module,
                                                                                     single_choice, author):
    _attempt, response = _failed(trainee, module, single_choice, {"answer": "a"})
    assert not _rows("answered")
    _regrade(single_choice, {"answer": "a"}, author)
    [answered] = _rows("answered")
    assert str(answered.id) == st.statement_id(lrs.pseudonym_key, "answered", response.pk)
    assert answered.statement["result"]["success"] is True and answered.statement["result"]["response"] == "a"
    assert not _rows("voided") and not _rows("scored")  # a first grade: nothing to revise
    assert ReportedResult.objects.get(response=response).statement_id == answered.id
    _valid(answered.statement)


def test_a_later_regrade_of_that_answer_sends_a_revision_not_a_second_answered(lrs, trainee, module, single_choice,
                                                                              author):
    _attempt, response = _failed(trainee, module, single_choice, {"answer": "a"})
    _regrade(single_choice, {"answer": "a"}, author)
    _regrade(single_choice, {"answer": "b"}, author)
    [answered], [voiding], [scored] = _rows("answered"), _rows("voided"), _rows("scored")
    assert voiding.statement["object"]["id"] == str(answered.id)
    assert str(scored.id) == st.statement_id(lrs.pseudonym_key, "scored", response.pk, 1)
    assert scored.statement["result"]["success"] is False


def test_a_ground_truth_fix_that_gives_an_answer_its_first_grade_sends_its_answered_statement(
        lrs, trainee, module, decide_first, author):
    _failed(trainee, module, decide_first, {"decision": "override", "answer": "wait", "confidence": 60},
            unaided={"answer": "start"})
    fix = artifact_truth_fix(artifact=decide_first.artifact, correct=True, failure_modes=[],
                             reason="The expert misread the scan.", user=author)
    for key_fix in truth_fix_key_fixes(fix):
        _run(regrade.regrade_job_create(item=key_fix.item, user=author, key_fix=key_fix), author)
    [answered] = _rows("answered")
    result = answered.statement["result"]
    assert result["extensions"][st.EXT_AI_CORRECT] is True and result["extensions"][st.EXT_UNAIDED_ANSWER] == "start"
    assert not _rows("voided") and not _rows("scored")


def test_a_first_grade_from_a_regrade_holds_its_result_back_until_the_feedback_is_due(lrs, trainee, module,
                                                                                     single_choice, author):
    module.feedback_policy = "after_attempt"
    module.save()
    attempt, response = _failed(trainee, module, single_choice, {"answer": "a"})
    _regrade(single_choice, {"answer": "a"}, author)
    [answered] = _rows("answered")
    assert "score" not in answered.statement.get("result", {}) and not _rows("scored")
    quiz_services.attempt_submit(attempt=attempt)
    [scored] = _rows("scored")
    assert scored.statement["result"]["success"] is True


def test_the_module_completed_by_a_regraded_first_grade_is_said_completed(lrs, trainee, module, single_choice,
                                                                          author):
    _failed(trainee, module, single_choice, {"answer": "a"})  # the module's only item
    assert not _rows("completed")
    _regrade(single_choice, {"answer": "a"}, author)
    assert len(_rows("completed")) == 1


def test_a_grade_given_again_to_an_answer_the_lrs_was_told_is_a_revision(lrs, trainee, module, single_choice, author):
    """Whatever announces a first grade twice, the answer has one ``answered`` statement."""
    from quizzes.models import Grade

    _attempt, response = _answer(trainee, module, single_choice, {"answer": "a"})  # wrong: the key is "b"
    Grade.objects.filter(response=response).update(score=1.0)
    response.refresh_from_db()
    emit.response_graded(response=response, grade=Grade.objects.get(response=response))
    [answered], [scored] = _rows("answered"), _rows("scored")
    assert scored.statement["result"]["score"]["scaled"] == 1.0
    assert _rows("voided")[0].statement["object"]["id"] == str(answered.id)
