"""Writes of the quizzes app: attempts, answers, grading.

Submitting stores the Response and enqueues grading after commit; the Response row is
the outbox (state ``submitted`` until a grade exists), so a broker outage only delays
grading — the beat sweeper re-enqueues whatever is still pending. What grading shares with
the regrade (storing a grade and its running sums, the artifact as graders see it) is in
``quizzes.grading``; the task is enqueued by name (``GRADE_TASK``), never imported.
"""
import rules
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from progress import aggregates as cohort_aggregates
from courses.models import CourseVersion, Item, Module
from courses.selectors import course_latest_published
from schools.rules import course_standing
from schools.selectors import trainee_answers_open, trainee_course_school_id
from schools.services import audit_record
from training.errors import ApplicationError, Conflict
from training.queue import enqueue_on_commit, publish_rollback_unsafe
from training.text import unstorable_errors

from .graders import FieldError, GradeResult, grader_for
from .grading import answer_for_grading, artifact_payload, grade_answer, grade_store
from .models import Attempt, Grade, Response
from .selectors import refuse_if_withheld
from .signals import attempt_started, attempt_submitted, grades_revised, response_graded
from .to_grade import response_to_grade

# The grading task (quizzes.tasks.grade_response): a new name if its arguments ever change.
GRADE_TASK = "quizzes.grade_response_v1"


def _errors(field_errors: list[FieldError], prefix: str = "answer") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in field_errors:
        path = f"{prefix}.{e.path}" if e.path else prefix
        out.setdefault(path, []).append(_(e.message) % e.params if e.params else _(e.message))
    return out


# ---------------------------------------------------------------- attempts

def attempt_start(*, trainee: User, module: Module) -> Attempt:
    """Open an attempt on the latest published version, or return the one already open."""
    course = module.version.course
    existing = Attempt.objects.filter(
        trainee=trainee, course=course, module_slug=module.slug, status=Attempt.Status.OPEN,
    ).first()
    if existing:
        return existing
    if not rules.has_perm("quizzes.take_course", trainee, course):
        raise ApplicationError(_("This course is not assigned to you."), status_code=403)
    if not course_standing(trainee, course)[1]:  # read with the permission: no query of its own
        raise Conflict(str(ARCHIVED_MESSAGE))
    latest = course_latest_published(course=course)
    if module.version.status != CourseVersion.Status.PUBLISHED or latest is None or latest.pk != module.version_id:
        raise Conflict(_("This module is not open for new attempts; take the current published version."))
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(trainee=trainee, module=module, course=course, module_slug=module.slug)
            cohort_aggregates.progress_touch(
                trainee_id=trainee.pk, course_id=course.pk, module_slug=module.slug,
                items_total=Item.objects.filter(case__module=module).count(), at=now,
            )
            attempt_started.send(sender=Attempt, attempt=attempt)
    except IntegrityError:  # a concurrent start won; one open attempt per module
        attempt = Attempt.objects.get(
            trainee=trainee, course=course, module_slug=module.slug, status=Attempt.Status.OPEN,
        )
    return attempt


def attempt_submit(*, attempt: Attempt) -> Attempt:
    """Close an attempt: no more answers; feedback of 'after attempt' modules becomes due."""
    updated = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN).update(
        status=Attempt.Status.SUBMITTED, submitted_at=timezone.now(),
    )
    attempt.refresh_from_db()
    if not updated:
        raise Conflict(_("This attempt was already submitted."))
    # After the update: what a receiver writes then is also found later by its sweeper
    # (xapi releases the held-back results of a submitted attempt), so nothing waits on one transaction.
    attempt_submitted.send(sender=Attempt, attempt=attempt)
    return attempt


def _check_storable(answer) -> None:
    """Refuse an answer holding text the database cannot store (a NUL character, a lone
    surrogate), at its path: the API's parser refuses it in JSON, the pages post forms."""
    errors = unstorable_errors(answer, "answer")
    if errors:
        raise ApplicationError(_("The answer is not valid."), errors)


ARCHIVED_MESSAGE = gettext_lazy("Your cohort is archived: its courses stay readable but take no new answers.")


def _check_answers_open(attempt: Attempt) -> None:
    """Refuse an answer of a trainee assigned the course by archived cohorts only (no query
    when the attempt was fetched with the ``answers_open`` annotation)."""
    is_open = getattr(attempt, "answers_open", None)
    if is_open is None:
        is_open = trainee_answers_open(trainee_id=attempt.trainee_id, course_id=attempt.course_id)
    if not is_open:
        raise Conflict(str(ARCHIVED_MESSAGE))


def _check_open_item(attempt: Attempt, item: Item) -> None:
    if attempt.status != Attempt.Status.OPEN:
        raise Conflict(_("This attempt is submitted; start a new one to answer again."))
    _check_answers_open(attempt)
    if item.case.module_id != attempt.module_id:
        raise ApplicationError(_("This item is not part of the attempt's module."), {"item": [_("Unknown item.")]}, status_code=404)


