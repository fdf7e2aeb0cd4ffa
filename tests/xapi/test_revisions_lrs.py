"""A regrade's voiding and revised statements reach a real LRS (Ralph's, on loopback), which
takes them as valid xAPI; sent again (a reply lost), they are still one statement each."""
import pytest
from django.utils import timezone

from quizzes import services as quiz_services
from tests.ralph_lrs import KEY, SECRET, ralph  # noqa: F401 - the fixture
from tests.xapi.test_revisions import _regrade, author  # noqa: F401 - the fixture
from xapi import emit, services
from xapi.models import LrsSettings, OutboxStatement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def _deliver(lrs):
    return services.deliver(school_id=lrs.school_id, budget_seconds=30)


def _submitted(ralph, lrs, trainee, module, item):
    """The school sends to Ralph; the trainee's answer "a" is submitted, not graded yet."""
    LrsSettings.objects.filter(pk=lrs.pk).update(endpoint=ralph.endpoint, key=KEY, secret=SECRET)
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    return quiz_services.response_submit(attempt=attempt, item=item, answer={"answer": "a"})[0]


@pytest.mark.django_db
def test_a_regrade_reaches_the_lrs_as_a_voiding_and_a_new_score_each_once(ralph, lrs, trainee, module,
                                                                          single_choice, author):
    response = _submitted(ralph, lrs, trainee, module, single_choice)
    quiz_services.response_grade(response_id=response.pk)
    assert _deliver(lrs)["sent"] == 3  # attempted, answered, completed
    answered = str(OutboxStatement.objects.get(verb="answered").id)

    _regrade(single_choice, {"answer": "a"}, author)
    assert _deliver(lrs) == {"sent": 2, "failed": 0, "deferred": 0}  # Ralph validated both

    OutboxStatement.objects.update(status="pending", next_attempt_at=timezone.now())  # replies lost: posted again
    emit.grades_revised(response_ids=[response.pk])  # and the regrade's statements written again
    assert OutboxStatement.objects.count() == 5
    assert _deliver(lrs)["sent"] == 5
    stored = ralph.statements()
    ids = [s["id"] for s in stored]
    assert len(ids) == len(set(ids)) == 5
    [voiding] = [s for s in stored if s["verb"]["id"] == VOIDED]
    assert voiding["object"]["id"] == answered
    [scored] = [s for s in stored if s["verb"]["id"].endswith("/scored")]
    assert scored["result"]["score"]["scaled"] == 1.0


@pytest.mark.django_db
def test_a_first_grade_from_a_regrade_reaches_the_lrs_as_one_answered_statement(ralph, lrs, trainee, module,
                                                                                single_choice, author):
    response = _submitted(ralph, lrs, trainee, module, single_choice)
    quiz_services.response_mark_failed(response_id=response.pk, reason="The grader crashed.")
    assert _deliver(lrs)["sent"] == 1  # attempted only: nothing said of an answer without a grade

    _regrade(single_choice, {"answer": "a"}, author)
    assert _deliver(lrs) == {"sent": 2, "failed": 0, "deferred": 0}  # answered, completed
    _regrade(single_choice, {"answer": "b"}, author)
    assert _deliver(lrs) == {"sent": 2, "failed": 0, "deferred": 0}  # voided, scored: a revision

    OutboxStatement.objects.update(status="pending", next_attempt_at=timezone.now())  # replies lost: posted again
    assert _deliver(lrs)["sent"] == 5
    stored = ralph.statements()
    assert len({s["id"] for s in stored}) == len(stored) == 5
    [answered] = [s for s in stored if s["verb"]["id"].endswith("/answered")]
    assert answered["result"]["success"] is True
    [scored] = [s for s in stored if s["verb"]["id"].endswith("/scored")]
    assert scored["result"]["success"] is False and scored["context"]["statement"]["id"] == answered["id"]
