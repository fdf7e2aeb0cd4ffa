"""What grading a response and regrading an item share (services).

The grading task (``quizzes.services.response_grade``), the manual grade
(``response_review_confirm``) and the regrade (``quizzes.regrade``) all grade through
these: what the graders see of an item's artifact, the answer as graders read it, whether
a key fits its question, and storing a grade with the running sums it moves. They import
this module; it imports none of them.
"""
from collections.abc import Sequence
from datetime import datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from progress import aggregates as cohort_aggregates
from progress.contributions import difference, grade_contribution
from courses.models import Item

from .graders import GradeResult, grader_for
from .items import unit_for
from .models import Grade, Response


def artifact_payload(item: Item, *, failure_modes: bool = True) -> dict | None:
    """The artifact as graders see it (content and ground truth).

    Graders read the kind, the content and ``ground_truth.correct`` only; the hot paths
    (submit, grade) pass ``failure_modes=False`` and save one query per artifact item.
    """
    a = item.artifact
    if a is None:
        return None
    truth = {"correct": a.ai_correct}
    if failure_modes:
        truth["failure_modes"] = [f.code for f in a.failure_modes.all()]
    return {"kind": a.kind, "content": a.content, "ground_truth": truth}


def shown_texts(item: Item) -> dict[str, str]:
    """What the trainee read about the item besides its artifact, as plain text: the
    free-text grader tells an answer copied from it (the case must be loaded with the item)."""
    return {"prompt": item.prompt, "vignette": item.case.vignette}


def grade_answer(*, item: Item, key, answer: dict, artifact: dict | None) -> GradeResult:
    """Grade ``answer`` (as ``answer_for_grading`` gives it) with ``key``, as every path does."""
    return unit_for(item.type).grade(item.spec, key, answer, artifact, shown_texts(item))


def answer_for_grading(*, item: Item, answer: dict | None, initial_answer: dict | None) -> dict:
    """The final answer as graders read it: a reliance decision carries the unaided first answer."""
    return unit_for(item.type).grading_answer(answer, (initial_answer or {}).get("answer"))


def item_key_errors(*, item: Item, answer) -> dict[str, list[str]]:
    """What is wrong with ``answer`` as the key of ``item`` (by field; empty: it fits)."""
    errors: dict[str, list[str]] = {}
    for error in grader_for(item.type).validate_key(item.spec, answer, artifact_payload(item)):
        message = _(error.message)
        errors.setdefault(error.path or "key", []).append(message % error.params if error.params else message)
    return errors


def suggestion_confidence(item_type: str, detail: dict) -> int | None:
    """The rank of a free-text suggestion's confidence (``Grade.Confidence``), None for other
    types (a reliance decision's ``detail.confidence`` is the trainee's own) or without one."""
    if item_type != Item.Type.FREE_TEXT or not isinstance(detail.get("confidence"), dict):
        return None
    rank = detail["confidence"].get("rank")
    return rank if rank in Grade.Confidence.values else None


_NO_GRADE = object()


def _competency_codes(item_id: int) -> list[str]:
    """One flat query: a prefetch of the item's tags costs several times as much per grade."""
    return list(Item.competencies.through.objects.filter(item_id=item_id).values_list("competency__code", flat=True))


def grade_store(*, response: Response, result: GradeResult, final: bool, graded_by: User | None = None,
                comment: str = "", old=_NO_GRADE, competencies: list[str] | None = None,
                response_fields: Sequence[str] = ()) -> Grade:
    """Upsert the grade and move the trainee's aggregates by the difference it makes.

    The caller holds the response's row lock, so no other grading of it runs meanwhile: a
    first grade is a plain INSERT, a regrade a plain UPDATE. ``old`` is the current grade
    when the caller has already read it (None: there is none). ``response_fields``: fields
    of the response the caller changed, saved with the grade (and ``updated_at``).

    On PostgreSQL the grade's row, the response's and the running sums travel as one
    statement (``progress.aggregates.grade_applied``): one round trip, and no queryset to
    compile, the larger part of a grade's CPU.
    """
    item = response.item
    now = timezone.now()
    if old is _NO_GRADE:
        old = Grade.objects.filter(response=response).first()
    contribution = {}
    if final:
        contribution = grade_contribution(
            item_type=item.type,
            competencies=competencies if competencies is not None else _competency_codes(item.pk),
            ai_correct=item.artifact.ai_correct if item.artifact_id else None,
            score=result.score, cbm_mark=result.cbm_mark, detail=result.detail,
        )
    values = {
        "score": result.score, "cbm_mark": result.cbm_mark, "feedback": result.feedback,
        "detail": result.detail, "grader_version": grader_for(item.type).VERSION, "is_final": final,
        "graded_by": graded_by, "comment": comment, "contribution": contribution, "graded_at": now,
        "suggestion_confidence": suggestion_confidence(item.type, result.detail),
    }
    old_contribution = old.contribution if old and old.is_final else {}
    if response_fields:
        response_fields = [*response_fields, "updated_at"]
    if old is None:
        grade = Grade(response=response, **values)
    else:
        for field, value in values.items():
            setattr(old, field, value)
        grade = old
    if connection.vendor != "postgresql":
        if old is None:
            grade.save(force_insert=True)
        else:
            grade.save(update_fields=list(values))
        if response_fields:
            response.save(update_fields=response_fields)
        _apply_to_aggregates(response=response, new=contribution, old=old_contribution, at=now)
        return grade
    writes = [_row_insert(grade, ["response", *values]) if old is None else _row_update(grade, list(values))]
    if response_fields:
        writes.insert(0, _row_update(response, response_fields))
    row = _apply_to_aggregates(response=response, new=contribution, old=old_contribution, at=now, writes=writes)
    if old is None:
        grade.pk = row[0]
        grade._state.adding = False
        grade._state.db = connection.alias
    return grade


def _prepared(instance, fields: list[str], *, add: bool) -> tuple[list[str], list]:
    """The columns of ``fields`` and their values as ``Model.save`` prepares them (``pre_save``,
    so ``auto_now`` fields are stamped, then ``get_db_prep_save``)."""
    quote = connection.ops.quote_name
    columns, params = [], []
    for name in fields:
        field = instance._meta.get_field(name)
        columns.append(quote(field.column))
        params.append(field.get_db_prep_save(field.pre_save(instance, add), connection))
    return columns, params


def _row_insert(instance, fields: list[str]) -> cohort_aggregates.Statement:
    """The INSERT of ``fields`` of ``instance``, returning its new primary key."""
    columns, params = _prepared(instance, fields, add=True)
    quote = connection.ops.quote_name
    return (f"INSERT INTO {quote(instance._meta.db_table)} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {quote(instance._meta.pk.column)}", params)


def _row_update(instance, fields: list[str]) -> cohort_aggregates.Statement:
    """The UPDATE of ``fields`` of ``instance`` (by primary key)."""
    columns, params = _prepared(instance, fields, add=False)
    quote = connection.ops.quote_name
    return (f"UPDATE {quote(instance._meta.db_table)} SET {', '.join(f'{c} = %s' for c in columns)} "
            f"WHERE {quote(instance._meta.pk.column)} = %s", [*params, instance.pk])


def _apply_to_aggregates(*, response: Response, new: dict, old: dict, at: datetime, writes=()):
    attempt = response.attempt
    return cohort_aggregates.grade_applied(
        trainee_id=attempt.trainee_id, course_id=attempt.course_id, module_slug=attempt.module_slug,
        answered_at=response.submitted_at or at, deltas=difference(new, old), at=at, writes=writes,
    )
