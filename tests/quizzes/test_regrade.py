"""Fixing a published key and regrading: audit, dry run, run, aggregates, idempotence,
resumption and the studio pages, with the services the tasks run called directly (no
broker: what would be published is recorded, not sent). A real Celery worker running a
regrade is in tests/integration/test_regrade_worker.py."""
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from progress.models import MeasureCounter, ModuleProgress
from schools.models import AuditEvent, Role
from courses.models import CourseVersion, ItemKey
from courses.services import course_version_create_draft
from quizzes import regrade, services
from quizzes.models import Grade, KeyFix, RegradeChange, RegradeJob, Response
from tests.factories import (
    ArtifactFactory, CaseFactory, ItemFactory, MembershipFactory, SchoolFactory, UserFactory, assigned_module,
)
from training.errors import ApplicationError, Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """The tasks these tests would publish, as (task name, id), recorded instead of sent: the
    tests call the services and task bodies themselves and need no broker, whichever mode
    Celery is in."""
    published = []
    def record(name, *ids):
        published.extend((name, pk) for pk in ids)

    for module in (regrade, services):
        monkeypatch.setattr(module, "enqueue_on_commit", record)
        monkeypatch.setattr(module, "publish_rollback_unsafe", record)
    return published


def _trainees(n: int) -> list:
    return [UserFactory() for _ in range(n)]


def answered(answers: list[str], *, item_kwargs=None):
    """A published single-choice item (key "b") answered and graded once per answer."""
    trainees = _trainees(len(answers))
    module = assigned_module(*trainees)
    item = ItemFactory(case=CaseFactory(module=module), **(item_kwargs or {}))
    for trainee, answer in zip(trainees, answers):
        attempt = services.attempt_start(trainee=trainee, module=module)
        response, _created = services.response_submit(attempt=attempt, item=item, answer={"answer": answer})
        services.response_grade(response_id=response.pk)
    return item, trainees


@pytest.fixture
def author(db):
    user = MembershipFactory(role=Role.FACULTY).user
    user.save(update_fields=["password"])
    return user


def _score_sums(trainees) -> list[tuple[float, float]]:
    """(module progress score sum, items.score counter) per trainee."""
    out = []
    for trainee in trainees:
        progress = ModuleProgress.objects.get(trainee=trainee)
        counter = MeasureCounter.objects.filter(trainee=trainee, name="items.score").first()
        out.append((progress.score_sum, counter.value if counter else 0))
    return out


def _run(job: RegradeJob, user) -> RegradeJob:
    regrade.regrade_job_dry_run(job_id=job.pk)
    regrade.regrade_job_start(job=RegradeJob.objects.get(pk=job.pk), user=user)
    while not regrade.regrade_job_step(job_id=job.pk, batch_size=2, budget_seconds=0):
        pass
    return RegradeJob.objects.get(pk=job.pk)


# --- key fix ---------------------------------------------------------------------------------

def test_a_key_fix_is_audited_and_changes_only_the_key(author):
    item, _ = answered(["a", "b"])
    fix = regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="The key was swapped.", user=author)
    assert (fix.old_answer, fix.new_answer, fix.fixed_by, fix.reason) == ({"answer": "b"}, {"answer": "a"}, author,
                                                                          "The key was swapped.")
    assert ItemKey.objects.get(item=item).answer == {"answer": "a"}
    assert AuditEvent.objects.filter(action="item.key_fix", actor=author).exists()
    assert Grade.objects.filter(response__item=item, score=1).count() == 1  # nothing regraded yet


def test_an_invalid_new_key_is_refused_at_its_path(author):
    item, _ = answered(["a"])
    with pytest.raises(ApplicationError) as error:
        regrade.item_key_fix(item=item, new_answer={"answer": "zz"}, reason="Typo.", user=author)
    assert "key.answer" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason=" ", user=author)
    assert "reason" in error.value.errors
    assert ItemKey.objects.get(item=item).answer == {"answer": "b"} and not KeyFix.objects.exists()


def test_a_regrade_reason_with_a_nul_character_is_refused_and_opens_no_job(author):
    item, _ = answered(["a"])
    with pytest.raises(ApplicationError) as error:
        regrade.regrade_job_create(item=item, user=author, reason="Check\x00 it.")
    assert list(error.value.errors) == ["reason"] and "U+0000" in error.value.message
    assert not RegradeJob.objects.exists()


