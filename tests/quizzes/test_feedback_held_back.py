"""A trainee's own reliance figures say whether the AI was right: they wait for the feedback."""
import pytest
from rest_framework.test import APIClient

from courses.models import Module
from quizzes import services

pytestmark = pytest.mark.django_db


def _accept_the_wrong_ai(trainee, module, decide_first):
    """The trainee accepts a wrong AI output (decide-first), graded at once."""
    attempt = services.attempt_start(trainee=trainee, module=module)
    services.response_answer_unaided(attempt=attempt, item=decide_first, answer={"answer": "wait"})
    response, _ = services.response_submit(attempt=attempt, item=decide_first,
                                           answer={"decision": "accept", "confidence": 60})
    services.response_grade(response_id=response.pk)
    return attempt


def _my_automation_bias(trainee):
    client = APIClient()
    client.force_authenticate(trainee)
    return client.get("/api/v1/me/reliance/").json()["measures"]["reliance"]["automation_bias_rate"]


def _policy(module, policy):
    Module.objects.filter(pk=module.pk).update(feedback_policy=policy)
    module.refresh_from_db()


def test_an_open_attempt_with_feedback_after_it_adds_nothing_yet(trainee, module, decide_first):
    _policy(module, Module.FeedbackPolicy.AFTER_ATTEMPT)
    _accept_the_wrong_ai(trainee, module, decide_first)
    assert _my_automation_bias(trainee) is None


def test_the_decision_counts_once_the_attempt_is_submitted(trainee, module, decide_first):
    _policy(module, Module.FeedbackPolicy.AFTER_ATTEMPT)
    attempt = _accept_the_wrong_ai(trainee, module, decide_first)
    services.attempt_submit(attempt=attempt)
    assert _my_automation_bias(trainee) == 1.0


def test_with_immediate_feedback_the_decision_counts_at_once(trainee, module, decide_first):
    _policy(module, Module.FeedbackPolicy.IMMEDIATE)
    _accept_the_wrong_ai(trainee, module, decide_first)
    assert _my_automation_bias(trainee) == 1.0


def test_the_profile_page_waits_too(client, trainee, module, decide_first):
    _policy(module, Module.FeedbackPolicy.AFTER_ATTEMPT)
    _accept_the_wrong_ai(trainee, module, decide_first)
    client.force_login(trainee)
    page = client.get("/learn/me/reliance/").content.decode()
    assert "100%" not in page
