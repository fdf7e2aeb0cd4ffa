"""The submit and grading services on the database (grading called directly)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from progress.models import MeasureCounter, ModuleProgress
from quizzes import services
from quizzes.models import Attempt, Grade, Response
from tests.factories import ItemFactory, ModuleFactory, UserFactory
from training.errors import ApplicationError, Conflict


@pytest.fixture
def attempt(trainee, module):
    return services.attempt_start(trainee=trainee, module=module)


def test_submit_stores_the_response_and_enqueues_after_commit(attempt, single_choice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response, created = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    assert created
    assert response.state == Response.State.SUBMITTED
    assert len(callbacks) == 1


def test_the_same_answer_twice_yields_one_response(attempt, single_choice):
    first, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    second, created = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    assert not created
    assert second.pk == first.pk
    assert Response.objects.count() == 1


def test_a_different_second_answer_is_refused(attempt, single_choice):
    services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    with pytest.raises(Conflict):
        services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "a"})
    assert Response.objects.get().answer == {"answer": "b"}


def test_an_invalid_answer_names_the_field(attempt, single_choice):
    with pytest.raises(ApplicationError) as error:
        services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "zz"})
    assert "answer.answer" in error.value.errors
    assert not Response.objects.exists()


def test_decide_first_refuses_a_final_answer_before_the_unaided_one(attempt, decide_first):
    with pytest.raises(Conflict):
        services.response_submit(attempt=attempt, item=decide_first, answer={"decision": "accept", "confidence": 60})
    assert not Response.objects.exists()


def test_decide_first_keeps_the_unaided_answer_with_the_final_one(attempt, decide_first):
    services.response_answer_unaided(attempt=attempt, item=decide_first, answer={"answer": "wait"})
    response, _ = services.response_submit(attempt=attempt, item=decide_first, answer={"decision": "accept", "confidence": 60})
    assert response.initial_answer == {"answer": "wait"}
    assert response.state == Response.State.SUBMITTED


def test_the_unaided_answer_cannot_be_changed(attempt, decide_first):
    services.response_answer_unaided(attempt=attempt, item=decide_first, answer={"answer": "wait"})
    with pytest.raises(Conflict):
        services.response_answer_unaided(attempt=attempt, item=decide_first, answer={"answer": "start"})


def test_grading_writes_one_grade_and_moves_aggregates(attempt, single_choice, trainee):
    response, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    services.response_grade(response_id=response.pk)
    services.response_grade(response_id=response.pk)  # delivered twice
    assert Grade.objects.filter(response=response).count() == 1
    assert Grade.objects.get().score == 1
    progress = ModuleProgress.objects.get(trainee=trainee)
    assert (progress.items_graded, progress.score_sum) == (1, 1.0)
    assert MeasureCounter.objects.get(trainee=trainee, name="items.n").value == 1


def test_grading_a_reliance_decision_counts_automation_bias(attempt, decide_first, trainee):
    services.response_answer_unaided(attempt=attempt, item=decide_first, answer={"answer": "wait"})
    response, _ = services.response_submit(attempt=attempt, item=decide_first, answer={"decision": "accept", "confidence": 90})
    services.response_grade(response_id=response.pk)
    counters = dict(MeasureCounter.objects.filter(trainee=trainee).values_list("name", "value"))
    assert counters["rel.W.accepted"] == 1
    assert counters["rsr.den"] == 1 and counters.get("rsr.num", 0) == 0
    assert counters["conf.brier"] == pytest.approx(0.81)


def test_completing_every_item_completes_the_module(single_choice, attempt, trainee):
    response, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "a"})
    services.response_grade(response_id=response.pk)
    assert ModuleProgress.objects.get(trainee=trainee).completed_at is not None


def test_free_text_waits_for_a_faculty_member(attempt, case, trainee):
    item = ItemFactory(case=case, type="free_text", spec={},
                       key={"criteria": [{"id": "c1", "text": "Names the shortcut", "points": 2, "look_for": [["portable"]]}]})
    response, _ = services.response_submit(attempt=attempt, item=item, answer={"text": "A portable film."})
    services.response_grade(response_id=response.pk)
    response.refresh_from_db()
    assert response.state == Response.State.REVIEW
    assert not MeasureCounter.objects.filter(trainee=trainee).exists()


def test_confirming_a_free_text_grade_counts_it_once(attempt, case, trainee):
    item = ItemFactory(case=case, type="free_text", spec={},
                       key={"criteria": [{"id": "c1", "text": "Names the shortcut", "points": 2, "look_for": [["portable"]]}]})
    response, _ = services.response_submit(attempt=attempt, item=item, answer={"text": "A portable film."})
    services.response_grade(response_id=response.pk)
    faculty = UserFactory()
    services.response_review_confirm(response=response, reviewer=faculty, points={"c1": 1})
    services.response_review_confirm(response=response, reviewer=faculty, points={"c1": 2})
    assert Grade.objects.get(response=response).score == 1
    assert MeasureCounter.objects.get(trainee=trainee, name="items.score").value == 1
    assert MeasureCounter.objects.get(trainee=trainee, name="items.n").value == 1


def test_confirming_refuses_points_above_the_criterion(attempt, case):
    item = ItemFactory(case=case, type="free_text", spec={},
                       key={"criteria": [{"id": "c1", "text": "T", "points": 2, "look_for": [["x"]]}]})
    response, _ = services.response_submit(attempt=attempt, item=item, answer={"text": "x"})
    services.response_grade(response_id=response.pk)
    with pytest.raises(ApplicationError) as error:
        services.response_review_confirm(response=response, reviewer=UserFactory(), points={"c1": 3})
    assert "points.c1" in error.value.errors


def test_a_broken_key_marks_the_response_failed_with_the_reason(attempt, single_choice):
    from quizzes.tasks import grade_response

    response, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    single_choice.key.answer = {}
    single_choice.key.save()
    grade_response.apply(args=(response.pk,))
    response.refresh_from_db()
    assert response.state == Response.State.FAILED
    assert "KeyError" in response.failure_reason


def test_sweeper_reenqueues_only_responses_past_the_timeout(attempt, single_choice, case):
    old, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    Response.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(minutes=10))
    recent, _ = services.response_submit(attempt=attempt, item=ItemFactory(case=case), answer={"answer": "b"})
    assert services.sweep_ungraded(older_than=timedelta(minutes=2), limit=10) == [old.pk]


def test_attempt_start_refuses_a_course_not_assigned(trainee):
    with pytest.raises(ApplicationError) as error:
        services.attempt_start(trainee=trainee, module=ModuleFactory())
    assert error.value.status_code == 403


def test_attempt_start_returns_the_open_attempt(trainee, module):
    first = services.attempt_start(trainee=trainee, module=module)
    assert services.attempt_start(trainee=trainee, module=module).pk == first.pk
    assert Attempt.objects.count() == 1


def test_a_submitted_attempt_takes_no_more_answers(attempt, single_choice):
    services.attempt_submit(attempt=attempt)
    with pytest.raises(Conflict):
        services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})


def test_a_swept_response_waits_a_full_timeout_before_the_next_sweep(attempt, single_choice, case, monkeypatch):
    timeout = timedelta(minutes=2)
    long_ago = timezone.now() - timedelta(minutes=10)
    first, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    second, _ = services.response_submit(attempt=attempt, item=ItemFactory(case=case), answer={"answer": "b"})
    Response.objects.filter(pk=first.pk).update(submitted_at=long_ago)
    Response.objects.filter(pk=second.pk).update(submitted_at=long_ago + timedelta(seconds=1))
    # Every grading message is lost, whether Celery is eager or not: both stay ungraded.
    enqueued = []
    monkeypatch.setattr(services, "publish_rollback_unsafe", lambda name, pk: enqueued.append(pk))

    before = timezone.now()
    assert services.sweep_ungraded(older_than=timeout, limit=1) == [first.pk]
    first.refresh_from_db()
    assert before <= first.swept_at <= timezone.now()  # stamped
    assert services.sweep_ungraded(older_than=timeout, limit=1) == [second.pk]  # the next oldest
    assert services.sweep_ungraded(older_than=timeout, limit=1) == []
    Response.objects.filter(pk=first.pk).update(swept_at=timezone.now() - timeout + timedelta(seconds=30))
    assert services.sweep_ungraded(older_than=timeout, limit=1) == []  # not yet a full timeout
    Response.objects.filter(pk=first.pk).update(swept_at=long_ago)  # a timeout later, still ungraded
    assert services.sweep_ungraded(older_than=timeout, limit=1) == [first.pk]
    assert enqueued == [first.pk, second.pk, first.pk]
    assert set(Response.objects.values_list("state", flat=True)) == {Response.State.SUBMITTED}