def test_a_draft_key_is_not_fixed_this_way(author):
    item, _ = answered([])
    CourseVersion.objects.filter(pk=item.case.module.version_id).update(status="draft", published_at=None)
    with pytest.raises(Conflict):
        regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="x", user=author)


def test_the_same_item_in_the_draft_is_fixed_too(author):
    item, _ = answered(["a"])
    draft = course_version_create_draft(course=item.case.module.version.course, user=author)
    fix = regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="Swapped.", user=author)
    twin = ItemKey.objects.get(item__case__module__version=draft, item__slug=item.slug)
    assert fix.draft_item_id == twin.item_id and twin.answer == {"answer": "a"}


# --- dry run ------------------------------------------------------------------------------------

def test_the_dry_run_counts_what_would_change_and_writes_nothing(author):
    item, _ = answered(["a", "a", "b", "b", "b"])
    fix = regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="Swapped.", user=author)
    job = regrade.regrade_job_create(item=item, user=author, key_fix=fix)
    grades_before = list(Grade.objects.order_by("pk").values_list("score", "graded_at"))
    job = regrade.regrade_job_dry_run(job_id=job.pk)
    figures = job.dry_run
    assert job.status == RegradeJob.Status.READY
    assert (figures["total"], figures["changed"], figures["up"], figures["down"]) == (5, 5, 2, 3)
    assert figures["mean_delta"] == pytest.approx(-0.2)
    assert figures["max_abs_delta"] == 1.0
    assert (figures["mean_before"], figures["mean_after"]) == (pytest.approx(0.6), pytest.approx(0.4))
    assert list(Grade.objects.order_by("pk").values_list("score", "graded_at")) == grades_before


def test_a_second_delivery_of_the_dry_run_does_nothing(author):
    item, _ = answered(["a"])
    job = regrade.regrade_job_create(item=item, user=author, reason="Check.")
    regrade.regrade_job_dry_run(job_id=job.pk)
    first = RegradeJob.objects.get(pk=job.pk).dry_run
    regrade.regrade_job_dry_run(job_id=job.pk)
    assert RegradeJob.objects.get(pk=job.pk).dry_run == first


# --- the run -------------------------------------------------------------------------------------

def test_the_run_regrades_and_moves_the_aggregates_by_the_difference(author):
    item, trainees = answered(["a", "a", "b", "b", "b"])
    assert _score_sums(trainees) == [(0, 0), (0, 0), (1, 1), (1, 1), (1, 1)]
    fix = regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="Swapped.", user=author)
    job = _run(regrade.regrade_job_create(item=item, user=author, key_fix=fix), author)
    assert job.status == RegradeJob.Status.DONE
    assert (job.processed, job.changed, job.total) == (5, 5, 5)
    assert job.before == {"final_grades": 5, "mean_score": pytest.approx(0.6)}
    assert job.after == {"final_grades": 5, "mean_score": pytest.approx(0.4)}
    assert _score_sums(trainees) == [(1, 1), (1, 1), (0, 0), (0, 0), (0, 0)]
    assert RegradeChange.objects.filter(job=job).count() == 5
    assert ModuleProgress.objects.filter(items_graded=1).count() == 5  # counts unchanged, scores moved
    assert AuditEvent.objects.filter(action="item.regrade", actor=author).get().detail["changed"] == 5


def test_rerunning_changes_nothing(author):
    item, trainees = answered(["a", "b", "b"])
    fix = regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="Swapped.", user=author)
    job = _run(regrade.regrade_job_create(item=item, user=author, key_fix=fix), author)
    sums, grades = _score_sums(trainees), list(Grade.objects.order_by("pk").values_list("score", "graded_at"))
    # Starting the finished job again, and stepping it again, are no-ops.
    regrade.regrade_job_start(job=job, user=author)
    assert regrade.regrade_job_step(job_id=job.pk)
    # A new job with the same key finds nothing to change.
    again = _run(regrade.regrade_job_create(item=item, user=author, reason="Again."), author)
    assert again.dry_run["changed"] == 0 and again.changed == 0
    assert _score_sums(trainees) == sums
    assert list(Grade.objects.order_by("pk").values_list("score", "graded_at")) == grades


