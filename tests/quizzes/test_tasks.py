"""The quizzes tasks' names: versioned, and the names from before still run the same bodies
(for the messages a running deployment queued under them). Bodies run eagerly with ``.apply()``."""
import pytest

from quizzes import regrade, services, tasks
from quizzes.models import RegradeJob, Response
from tests.factories import UserFactory
from training.queue import registered_task

VERSIONED = {
    "quizzes.grade_response_v1": tasks.grade_response,
    "quizzes.regrade_dry_run_v1": tasks.regrade_dry_run,
    "quizzes.regrade_run_v1": tasks.regrade_run,
}
OLD_NAMES = {
    "quizzes.grade_response": "quizzes.grade_response_v1",
    "quizzes.regrade_dry_run": "quizzes.regrade_dry_run_v1",
    "quizzes.regrade_run": "quizzes.regrade_run_v1",
}


@pytest.fixture
def response(attempt_and_item):
    attempt, item = attempt_and_item
    return services.response_submit(attempt=attempt, item=item, answer={"answer": "b"})[0]


@pytest.fixture
def attempt_and_item(trainee, module, single_choice):
    return services.attempt_start(trainee=trainee, module=module), single_choice


def test_the_names_services_enqueue_are_the_versioned_tasks():
    assert (services.GRADE_TASK, regrade.DRY_RUN_TASK, regrade.RUN_TASK) == tuple(VERSIONED)
    for name, task in VERSIONED.items():
        assert registered_task(name) == task  # shared_task gives a proxy of the registered task


@pytest.mark.parametrize("old, new", OLD_NAMES.items())
def test_an_old_name_is_registered_with_the_same_policy_and_limits(old, new):
    alias, task = registered_task(old), registered_task(new)
    assert type(alias).__mro__[1] is type(task).__mro__[1]  # the same RetryingTask subclass
    assert (alias.soft_time_limit, alias.time_limit, alias.max_retries, alias.acks_late) == (
        task.soft_time_limit, task.time_limit, task.max_retries, task.acks_late)
    assert f"``{old}``" in alias.__doc__  # the docstring says why it is kept


def test_a_message_under_the_old_grading_name_grades_the_response(response):
    registered_task("quizzes.grade_response").apply(args=(response.pk,))
    response.refresh_from_db()
    assert response.state == Response.State.GRADED


def test_a_message_under_the_old_dry_run_name_computes_the_figures(attempt_and_item):
    attempt, item = attempt_and_item
    services.response_grade(response_id=services.response_submit(attempt=attempt, item=item,
                                                                 answer={"answer": "a"})[0].pk)
    job = regrade.regrade_job_create(item=item, user=UserFactory())
    registered_task("quizzes.regrade_dry_run").apply(args=(job.pk,))
    job.refresh_from_db()
    assert (job.status, job.dry_run["total"]) == (RegradeJob.Status.READY, 1)


def test_a_message_under_the_old_run_name_regrades(attempt_and_item):
    attempt, item = attempt_and_item
    response = services.response_submit(attempt=attempt, item=item, answer={"answer": "a"})[0]
    services.response_grade(response_id=response.pk)
    author = UserFactory()
    fix = regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="Swapped.", user=author)
    job = regrade.regrade_job_create(item=item, user=author, key_fix=fix)
    regrade.regrade_job_dry_run(job_id=job.pk)
    regrade.regrade_job_start(job=RegradeJob.objects.get(pk=job.pk), user=author)
    registered_task("quizzes.regrade_run").apply(args=(job.pk,))
    job.refresh_from_db()
    assert (job.status, job.changed) == (RegradeJob.Status.DONE, 1)
    assert Response.objects.get(pk=response.pk).grade.score == 1.0


@pytest.mark.parametrize("name", ["quizzes.regrade_dry_run_v1", "quizzes.regrade_run_v1"])
def test_a_permanent_error_of_a_regrade_step_marks_the_job_failed_with_the_reason(attempt_and_item, monkeypatch, name):
    _attempt, item = attempt_and_item
    job = regrade.regrade_job_create(item=item, user=UserFactory())

    def broken(**kwargs):
        raise ValueError("the grader cannot read this key")

    monkeypatch.setattr(regrade, "regrade_job_dry_run", broken)
    monkeypatch.setattr(regrade, "regrade_job_step", broken)
    registered_task(name).apply(args=(job.pk,))
    job.refresh_from_db()
    assert (job.status, job.error) == (RegradeJob.Status.FAILED, "ValueError: the grader cannot read this key")