# ---------------------------------------------------------------- answers
# The checks of an answer are their own functions, so that the studio's preview refuses an
# answer exactly as a trainee's is refused (``quizzes.preview``), storing nothing.

def check_unaided_answer(*, item: Item, answer: dict) -> None:
    """ApplicationError (400) unless ``answer`` may be the unaided first answer of ``item``."""
    if not item.decide_first:
        raise ApplicationError(_("This item does not ask for an unaided answer first."), {"item": [_("Not a decide-first item.")]})
    _check_storable(answer)
    errors = grader_for(item.type).validate_initial_answer(item.spec, answer)
    if errors:
        raise ApplicationError(_("The answer is not valid."), _errors(errors))


def check_answer(*, item: Item, answer: dict) -> None:
    """ApplicationError (400) unless ``answer`` is a valid final answer to ``item``."""
    _check_storable(answer)
    errors = grader_for(item.type).validate_answer(item.spec, answer, artifact_payload(item, failure_modes=False))
    if errors:
        raise ApplicationError(_("The answer is not valid."), _errors(errors))


def response_answer_unaided(*, attempt: Attempt, item: Item, answer: dict) -> Response:
    """Store the unaided first answer of a decide-first item; the AI output is shown after."""
    _check_open_item(attempt, item)
    check_unaided_answer(item=item, answer=answer)
    try:
        with transaction.atomic():
            return Response.objects.create(
                attempt=attempt, item=item, state=Response.State.UNAIDED,
                initial_answer=answer, initial_at=timezone.now(),
            )
    except IntegrityError:
        existing = Response.objects.get(attempt=attempt, item=item)
        if existing.initial_answer == answer:
            return existing
        raise Conflict(_("The unaided answer was already given and cannot be changed.")) from None


def response_submit(*, attempt: Attempt, item: Item, answer: dict) -> tuple[Response, bool]:
    """Store a final answer and enqueue its grading; returns (response, created).

    Submitting the same answer twice (a double click, a retried request) returns the stored
    response; a different answer to an already answered item is refused. An item that
    decide-first withholds (``quizzes.selectors.Withheld``) is refused before the answer is
    looked at, with the same message whatever it says: checking it first would tell whether
    it is the AI's answer.
    """
    _check_open_item(attempt, item)
    refuse_if_withheld(attempt=attempt, item=item)
    check_answer(item=item, answer=answer)
    now = timezone.now()
    if not item.decide_first and connection.get_autocommit():
        # The common case: one INSERT, its own transaction (no BEGIN/SAVEPOINT/RELEASE/COMMIT);
        # the row is committed when create() returns, so on_commit publishes the task at once.
        try:
            response = Response.objects.create(
                attempt=attempt, item=item, state=Response.State.SUBMITTED, answer=answer, submitted_at=now,
            )
        except IntegrityError:
            response = Response.objects.get(attempt=attempt, item=item)
            if response.answer != answer:
                raise Conflict(_("This item was already answered; answers cannot be changed once submitted.")) from None
            return response, False
        enqueue_on_commit(GRADE_TASK, response.pk)
        return response, True
    with transaction.atomic():
        if item.decide_first:
            moved = Response.objects.filter(attempt=attempt, item=item, state=Response.State.UNAIDED).update(
                state=Response.State.SUBMITTED, answer=answer, submitted_at=now,
            )
            response = Response.objects.filter(attempt=attempt, item=item).first()
            if response is None:
                raise Conflict(_("Give your unaided answer first; the AI output is shown after it."))
            created = bool(moved)
        else:
            try:
                with transaction.atomic():
                    response = Response.objects.create(
                        attempt=attempt, item=item, state=Response.State.SUBMITTED, answer=answer, submitted_at=now,
                    )
                created = True
            except IntegrityError:
                response = Response.objects.get(attempt=attempt, item=item)
                created = False
        if not created and response.answer != answer:
            raise Conflict(_("This item was already answered; answers cannot be changed once submitted."))
        if created:
            enqueue_on_commit(GRADE_TASK, response.pk)  # a broker failure is logged; the sweeper retries
    return response, created


# ---------------------------------------------------------------- grading

def response_grade(*, response_id: int) -> Grade | None:
    """Grade a submitted response once; grading it again is a no-op returning the grade.

    The row lock serialises two deliveries of the same task; the state check makes the
    second one return without writing. Three statements: the response read and locked with
    all grading reads (``quizzes.to_grade``, which also bounds the lock wait), the grade with
    the response's new state and the running sums (``grade_store``), and the xAPI receiver's
    question whether the school sends statements.
    """
    with transaction.atomic():
        found = response_to_grade(response_id=response_id)
        if found is None:
            return None
        response, codes = found
        old = getattr(response, "grade", None)
        if response.state != Response.State.SUBMITTED:
            return old
        item = response.item
        answer = answer_for_grading(item=item, answer=response.answer, initial_answer=response.initial_answer)
        result = grade_answer(item=item, key=item.key.answer, answer=answer,
                              artifact=artifact_payload(item, failure_modes=False))
        final = not result.needs_review
        response.state = Response.State.GRADED if final else Response.State.REVIEW
        response.grading_tries += 1
        grade = grade_store(response=response, result=result, final=final, old=old, competencies=codes,
                            response_fields=["state", "grading_tries"])
        response_graded.send(sender=Response, response=response, grade=grade)
    return grade