def test_a_stopped_run_resumes_where_it_was(author):
    item, trainees = answered(["a"] * 5)
    fix = regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="Swapped.", user=author)
    job = regrade.regrade_job_create(item=item, user=author, key_fix=fix)
    regrade.regrade_job_dry_run(job_id=job.pk)
    regrade.regrade_job_start(job=job, user=author)
    assert not regrade.regrade_job_step(job_id=job.pk, batch_size=2, budget_seconds=0)  # one batch, then "killed"
    job.refresh_from_db()
    assert (job.status, job.processed, job.changed) == (RegradeJob.Status.RUNNING, 2, 2)
    first_ids = sorted(Response.objects.filter(item=item).values_list("pk", flat=True))[:2]
    assert job.cursor == first_ids[-1]
    # The batch done twice (a redelivered message before the cursor moved) would change nothing:
    RegradeJob.objects.filter(pk=job.pk).update(cursor=0, processed=0, changed=0)
    while not regrade.regrade_job_step(job_id=job.pk, batch_size=2, budget_seconds=0):
        pass
    job.refresh_from_db()
    assert job.status == RegradeJob.Status.DONE and job.changed == 3  # the first two were already right
    assert _score_sums(trainees) == [(1, 1)] * 5


def test_the_run_is_refused_when_the_key_changed_after_the_dry_run(author):
    item, _ = answered(["a"])
    job = regrade.regrade_job_create(item=item, user=author, reason="Check.")
    regrade.regrade_job_dry_run(job_id=job.pk)
    ItemKey.objects.filter(item=item).update(answer={"answer": "a"})
    with pytest.raises(Conflict):
        regrade.regrade_job_start(job=RegradeJob.objects.get(pk=job.pk), user=author)


def test_a_new_key_fix_cancels_an_unconfirmed_dry_run(author):
    item, _ = answered(["a"])
    job = regrade.regrade_job_create(item=item, user=author, reason="Check.")
    regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="Swapped.", user=author)
    assert RegradeJob.objects.get(pk=job.pk).status == RegradeJob.Status.CANCELLED


def test_confirmed_free_text_grades_are_kept_and_suggestions_recomputed(author):
    key = {"criteria": [{"id": "c", "text": "Names the bias", "points": 2, "look_for": [["bias"]]}]}
    trainees = _trainees(2)
    module = assigned_module(*trainees)
    item = ItemFactory(case=CaseFactory(module=module), type="free_text", spec={}, key=key)
    responses = []
    for trainee in trainees:
        attempt = services.attempt_start(trainee=trainee, module=module)
        response, _ = services.response_submit(attempt=attempt, item=item, answer={"text": "There is a shortcut."})
        services.response_grade(response_id=response.pk)
        responses.append(response)
    services.response_review_confirm(response=responses[0], reviewer=author, points={"c": 1.5})
    new_key = {"criteria": [{"id": "c", "text": "Names the shortcut", "points": 2, "look_for": [["shortcut"]]}]}
    fix = regrade.item_key_fix(item=item, new_answer=new_key, reason="Wrong word.", user=author)
    job = _run(regrade.regrade_job_create(item=item, user=author, key_fix=fix), author)
    assert job.dry_run["kept_confirmed"] == 1
    assert Grade.objects.get(response=responses[0]).score == 0.75  # the person's points stay
    suggestion = Grade.objects.get(response=responses[1])
    assert (suggestion.score, suggestion.is_final) == (1.0, False)
    assert Response.objects.get(pk=responses[1].pk).state == Response.State.REVIEW


def test_span_items_are_regraded_with_their_detail(author):
    text = "The patient has a penicillin allergy. Start amoxicillin."
    start = text.index("penicillin allergy")
    trainees = _trainees(1)
    module = assigned_module(*trainees)
    case = CaseFactory(module=module)
    artifact = ArtifactFactory(case=case, content={"text": text})
    artifact.failure_modes.set(["HAL"])
    item = ItemFactory(case=case, type="error_spans", artifact=artifact, spec={},
                       key={"spans": [{"start": 0, "end": 3, "failure_mode": "HAL"}]})
    attempt = services.attempt_start(trainee=trainees[0], module=module)
    response, _ = services.response_submit(attempt=attempt, item=item, answer={"spans": [
        {"start": start, "end": start + 18, "label": "HAL"}]})
    services.response_grade(response_id=response.pk)
    assert Grade.objects.get(response=response).score == 0
    fix = regrade.item_key_fix(item=item, new_answer={"spans": [
        {"start": start, "end": start + 18, "failure_mode": "HAL"}]}, reason="Wrong span.", user=author)
    _run(regrade.regrade_job_create(item=item, user=author, key_fix=fix), author)
    grade = Grade.objects.get(response=response)
    assert grade.score == 1 and grade.detail["key_spans"][0]["found"] is True
    assert MeasureCounter.objects.get(trainee=trainees[0], name="fm.HAL.found").value == 1


