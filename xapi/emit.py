"""From Vigil's rows to the statements of ``xapi.statements``, queued in the outbox.

Called by the receivers inside the transaction of the change (and by the sweeper for the
results whose feedback became due). Each function first asks whether the school of the
row sends statements (``enabled_lrs``: one query); a school that does not costs nothing more.
"""
from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import Course
from progress.models import ModuleProgress
from quizzes.models import Attempt, Grade, Response
from quizzes.selectors import feedback_is_due
from schools.member_identifiers import member_identifiers
from schools.models import Enrollment
from training.compiled import CompiledQuery

from . import statements as st
from .models import LrsSettings, PendingResult, ReportedResult
from .services import outbox_add


def _enabled_lrs(*, trainee_id: int, course_id: int):
    school = Coalesce(
        Subquery(Course.objects.filter(pk=course_id).values("school_id")[:1]),
        Subquery(Enrollment.objects.filter(user_id=trainee_id, role=Enrollment.CohortRole.TRAINEE,
                                           cohort__assignments__course_id=course_id)
                 .order_by("cohort_id").values("cohort__school_id")[:1]),
    )
    return LrsSettings.objects.filter(enabled=True, school_id=school)[:1]


# Asked once per grade: compiling this queryset cost more CPU than the rest of the question.
_ENABLED_LRS = CompiledQuery(_enabled_lrs, "trainee_id", "course_id")


def enabled_lrs(*, trainee_id: int, course_id: int) -> LrsSettings | None:
    """The LRS settings of the school an answer belongs to (``schools.selectors.
    trainee_course_school_id``, in one query), if that school sends statements."""
    found = _ENABLED_LRS(trainee_id=trainee_id, course_id=course_id)
    return found[0] if found else None


def _language() -> str:
    return settings.LANGUAGE_CODE


def _base() -> str:
    return settings.VIGIL_XAPI_ACTIVITY_BASE.rstrip("/")


def _agents(lrs: LrsSettings, users) -> dict[int, dict]:
    """The trainees as the school chose to identify them (one query for LMS or SSO
    identifiers). A member without an identifier of that kind, or whose identifier is their
    e-mail address, is given the pseudonym; an erased member is left out: nothing more is
    said of them."""
    users = [u for u in users if not u.is_erased]
    known = {}
    if lrs.actor_mode != LrsSettings.ActorMode.PSEUDONYM:
        known = member_identifiers(lrs.actor_mode, school_id=lrs.school_id, user_ids=[u.pk for u in users])
    agents = {}
    for user in users:
        system, name = known.get(user.pk, ("", ""))
        if system and name and name.strip().lower() != (user.email or "").strip().lower():
            agents[user.pk] = st.actor(home_page=system, name=name)
        else:
            agents[user.pk] = st.actor(home_page=lrs.home_page or _base(),
                                       name=st.pseudonym(key=lrs.pseudonym_key, user_id=user.pk))
    return agents


def _agent(lrs: LrsSettings, user) -> dict | None:
    return _agents(lrs, [user]).get(user.pk)


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
    agent = _agent(lrs, attempt.trainee)
    if agent is None:
        return
    course, module = attempt.course, attempt.module
    outbox_add(lrs=lrs, statements=[(st.attempt_started(
        scope=lrs.pseudonym_key,
        attempt_id=attempt.pk, agent=agent, started_at=attempt.started_at,
        course=_course(course), module=_module(course, module), language=_language(),
    ), attempt.trainee_id)])


def _item(item) -> dict:
    return st.interaction(base=_base(), item_id=item.pk, item_type=item.type, prompt=item.prompt,
                          spec=item.spec, language=_language())


def _result(response: Response, grade: Grade) -> dict:
    item = response.item
    ai_correct = item.artifact.ai_correct if item.artifact_id and item.type == "reliance_decision" else None
    return st.result_part(score=grade.score, ai_correct=ai_correct)


def _extensions(response: Response) -> dict:
    item = response.item
    if item.type != "reliance_decision":
        return {}
    return st.reliance_extensions(
        answer=response.answer or {}, initial_answer=response.initial_answer, spec=item.spec,
        artifact_id=item.artifact_id, artifact_kind=item.artifact.kind if item.artifact_id else None)


def _response(response: Response) -> str:
    return st.response_text(item_type=response.item.type, answer=response.answer, spec=response.item.spec)


def _reported(lrs: LrsSettings, response: Response, statement: dict, result: dict) -> ReportedResult:
    return ReportedResult(response_id=response.pk, school_id=lrs.school_id, statement_id=statement["id"],
                          result=result)


def _told(response_id: int) -> bool:
    """Whether the LRS was already sent the ``answered`` statement of this answer (its
    result reported, or held back for a ``scored`` statement)."""
    return Response.objects.filter(
        Exists(ReportedResult.objects.filter(response_id=OuterRef("pk")))
        | Exists(PendingResult.objects.filter(response_id=OuterRef("pk"))), pk=response_id).exists()