def response_mark_failed(*, response_id: int, reason: str) -> None:
    """A permanent grading failure: keep the answer, say why, stop retrying."""
    Response.objects.filter(pk=response_id, state=Response.State.SUBMITTED).update(
        state=Response.State.FAILED, failure_reason=reason[:2000],
    )


def sweep_ungraded(*, older_than=None, limit: int = 1000) -> list[int]:
    """Ids of responses still waiting for a grade past the timeout, re-enqueued.

    Each swept response is stamped, and is not swept again before another full timeout: during
    a long backlog every run takes the next oldest ``limit`` responses instead of enqueuing the
    same ones again. Rows locked by a grading in progress are skipped.
    """
    now = timezone.now()
    cutoff = now - (older_than if older_than is not None else settings.VIGIL_GRADING_TIMEOUT)
    with transaction.atomic():
        ids = list(
            Response.objects.select_for_update(skip_locked=True)
            .filter(state=Response.State.SUBMITTED, submitted_at__lte=cutoff)
            .filter(Q(swept_at__isnull=True) | Q(swept_at__lte=cutoff))
            .order_by("submitted_at").values_list("pk", flat=True)[:limit]
        )
        Response.objects.filter(pk__in=ids).update(swept_at=now)
    for response_id in ids:  # the stamps are committed: publish now, whatever a caller's transaction does
        publish_rollback_unsafe(GRADE_TASK, response_id)
    return ids


# ---------------------------------------------------------------- manual grading

def response_review_confirm(
    *, response: Response, reviewer: User, points: dict[str, float], comment: str = "",
) -> Grade:
    """A faculty member confirms or adjusts the suggested points of a free-text answer.

    The grade becomes final and only then counts in the trainee's aggregates; confirming
    again (a correction) moves the aggregates by the difference. Who may is the caller's
    question (``quizzes.grade_response``). Each confirmation (``grade.confirm``) or change
    of a final grade (``grade.change``) is recorded, with the grade before and after, in
    the audit log of the trainee's school, in the same transaction.
    """
    with transaction.atomic():
        response = (
            Response.objects.select_for_update(of=("self",))
            .select_related("item__key", "attempt__course", "attempt__trainee", "grade")
            .get(pk=response.pk)
        )
        if response.state not in (Response.State.REVIEW, Response.State.GRADED) or response.item.type != Item.Type.FREE_TEXT:
            raise Conflict(_("This response is not waiting for a manual grade."))
        grade = response.grade
        criteria = {c["id"]: c for c in response.item.key.answer.get("criteria", [])}
        errors = {}
        for cid in criteria:
            if cid not in points:
                errors[f"points.{cid}"] = [_("Give the points for this criterion.")]
        for cid, value in points.items():
            if cid not in criteria:
                errors[f"points.{cid}"] = [_("No such criterion.")]
            elif not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= criteria[cid]["points"]:
                errors[f"points.{cid}"] = [_("Must be a number from 0 to %(max)s.") % {"max": criteria[cid]["points"]}]
        if errors:
            raise ApplicationError(_("The grade is not valid."), errors)
        total = sum(c["points"] for c in criteria.values())
        awarded = sum(points.values())
        detail = dict(grade.detail)
        detail["confirmed_points"] = points
        result = GradeResult(
            score=min(max(awarded / total, 0.0), 1.0) if total else 0.0,
            feedback=grade.feedback, detail=detail, cbm_mark=None,
        )
        before = _grade_state(grade)  # grade_store changes the row in place
        grade = grade_store(response=response, result=result, final=True, graded_by=reviewer, comment=comment)
        response.state = Response.State.GRADED
        response.save(update_fields=["state", "updated_at"])
        if before["final"]:
            grades_revised.send(sender=Response, response_ids=[response.pk])
        else:
            response_graded.send(sender=Response, response=response, grade=grade)
        attempt = response.attempt
        audit_record(
            actor=reviewer, action="grade.change" if before["final"] else "grade.confirm", subject=attempt.trainee,
            school_id=trainee_course_school_id(trainee_id=attempt.trainee_id, course=attempt.course),
            detail={"response": response.pk, "course": attempt.course.slug, "item": response.item.slug,
                    "before": before, "after": _grade_state(grade)},
        )
    return grade


def _grade_state(grade: Grade) -> dict:
    """What an audit record keeps of a grade: its score, finality, confirmed points and grader."""
    return {"score": grade.score, "final": grade.is_final, "points": grade.detail.get("confirmed_points"),
            "graded_by": grade.graded_by_id}