# --- pages ---------------------------------------------------------------------------------------

def test_fixing_a_key_in_the_studio_then_regrading(author):
    item, trainees = answered(["a", "b"])
    course = item.case.module.version.course
    course.owner = author
    course.save()
    client = Client()
    client.force_login(author)
    page = client.get(reverse("studio:key-fix", args=[item.pk]))
    assert page.status_code == 200
    response = client.post(reverse("studio:key-fix", args=[item.pk]), {
        "options-0-id": "a", "options-0-text": "A", "options-1-id": "b", "options-1-text": "B", "answer": "0",
        "reason": "The key was swapped.",
    })
    assert response.status_code == 302
    job = RegradeJob.objects.get(item=item)
    regrade.regrade_job_dry_run(job_id=job.pk)  # what the worker does after the commit
    page = client.get(reverse("studio:regrade-job", args=[job.pk])).content.decode()
    assert "Grades that change" in page and "Regrade 2 answers now" in page
    client.post(reverse("studio:regrade-start", args=[job.pk]))
    regrade.regrade_job_step(job_id=job.pk)
    status = client.get(reverse("studio:regrade-status", args=[job.pk])).json()
    assert (status["status"], status["processed"], status["changed"], status["percent"]) == ("done", 2, 2, 100)
    assert _score_sums(trainees) == [(1, 1), (0, 0)]


def test_a_key_fix_without_a_reason_is_refused_on_the_page(author):
    item, _ = answered(["a"])
    course = item.case.module.version.course
    course.owner = author
    course.save()
    client = Client()
    client.force_login(author)
    response = client.post(reverse("studio:key-fix", args=[item.pk]), {
        "options-0-id": "a", "options-0-text": "A", "options-1-id": "b", "options-1-text": "B", "answer": "0",
    })
    assert response.status_code == 400
    assert ItemKey.objects.get(item=item).answer == {"answer": "b"}


def test_other_people_cannot_see_a_regrade_job(author):
    item, _ = answered(["a"])
    job = regrade.regrade_job_create(item=item, user=author, reason="Check.")
    stranger = MembershipFactory(role=Role.FACULTY).user
    stranger.save(update_fields=["password"])
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("studio:regrade-job", args=[job.pk])).status_code == 404
    trainee = MembershipFactory(role=Role.TRAINEE).user
    trainee.save(update_fields=["password"])
    client.force_login(trainee)
    assert client.post(reverse("studio:regrade-start", args=[job.pk])).status_code == 403


# --- stalled jobs ----------------------------------------------------------------------------

def test_the_sweep_resumes_only_open_jobs_that_have_not_moved(author, enqueued):
    item, _ = answered(["a"])
    stalled = regrade.regrade_job_create(item=item, user=author)
    RegradeJob.objects.filter(pk=stalled.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    other, _ = answered(["b"])
    regrade.regrade_job_create(item=other, user=author)  # fresh: its message may still be on its way
    finished, _ = answered(["a"])
    done = regrade.regrade_job_create(item=finished, user=author)
    RegradeJob.objects.filter(pk=done.pk).update(status=RegradeJob.Status.DONE,
                                                 updated_at=timezone.now() - timedelta(minutes=10))
    enqueued.clear()
    assert regrade.regrade_jobs_sweep() == [stalled.pk]
    assert enqueued == [(regrade.DRY_RUN_TASK, stalled.pk)]


def test_a_key_fix_of_a_school_course_is_in_that_school_s_audit_log(author):
    item, _ = answered(["a"])
    course = item.case.module.version.course
    course.school = SchoolFactory()
    course.save(update_fields=["school"])
    regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="The key was swapped.", user=author)
    assert AuditEvent.objects.get(action="item.key_fix").school == course.school