def response_graded(*, response: Response, grade: Grade) -> None:
    """The ``answered`` statement of a first final grade, whatever gave it (grading, a
    faculty member's first confirmation, a regrade of an answer whose grading had failed),
    with its result if the feedback is due, else a PendingResult for the ``scored``
    statement; and ``completed`` if the module is. One ``answered`` statement per answer: of
    an answer the LRS was already told, the new grade is a revision (``grades_revised``)."""
    if not grade.is_final:
        return
    attempt = response.attempt
    lrs = enabled_lrs(trainee_id=attempt.trainee_id, course_id=attempt.course_id)
    if lrs is None:
        return
    if _told(response.pk):
        grades_revised(response_ids=[response.pk])
        return
    course, module, trainee = attempt.course, attempt.module, attempt.trainee
    agent = _agent(lrs, trainee)
    if agent is None:
        return
    due = feedback_is_due(response=response)
    result = _result(response, grade) if due else None
    course_a, module_a = _course(course), _module(course, module)
    answered = st.item_answered(
        scope=lrs.pseudonym_key,
        response_id=response.pk, attempt_id=attempt.pk, agent=agent, submitted_at=response.submitted_at,
        item=_item(response.item), module=module_a, course=course_a, response=_response(response),
        extensions=_extensions(response), language=_language(), result=result,
    )
    out = [(answered, trainee.pk)]
    if due:
        ReportedResult.objects.bulk_create([_reported(lrs, response, answered, result)], ignore_conflicts=True)
    else:
        PendingResult.objects.bulk_create([PendingResult(response=response, school_id=lrs.school_id)],
                                          ignore_conflicts=True)
    completed = (ModuleProgress.objects.filter(trainee_id=trainee.pk, course_id=course.pk,
                                               module_slug=attempt.module_slug, completed_at__isnull=False)
                 .values_list("completed_at", flat=True).first())
    if completed is not None:
        out.append((st.module_completed(
            scope=lrs.pseudonym_key,
            key=(trainee.pk, course.pk, attempt.module_slug), agent=agent, completed_at=completed,
            module=module_a, course=course_a, language=_language()), trainee.pk))
    outbox_add(lrs=lrs, statements=out)


def _release(pending: list[PendingResult]) -> int:
    """The ``scored`` statements of the pending results whose feedback is now due (deleted)."""
    done, reported = [], []
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
        agent = _agent(lrs, attempt.trainee)
        if agent is None:
            continue
        course, result = attempt.course, _result(response, grade)
        scored = st.result_released(
            scope=lrs.pseudonym_key,
            response_id=response.pk, attempt_id=attempt.pk, agent=agent,
            released_at=timezone.now(), item=_item(response.item), module=_module(course, attempt.module),
            course=_course(course), result=result, language=_language(),
        )
        reported.append(_reported(lrs, response, scored, result))
        outbox_add(lrs=lrs, statements=[(scored, attempt.trainee_id)])
    ReportedResult.objects.bulk_create(reported, ignore_conflicts=True)
    PendingResult.objects.filter(pk__in=done).delete()
    return len(done)


def grades_revised(*, response_ids: list[int]) -> int:
    """After a regrade, a key or truth fix or a changed manual grade: for each answer whose
    result the LRS was told and which is now another, void the statement that told it and
    send the new result (``scored``, next revision). One query when none was told; an
    answer whose result is still held back (PendingResult) needs nothing: its ``scored``
    statement will read the grade as it is then. Returns how many results were revised."""
    reported = {r.response_id: r for r in ReportedResult.objects.filter(response_id__in=response_ids)}
    if not reported:
        return 0
    lrs_of = {lrs.school_id: lrs for lrs in
              LrsSettings.objects.filter(enabled=True, school_id__in={r.school_id for r in reported.values()})}
    if not lrs_of:
        return 0
    responses = list(Response.objects.filter(pk__in=[r.response_id for r in reported.values()
                                                     if r.school_id in lrs_of])
                     .select_related("grade", "item__artifact", "attempt__course", "attempt__module",
                                     "attempt__trainee").order_by("pk"))
    now, revised = timezone.now(), []
    for school_id, lrs in lrs_of.items():
        mine = [r for r in responses if reported[r.pk].school_id == school_id]
        agents = _agents(lrs, [r.attempt.trainee for r in mine])
        out = []
        for response in mine:
            grade, row = getattr(response, "grade", None), reported[response.pk]
            agent = agents.get(response.attempt.trainee_id)
            if grade is None or not grade.is_final or agent is None:
                continue
            result = _result(response, grade)
            if result == row.result:
                continue
            attempt, course = response.attempt, response.attempt.course
            row.revision += 1
            scored = st.result_revised(
                scope=lrs.pseudonym_key, response_id=response.pk, revision=row.revision, attempt_id=attempt.pk,
                agent=agent, revised_at=now, item=_item(response.item), module=_module(course, attempt.module),
                course=_course(course), response=_response(response), extensions=_extensions(response),
                result=result, language=_language())
            out += [(st.voiding(scope=lrs.pseudonym_key, voided_id=str(row.statement_id),
                                agent=st.vigil_agent(base=_base()), voided_at=now, language=_language()), None),
                    (scored, attempt.trainee_id)]
            row.statement_id, row.result = scored["id"], result
            revised.append(row)
        outbox_add(lrs=lrs, statements=out)
    ReportedResult.objects.bulk_update(revised, ["statement_id", "result", "revision"])
    return len(revised)


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
    agents = _agents(lrs, [a.trainee for a in attestations])
    out = []
    for a in attestations:
        if a.trainee_id not in agents:
            continue
        course = a.course
        out.append((st.attestation_issued(
            scope=lrs.pseudonym_key,
            code=a.code, agent=agents[a.trainee_id], issued_at=a.issued_at or timezone.now(),
            attestation=st.activity(base=_base(), kind="attestation", path=f"attestations/{a.code}",
                                    name=f"{a.course_title} v{a.version_number}", language=_language()),
            course=_course(course), language=_language()), a.trainee_id))
    outbox_add(lrs=lrs, statements=out)
