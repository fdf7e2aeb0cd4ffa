"""The grading task's one read (``quizzes.to_grade``): the response locked with everything
grading reads, loaded as ``select_related`` would, read afresh each time, its lock wait bounded."""
import time

import pytest
from django.db import OperationalError, transaction

from courses.models import ItemKey
from quizzes import services, to_grade
from quizzes.models import Grade, Response
from tests.factories import AttemptFactory, ResponseFactory
from tests.row_lock import RowHolder

pytestmark = pytest.mark.django_db


def submitted(attempt, item, answer) -> Response:
    return ResponseFactory(attempt=attempt, item=item, state=Response.State.SUBMITTED, answer=answer)


def test_the_response_comes_with_its_item_key_artifact_case_attempt_and_codes(trainee, module, decide_first,
                                                                              django_assert_num_queries):
    attempt = AttemptFactory(trainee=trainee, module=module)
    response = ResponseFactory(attempt=attempt, item=decide_first, state=Response.State.SUBMITTED,
                               initial_answer={"answer": "start"}, answer={"decision": "accept", "confidence": 70})
    with transaction.atomic():
        loaded, codes = to_grade.response_to_grade(response_id=response.pk)
        with django_assert_num_queries(0):
            read = (loaded.answer, loaded.initial_answer, loaded.item.key.answer, loaded.item.artifact.ai_correct,
                    loaded.item.artifact.content["output"], loaded.item.case.vignette, loaded.attempt.module_slug,
                    getattr(loaded, "grade", None), loaded.item.key.item is loaded.item)
    assert read == ({"decision": "accept", "confidence": 70}, {"answer": "start"}, {"answer": "wait"}, False,
                    "High", decide_first.case.vignette, module.slug, None, True)
    assert codes == ["OVS"]


def test_a_graded_response_comes_with_its_grade(trainee, module, single_choice, django_assert_num_queries):
    response = submitted(AttemptFactory(trainee=trainee, module=module), single_choice, {"answer": "b"})
    grade = services.response_grade(response_id=response.pk)
    with transaction.atomic():
        loaded, _codes = to_grade.response_to_grade(response_id=response.pk)
        with django_assert_num_queries(0):
            read = (loaded.state, loaded.grade.pk, loaded.grade.score, loaded.grade.response is loaded)
    assert read == (Response.State.GRADED, grade.pk, 1.0, True)


def test_no_such_response_is_none():
    with transaction.atomic():
        assert to_grade.response_to_grade(response_id=987654) is None


def test_a_key_changed_between_two_grades_counts_from_the_next_grade(module, single_choice):
    first = submitted(AttemptFactory(module=module), single_choice, {"answer": "a"})
    second = submitted(AttemptFactory(module=module), single_choice, {"answer": "a"})
    assert services.response_grade(response_id=first.pk).score == 0.0
    ItemKey.objects.filter(item=single_choice).update(answer={"answer": "a"})
    assert services.response_grade(response_id=second.pk).score == 1.0


def test_the_grade_returned_is_the_row_stored(trainee, module, single_choice):
    response = submitted(AttemptFactory(trainee=trainee, module=module), single_choice, {"answer": "b"})
    grade = services.response_grade(response_id=response.pk)
    stored = Grade.objects.get(response=response)
    assert (grade.pk, grade.score, grade.detail, grade.contribution, grade._state.adding) == (
        stored.pk, stored.score, stored.detail, stored.contribution, False)
    response.refresh_from_db()
    assert (response.state, response.grading_tries) == (Response.State.GRADED, 1)


@pytest.mark.django_db(transaction=True)
def test_a_grade_waits_for_a_held_row_no_longer_than_the_lock_wait_and_writes_nothing(trainee, module, single_choice,
                                                                                       monkeypatch):
    monkeypatch.setattr(to_grade, "LOCK_WAIT", "300ms")
    response = submitted(AttemptFactory(trainee=trainee, module=module), single_choice, {"answer": "b"})
    holder = RowHolder(response.pk)
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="lock timeout"):
            services.response_grade(response_id=response.pk)
        waited = time.monotonic() - started
    finally:
        holder.release()
    assert 0.25 < waited < 5
    response.refresh_from_db()
    assert (response.state, Grade.objects.filter(response=response).exists()) == (Response.State.SUBMITTED, False)
    assert services.response_grade(response_id=response.pk).score == 1.0  # once the row is free
