"""Statements are queued in the transaction of what they report, once per id, only for a
school that sends them, and only with what the trainee may see."""
import json

import pytest
from django.db import transaction
from ralph.models.xapi.base.statements import BaseXapiStatement

from cohorts import services as cohort_services
from quizzes import services as quiz_services
from quizzes.models import Response
from tests.factories import UserFactory
from xapi import statements as st
from xapi.emit import release_due_results
from xapi.models import LrsSettings, OutboxStatement, PendingResult


def _verbs():
    return [s.statement["verb"]["display"]["en-US"] for s in OutboxStatement.objects.order_by("created_at", "verb")]


def _answer(trainee, module, item, answer):
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    response, _ = quiz_services.response_submit(attempt=attempt, item=item, answer=answer)
    quiz_services.response_grade(response_id=response.pk)
    return attempt, response


def test_opening_an_attempt_queues_an_attempted_statement(lrs, trainee, module):
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    row = OutboxStatement.objects.get()
    assert row.id.hex == st.statement_id(lrs.pseudonym_key, "attempted", attempt.pk).replace("-", "")
    assert row.school_id == lrs.school_id and row.status == "pending"
    BaseXapiStatement(**row.statement)


def test_a_school_that_does_not_send_statements_queues_none(lrs, trainee, module, single_choice):
    LrsSettings.objects.filter(pk=lrs.pk).update(enabled=False)
    _answer(trainee, module, single_choice, {"answer": "b"})
    assert not OutboxStatement.objects.exists()


def test_a_grade_queues_its_answered_statement_with_the_result_when_feedback_is_immediate(
        lrs, trainee, module, single_choice):
    _attempt, response = _answer(trainee, module, single_choice, {"answer": "b"})
    row = OutboxStatement.objects.get(verb="answered")
    assert row.statement["result"]["score"]["scaled"] == 1.0
    assert row.statement["result"]["response"] == "b"
    assert not PendingResult.objects.exists()


def test_the_statement_rolls_back_with_the_grade(lrs, trainee, module, single_choice):
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    response, _ = quiz_services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    with pytest.raises(RuntimeError), transaction.atomic():
        quiz_services.response_grade(response_id=response.pk)
        raise RuntimeError("the grade's transaction fails after the grade")
    assert not OutboxStatement.objects.filter(verb="answered").exists()


def test_grading_the_same_answer_twice_queues_one_statement(lrs, trainee, module, single_choice):
    _attempt, response = _answer(trainee, module, single_choice, {"answer": "b"})
    Response.objects.filter(pk=response.pk).update(state=Response.State.SUBMITTED)  # a second delivery
    quiz_services.response_grade(response_id=response.pk)
    assert OutboxStatement.objects.filter(verb="answered").count() == 1


def test_the_last_graded_item_of_a_module_queues_a_completed_statement(lrs, trainee, module, single_choice):
    _answer(trainee, module, single_choice, {"answer": "a"})
    assert _verbs() == ["attempted", "answered", "completed"]


def test_before_feedback_is_due_neither_the_score_nor_the_ai_truth_is_sent(lrs, trainee, module, decide_first):
    module.feedback_policy = "after_attempt"
    module.save()
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    quiz_services.response_answer_unaided(attempt=attempt, item=decide_first, answer={"answer": "start"})
    response, _ = quiz_services.response_submit(attempt=attempt, item=decide_first,
                                                answer={"decision": "override", "answer": "wait", "confidence": 60})
    quiz_services.response_grade(response_id=response.pk)
    text = json.dumps(OutboxStatement.objects.get(verb="answered").statement)
    assert '"score"' not in text and '"success"' not in text and st.EXT_AI_CORRECT not in text
    assert st.EXT_UNAIDED_ANSWER in text and st.EXT_DECISION in text
    assert PendingResult.objects.filter(response=response).exists()


def test_submitting_the_attempt_sends_the_result_held_back(lrs, trainee, module, decide_first):
    module.feedback_policy = "after_attempt"
    module.save()
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    quiz_services.response_answer_unaided(attempt=attempt, item=decide_first, answer={"answer": "start"})
    response, _ = quiz_services.response_submit(attempt=attempt, item=decide_first,
                                                answer={"decision": "accept", "confidence": 90})
    quiz_services.response_grade(response_id=response.pk)
    quiz_services.attempt_submit(attempt=attempt)
    scored = OutboxStatement.objects.get(verb="scored").statement
    assert scored["result"]["success"] is False  # the AI was wrong, and was accepted
    assert scored["result"]["extensions"][st.EXT_AI_CORRECT] is False
    assert scored["context"]["statement"]["id"] == st.statement_id(lrs.pseudonym_key, "answered", response.pk)
    assert not PendingResult.objects.exists()


def test_the_sweeper_sends_no_result_while_the_due_date_is_ahead(lrs, trainee, module, single_choice):
    from datetime import timedelta

    from django.utils import timezone
    from schools.models import Assignment

    module.feedback_policy = "after_due"
    module.save()
    Assignment.objects.update(due_at=timezone.now() + timedelta(days=1))
    attempt, _response = _answer(trainee, module, single_choice, {"answer": "b"})
    quiz_services.attempt_submit(attempt=attempt)
    release_due_results()
    assert not OutboxStatement.objects.filter(verb="scored").exists()
    Assignment.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    release_due_results()
    assert OutboxStatement.objects.filter(verb="scored").count() == 1


def test_a_pseudonymous_school_never_sends_the_username(lrs, trainee, module, single_choice):
    LrsSettings.objects.filter(pk=lrs.pk).update(actor_mode="pseudonym")
    _answer(trainee, module, single_choice, {"answer": "b"})
    for row in OutboxStatement.objects.all():
        assert trainee.username not in json.dumps(row.statement)
    names = {row.statement["actor"]["account"]["name"] for row in OutboxStatement.objects.all()}
    assert len(names) == 1


def test_issuing_attestations_queues_an_earned_statement_per_attestation(lrs, trainee, module, single_choice):
    _answer(trainee, module, single_choice, {"answer": "b"})
    cohort = trainee.enrollments.get().cohort
    with transaction.atomic():
        issued = cohort_services.attestations_issue(cohort=cohort, course=module.version.course,
                                                    issued_by=UserFactory())
    rows = OutboxStatement.objects.filter(verb="earned")
    assert len(issued) == 1 and rows.count() == 1
    assert rows.get().statement["context"]["extensions"][st.EXT_ATTESTATION_CODE] == issued[0].code
