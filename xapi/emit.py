"""From Vigil's rows to the statements of ``xapi.statements``, queued in the outbox.

Called by the receivers inside the transaction of the change (and by the sweeper for the
results whose feedback became due). Each function first asks whether the school of the
row sends statements (``enabled_lrs``: one query); a school that does not costs nothing more.
"""
from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import Course
from progress.models import ModuleProgress
from quizzes.models import Attempt, Grade, Response
from quizzes.selectors import feedback_is_due
from schools.models import Enrollment

from . import statements as st
from .models import LrsSettings, PendingResult
from .services import outbox_add


def enabled_lrs(*, trainee_id: int, course_id: int) -> LrsSettings | None:
    """The LRS settings of the school an answer belongs to (``schools.selectors.
    trainee_course_school_id``, in one query), if that school sends statements."""
    school = Coalesce(
        Subquery(Course.objects.filter(pk=course_id).values("school_id")[:1]),
        Subquery(Enrollment.objects.filter(user_id=trainee_id, role=Enrollment.CohortRole.TRAINEE,
                                           cohort__assignments__course_id=course_id)
                 .order_by("cohort_id").values("cohort__school_id")[:1]),
    )
    found = list(LrsSettings.objects.filter(enabled=True, school_id=school)[:1])
    return found[0] if found else None


def _language() -> str:
    return settings.LANGUAGE_CODE


def _base() -> str:
    return settings.VIGIL_XAPI_ACTIVITY_BASE.rstrip("/")


def _agent(lrs: LrsSettings, user) -> dict:
    return st.actor(mode=lrs.actor_mode, home_page=lrs.home_page or _base(), username=user.username,
                    user_id=user.pk, pseudonym_key=lrs.pseudonym_key)


def _course(course) -> dict:
    return st.activity(base=_base(), kind="course", path=f"courses/{course.slug}", name=course.slug,
                       language=_language())


def _module(course, module) -> dict:
    return st.activity(base=_base(), kind="module", path=f"courses/{course.slug}/modules/{module.slug}",
                       name=module.title, language=_language())


def attempt_started(*, attempt: Attempt) -> None:
    lrs = enabled_lrs(trainee_id=attempt.trainee_id, course_id=attempt.course_id)
    if lrs is None:
        return
    course, module = attempt.course, attempt.module
    outbox_add(lrs=lrs, statements=[st.attempt_started(
        scope=lrs.pseudonym_key,
        attempt_id=attempt.pk, agent=_agent(lrs, attempt.trainee), started_at=attempt.started_at,
        course=_course(course), module=_module(course, module), language=_language(),
    )])


def _item(item) -> dict:
    return st.interaction(base=_base(), item_id=item.pk, item_type=item.type, prompt=item.prompt,
                          spec=item.spec, language=_language())


def _result(response: Response, grade: Grade) -> dict:
    item = response.item
    ai_correct = item.artifact.ai_correct if item.artifact_id and item.type == "reliance_decision" else None
    return st.result_part(score=grade.score, ai_correct=ai_correct)


def response_graded(*, response: Response, grade: Grade) -> None:
    """The ``answered`` statement of a final grade (with its result if the feedback is due,
    else a PendingResult for the ``scored`` statement), and ``completed`` if the module is."""
    if not grade.is_final:
        return
    attempt = response.attempt
    lrs = enabled_lrs(trainee_id=attempt.trainee_id, course_id=attempt.course_id)
    if lrs is None:
        return
    item, course, module, trainee = response.item, attempt.course, attempt.module, attempt.trainee
    due = feedback_is_due(response=response)
    extensions = {}
    if item.type == "reliance_decision":
        extensions = st.reliance_extensions(
            answer=response.answer or {}, initial_answer=response.initial_answer, spec=item.spec,
            artifact_id=item.artifact_id, artifact_kind=item.artifact.kind if item.artifact_id else None)
    agent, course_a, module_a = _agent(lrs, trainee), _course(course), _module(course, module)
    out = [st.item_answered(
        scope=lrs.pseudonym_key,
        response_id=response.pk, attempt_id=attempt.pk, agent=agent, submitted_at=response.submitted_at,
        item=_item(item), module=module_a, course=course_a,
        response=st.response_text(item_type=item.type, answer=response.answer, spec=item.spec),
        extensions=extensions, language=_language(), result=_result(response, grade) if due else None,
    )]
    if not due:
        PendingResult.objects.bulk_create([PendingResult(response=response, school_id=lrs.school_id)],
                                          ignore_conflicts=True)
    completed = (ModuleProgress.objects.filter(trainee_id=trainee.pk, course_id=course.pk,
                                               module_slug=attempt.module_slug, completed_at__isnull=False)
                 .values_list("completed_at", flat=True).first())
    if completed is not None:
        out.append(st.module_completed(
        scope=lrs.pseudonym_key,
        key=(trainee.pk, course.pk, attempt.module_slug), agent=agent, completed_at=completed,
            module=module_a, course=course_a, language=_language()))
    outbox_add(lrs=lrs, statements=out)


def _release(pending: list[PendingResult]) -> int:
    """The ``scored`` statements of the pending results whose feedback is now due (deleted)."""
    done = []
    for p in pending:
        response = p.response
        if not feedback_is_due(response=response):
            continue
        attempt = response.attempt
        lrs = enabled_lrs(trainee_id=attempt.trainee_id, course_id=attempt.course_id)
        done.append(p.pk)
        grade = getattr(response, "grade", None)
        if lrs is None or grade is None or not grade.is_final:
            continue
        course = attempt.course
        outbox_add(lrs=lrs, statements=[st.result_released(
        scope=lrs.pseudonym_key,
        response_id=response.pk, attempt_id=attempt.pk, agent=_agent(lrs, attempt.trainee),
            released_at=timezone.now(), item=_item(response.item), module=_module(course, attempt.module),
            course=_course(course), result=_result(response, grade), language=_language(),
        )])
    PendingResult.objects.filter(pk__in=done).delete()
    return len(done)


def _pending():
    return PendingResult.objects.select_related(
        "response__item__artifact", "response__grade", "response__attempt__module",
        "response__attempt__course", "response__attempt__trainee")


def attempt_submitted(*, attempt: Attempt) -> int:
    """An attempt closed: release the results of its answers that it makes due."""
    return _release(list(_pending().filter(response__attempt=attempt)))


def release_due_results(*, limit: int = 1000) -> int:
    """The sweeper's part: results made due by a due date passing (or missed by a race)."""
    return _release(list(_pending().filter(response__attempt__status=Attempt.Status.SUBMITTED)
                         .order_by("created_at")[:limit]))


def attestations_issued(*, attestations: list) -> None:
    if not attestations:
        return
    first = attestations[0]
    lrs = LrsSettings.objects.filter(enabled=True, school_id=first.school_id).first()
    if lrs is None:
        return
    out = []
    for a in attestations:
        course = a.course
        out.append(st.attestation_issued(
        scope=lrs.pseudonym_key,
        code=a.code, agent=_agent(lrs, a.trainee), issued_at=a.issued_at or timezone.now(),
            attestation=st.activity(base=_base(), kind="attestation", path=f"attestations/{a.code}",
                                    name=f"{a.course_title} v{a.version_number}", language=_language()),
            course=_course(course), language=_language()))
    outbox_add(lrs=lrs, statements=out)
