"""Fixing the key of a published item and regrading its responses (services).

Published content is immutable, with one audited exception: a faculty member may fix the
answer key of an item of a published (or withdrawn) version, saying why. The old and the
new key are kept (KeyFix), and the responses already graded with the old key are brought
in line by a regrade job:

1. a **dry run** grades every response again in memory with the job's key and counts what
   would change and by how much, writing nothing but the figures on the job row;
2. the **run**, once a person confirms it, regrades in batches on Celery. Each batch is one
   transaction that locks its responses, upserts their grades through
   ``quizzes.grading.grade_store`` (which moves the trainee's progress and measure
   counters by the new minus the old contribution) and advances the job's cursor, so a
   killed worker resumes at the next batch and a response regraded twice ends with the
   same grade and the same aggregates. Re-running a finished job changes nothing.

Responses still waiting for their first grade need nothing: the grading task reads the
key when it runs. A response the regrade gives its first final grade (its grading had
failed) is announced as any first grade is (``response_graded``); the final grades given
again are announced together (``grades_revised``). Free-text grades a faculty member confirmed are kept as they are (their
points are a person's judgement, not the key's); pending suggestions are recomputed.

The jobs' tasks are enqueued by name (``DRY_RUN_TASK``, ``RUN_TASK``), never imported.
"""
from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Avg, Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from schools.services import audit_record
from courses.models import CourseVersion, Item, ItemKey
from training.errors import ApplicationError, Conflict
from training.queue import enqueue_on_commit, publish_rollback_unsafe
from training.text import unstorable_errors

from .graders import GradeResult
from .grading import answer_for_grading, artifact_payload, grade_answer, grade_store, item_key_errors
from .items import unit_for
from .key_twins import KeyTwin, chosen_twins_or_refusal, item_key_twins, item_twins
from .models import Grade, KeyFix, RegradeChange, RegradeJob, Response
from .signals import grades_revised, response_graded

# The jobs' tasks (quizzes.tasks): a new name if their arguments ever change.
DRY_RUN_TASK = "quizzes.regrade_dry_run_v1"
RUN_TASK = "quizzes.regrade_run_v1"

REGRADED_STATES = (Response.State.GRADED, Response.State.REVIEW, Response.State.FAILED)
OPEN_STATUSES = (RegradeJob.Status.DRY_RUN, RegradeJob.Status.READY, RegradeJob.Status.RUNNING)
EPSILON = 1e-9
BATCH_SIZE = 200


def _grading_item(item_id: int) -> Item:
    """The item with what grading reads prefetched once (key, artifact, tags)."""
    return (
        Item.objects.select_related("key", "artifact", "case__module__version__course")
        .prefetch_related("competencies", "artifact__failure_modes")
        .get(pk=item_id)
    )


# ---------------------------------------------------------------- key fix


def item_key_fix(*, item: Item, new_answer, reason: str, user: User, also_fix: Iterable[int] = ()) -> KeyFix:
    """Change the key of an item of a published or withdrawn version, with an audit trail.

    Open dry runs of the item are cancelled (their figures were for the old key). When the
    course's draft holds the same item with the same old key, its key is fixed too, so the
    next version does not bring the mistake back.

    ``also_fix`` lists twins to fix at once: ids of the same item in the course's other
    published or withdrawn versions (``quizzes.key_twins``). Each gets its own fix (same
    reason, ``origin`` the returned fix, reachable as ``fix.twin_fixes``), its dry runs
    cancelled and its audit record. A twin whose key is no longer the old one, that does not
    accept the new key, that is being regraded or that is no twin at all is refused, naming
    its version, and then nothing at all is changed.
    """
    reason = (reason or "").strip()
    also_fix = sorted(set(also_fix))
    with transaction.atomic():
        keys = {
            k.item_id: k for k in
            ItemKey.objects.select_for_update().filter(item_id__in=[item.pk, *also_fix]).order_by("item_id")
        }
        key = keys[item.pk]
        item = _grading_item(item.pk)
        version = item.case.module.version
        if version.status == CourseVersion.Status.DRAFT:
            raise Conflict(_("This item is in a draft: edit its key in the studio instead of fixing it."))
        if not reason:
            raise ApplicationError(_("Say why the key is changed; the reason is kept with the fix."), {
                "reason": [_("This field is required.")],
            })
        errors = item_key_errors(item=item, answer=new_answer)
        if errors:
            raise ApplicationError(_("The new key is not valid; nothing was changed."), errors)
        if new_answer == key.answer:
            raise ApplicationError(_("The new key is the same as the current one; nothing was changed."), {
                "key": [_("Change the key first.")],
            })
        if RegradeJob.objects.filter(item=item, status=RegradeJob.Status.RUNNING).exists():
            raise Conflict(_("A regrade of this item is running; wait until it has finished."))
        old_answer = key.answer
        twins = _chosen_twins(item, also_fix, old_answer=old_answer, new_answer=new_answer)
        RegradeJob.objects.filter(
            item_id__in=[item.pk, *also_fix], status__in=[RegradeJob.Status.DRY_RUN, RegradeJob.Status.READY],
        ).update(status=RegradeJob.Status.CANCELLED, finished_at=timezone.now())
        draft_item = _draft_twin(item, old_answer)
        fix = _record_key_fix(item=item, key=key, new_answer=new_answer, reason=reason, user=user,
                              draft_item=draft_item)
        if draft_item is not None:
            ItemKey.objects.filter(item=draft_item).update(answer=new_answer)
        for twin in twins:
            _record_key_fix(item=twin.item, key=keys[twin.item.pk], new_answer=new_answer, reason=reason, user=user,
                            origin=fix)
    return fix


def _chosen_twins(item: Item, chosen: list[int], *, old_answer, new_answer) -> list[KeyTwin]:
    """The chosen twins of ``item`` if every one can take the fix, else the refusal naming each that cannot."""
    if not chosen:
        return []
    twins = {twin.item.pk: twin for twin in item_key_twins(item=item, old_answer=old_answer, new_answer=new_answer)}
    return chosen_twins_or_refusal(chosen, twins, not_a_twin=_(
        "Item %(id)s is not this item in another published or withdrawn version of the course."))


def _record_key_fix(*, item: Item, key: ItemKey, new_answer, reason: str, user: User, draft_item: Item | None = None,
                    origin: KeyFix | None = None) -> KeyFix:
    """Write one fix: the KeyFix row, the new key and the audit record (the checks are done)."""
    version = item.case.module.version
    fix = KeyFix.objects.create(
        item=item, old_answer=key.answer, new_answer=new_answer, reason=reason, fixed_by=user,
        draft_item=draft_item, origin=origin,
    )
    detail = {
        "item": item.pk, "course": version.course.slug, "version": version.number, "key_fix": fix.pk,
        "old": key.answer, "new": new_answer, "reason": reason,
    }
    if origin is not None:
        detail["origin"] = origin.pk
    key.answer = new_answer
    key.save(update_fields=["answer"])
    audit_record(actor=user, action="item.key_fix", detail=detail, school_id=version.course.school_id)
    return fix


def _draft_twin(item: Item, old_answer) -> Item | None:
    """The same item (by module, case and item slug) in the course's draft, if its key is the old one."""
    twin = (
        item_twins(item).select_for_update(of=("self",))
        .filter(case__module__version__status=CourseVersion.Status.DRAFT)
        .select_related("key")
        .first()
    )
    if twin is None or twin.key.answer != old_answer:
        return None
    return twin


# ---------------------------------------------------------------- what a regrade would do


@dataclass
class _Outcome:
    old_score: float | None
    new_score: float | None  # None: kept as it is (a confirmed manual grade)
    result: GradeResult | None
    rewrite: bool  # whether the stored grade differs from the new result


def _candidates(item: Item) -> QuerySet[Response]:
    return Response.objects.filter(item_id=item.pk, state__in=REGRADED_STATES)


def _confirmed_manually(item: Item, state: str, graded_by_id: int | None, is_final: bool | None) -> bool:
    return (
        unit_for(item.type).marked_by_faculty and state == Response.State.GRADED and bool(is_final)
        and graded_by_id is not None
    )


def _outcome(item: Item, key, artifact, *, state: str, answer, initial_answer, old: dict | None) -> _Outcome:
    """What regrading one response would do (pure: reads nothing, writes nothing)."""
    old_score = old["score"] if old else None
    if old and _confirmed_manually(item, state, old["graded_by_id"], old["is_final"]):
        return _Outcome(old_score, None, None, False)
    graded = answer_for_grading(item=item, answer=answer, initial_answer=initial_answer)
    result = grade_answer(item=item, key=key, answer=graded, artifact=artifact)
    rewrite = (
        old is None
        or abs(result.score - old["score"]) > EPSILON
        or result.cbm_mark != old["cbm_mark"]
        or result.detail != old["detail"]
    )
    return _Outcome(old_score, result.score, result, rewrite)


def dry_run_figures(*, item: Item, key) -> dict:
    """How many grades of ``item`` regrading with ``key`` would change, and by how much.

    Reads the responses in one streamed query and grades them in memory; writes nothing.
    ``trainees`` counts the trainees whose grades or figures a regrade would rewrite (a
    reliance decision's detail says whether the AI was right, and moves their counters).
    """
    artifact = artifact_payload(item)
    rows = (
        _candidates(item).order_by("pk")
        .values_list("pk", "state", "answer", "initial_answer", "grade__score", "grade__cbm_mark",
                     "grade__detail", "grade__graded_by_id", "grade__is_final", "attempt__trainee_id")
        .iterator(chunk_size=2000)
    )
    total = changed = detail_only = kept = newly = up = down = 0
    trainees: set[int] = set()  # whose grades or reliance figures would move
    deltas: list[float] = []
    before: list[float] = []
    after: list[float] = []
    samples = []
    for pk, state, answer, initial, score, cbm, detail, graded_by_id, is_final, trainee_id in rows:
        total += 1
        old = None if score is None else {
            "score": score, "cbm_mark": cbm, "detail": detail, "graded_by_id": graded_by_id, "is_final": is_final,
        }
        outcome = _outcome(item, key, artifact, state=state, answer=answer, initial_answer=initial, old=old)
        if outcome.new_score is None:
            kept += 1
            before.append(score)
            after.append(score)
            continue
        if outcome.rewrite:
            trainees.add(trainee_id)
        if old is None:
            newly += 1
            after.append(outcome.new_score)
            continue
        before.append(old["score"])
        after.append(outcome.new_score)
        delta = outcome.new_score - old["score"]
        if abs(delta) > EPSILON or outcome.result.cbm_mark != old["cbm_mark"]:
            changed += 1
            deltas.append(delta)
            up += delta > EPSILON
            down += delta < -EPSILON
            if len(samples) < 10:
                samples.append({"response": pk, "old": round(old["score"], 4), "new": round(outcome.new_score, 4)})
        elif outcome.rewrite:
            detail_only += 1
    return {
        "total": total,
        "changed": changed,
        "up": up,
        "down": down,
        "detail_only": detail_only,
        "unchanged": total - changed - detail_only - kept - newly,
        "kept_confirmed": kept,
        "newly_graded": newly,
        "trainees": len(trainees),
        "mean_delta": math.fsum(deltas) / len(deltas) if deltas else None,
        "mean_abs_delta": math.fsum(abs(d) for d in deltas) / len(deltas) if deltas else None,
        "max_abs_delta": max((abs(d) for d in deltas), default=None),
        "mean_before": math.fsum(before) / len(before) if before else None,
        "mean_after": math.fsum(after) / len(after) if after else None,
        "samples": samples,
    }


def grades_summary(*, item: Item) -> dict:
    """The count and mean of the item's final grades now (the before/after of the audit)."""
    figures = Grade.objects.filter(response__item_id=item.pk, is_final=True).aggregate(n=Count("id"), mean=Avg("score"))
    return {"final_grades": figures["n"], "mean_score": figures["mean"]}


# ---------------------------------------------------------------- jobs


def regrade_job_create(*, item: Item, user: User, reason: str = "", key_fix: KeyFix | None = None) -> RegradeJob:
    """Open a regrade job for the item's current key and start its dry run (after commit)."""
    errors = unstorable_errors(reason, "reason")
    if errors:
        raise ApplicationError(_("The reason is not valid: %(problem)s.") % {"problem": errors["reason"][0]}, errors)
    with transaction.atomic():
        key = ItemKey.objects.select_for_update().get(item_id=item.pk)
        if item.case.module.version.status == CourseVersion.Status.DRAFT:
            raise Conflict(_("A draft has no graded answers to regrade."))
        open_job = RegradeJob.objects.filter(item_id=item.pk, status__in=OPEN_STATUSES).first()
        if open_job is not None and open_job.status == RegradeJob.Status.RUNNING:
            raise Conflict(_("A regrade of this item is running; wait until it has finished."))
        if open_job is not None:
            open_job.status = RegradeJob.Status.CANCELLED
            open_job.finished_at = timezone.now()
            open_job.save(update_fields=["status", "finished_at", "updated_at"])
        job = RegradeJob.objects.create(
            item_id=item.pk, key_fix=key_fix, reason=(reason or (key_fix.reason if key_fix else "")).strip(),
            key_answer=key.answer, created_by=user,
        )
        enqueue_on_commit(DRY_RUN_TASK, job.pk)  # a broker failure is logged; the sweeper resumes it
    return job


def regrade_job_dry_run(*, job_id: int) -> RegradeJob:
    """Compute the dry-run figures of a job once (a second delivery finds it done)."""
    job = RegradeJob.objects.get(pk=job_id)
    if job.status != RegradeJob.Status.DRY_RUN:
        return job
    item = _grading_item(job.item_id)
    started = time.perf_counter()
    figures = dry_run_figures(item=item, key=job.key_answer)
    seconds = time.perf_counter() - started
    RegradeJob.objects.filter(pk=job.pk, status=RegradeJob.Status.DRY_RUN).update(
        status=RegradeJob.Status.READY, dry_run=figures, dry_run_seconds=seconds, total=figures["total"],
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def regrade_job_start(*, job: RegradeJob, user: User) -> RegradeJob:
    """Confirm a dry-run job: it starts regrading on Celery. Starting it again is harmless."""
    with transaction.atomic():
        job = RegradeJob.objects.select_for_update().get(pk=job.pk)
        if job.status in (RegradeJob.Status.RUNNING, RegradeJob.Status.DONE):
            return job
        if job.status != RegradeJob.Status.READY:
            raise Conflict(_("Only a job whose dry run is done can be started; this one is %(status)s.") % {
                "status": job.get_status_display(),
            })
        key = ItemKey.objects.select_for_update().get(item_id=job.item_id)
        if key.answer != job.key_answer:
            raise Conflict(_("The key changed after this dry run; run a new dry run first."))
        item = Item.objects.get(pk=job.item_id)
        job.status = RegradeJob.Status.RUNNING
        job.started_by = user
        job.started_at = timezone.now()
        job.total = _candidates(item).count()
        job.before = grades_summary(item=item)
        job.save(update_fields=["status", "started_by", "started_at", "total", "before", "updated_at"])
        enqueue_on_commit(RUN_TASK, job.pk)
    return job


def regrade_job_resume(*, job: RegradeJob) -> None:
    """Enqueue the next step of a running job again (after a lost message); harmless twice."""
    task_name = _next_step_task(job)
    if task_name:
        enqueue_on_commit(task_name, job.pk)


def _next_step_task(job: RegradeJob) -> str | None:
    """The task that takes an open job further (None: nothing to do for it)."""
    return {RegradeJob.Status.RUNNING: RUN_TASK, RegradeJob.Status.DRY_RUN: DRY_RUN_TASK}.get(job.status)


def regrade_job_fail(*, job_id: int, reason: str) -> None:
    RegradeJob.objects.filter(pk=job_id, status__in=OPEN_STATUSES).update(
        status=RegradeJob.Status.FAILED, error=reason[:2000], finished_at=timezone.now(), updated_at=timezone.now(),
    )


def regrade_job_cancel(*, job: RegradeJob) -> RegradeJob:
    """Drop a job that has not started regrading (a dry run nobody confirmed)."""
    updated = RegradeJob.objects.filter(
        pk=job.pk, status__in=[RegradeJob.Status.DRY_RUN, RegradeJob.Status.READY],
    ).update(status=RegradeJob.Status.CANCELLED, finished_at=timezone.now(), updated_at=timezone.now())
    job.refresh_from_db()
    if not updated and job.status != RegradeJob.Status.CANCELLED:
        raise Conflict(_("A job that started regrading cannot be cancelled."))
    return job


def regrade_job_step(*, job_id: int, batch_size: int = BATCH_SIZE, budget_seconds: float = 20.0) -> bool:
    """Regrade batches of a running job for up to ``budget_seconds``; True once it is finished."""
    deadline = time.monotonic() + budget_seconds
    item = _grading_item(RegradeJob.objects.values_list("item_id", flat=True).get(pk=job_id))
    artifact = artifact_payload(item)
    while True:
        finished = _regrade_batch(job_id=job_id, item=item, artifact=artifact, batch_size=batch_size)
        if finished:
            return True
        if time.monotonic() >= deadline:
            return False


def _regrade_batch(*, job_id: int, item: Item, artifact, batch_size: int) -> bool:
    with transaction.atomic():
        job = RegradeJob.objects.select_for_update().get(pk=job_id)
        if job.status != RegradeJob.Status.RUNNING:
            return True
        responses = list(
            _candidates(item).filter(pk__gt=job.cursor).order_by("pk")
            .select_for_update(of=("self",)).select_related("grade", "attempt")[:batch_size]
        )
        if not responses:
            job.status = RegradeJob.Status.DONE
            job.finished_at = timezone.now()
            job.after = grades_summary(item=item)
            job.save(update_fields=["status", "finished_at", "after", "updated_at"])
            audit_record(actor=job.started_by, action="item.regrade", detail={
                "item": item.pk, "job": job.pk, "reason": job.reason, "key": job.key_answer,
                "processed": job.processed, "changed": job.changed, "before": job.before, "after": job.after,
            }, school_id=item.case.module.version.course.school_id)
            return True
        changes, revised = [], []
        codes = [c.code for c in item.competencies.all()]  # prefetched with the item
        for response in responses:
            grade = getattr(response, "grade", None)
            old = None if grade is None else {
                "score": grade.score, "cbm_mark": grade.cbm_mark, "detail": grade.detail,
                "graded_by_id": grade.graded_by_id, "is_final": grade.is_final,
            }
            outcome = _outcome(item, job.key_answer, artifact, state=response.state, answer=response.answer,
                               initial_answer=response.initial_answer, old=old)
            if old is not None and old["is_final"]:
                revised.append(response.pk)  # even unchanged: the truth its result reports may have moved
            if not outcome.rewrite:
                continue
            response.item = item  # the prefetched item: no query per response for its tags
            final = not outcome.result.needs_review
            grade = grade_store(response=response, result=outcome.result, final=final, competencies=codes)
            response.state = Response.State.GRADED if final else Response.State.REVIEW
            fields = ["state", "updated_at"]
            if response.failure_reason:
                response.failure_reason = ""
                fields.append("failure_reason")
            response.save(update_fields=fields)
            if final and (old is None or not old["is_final"]):
                # its first final grade (grading had failed): told as any first grade is
                response_graded.send(sender=Response, response=response, grade=grade)
            if old is None or abs(outcome.new_score - old["score"]) > EPSILON:
                changes.append(RegradeChange(job=job, response=response, old_score=outcome.old_score,
                                             new_score=outcome.new_score))
        RegradeChange.objects.bulk_create(changes, ignore_conflicts=True)
        if revised:
            grades_revised.send(sender=Response, response_ids=revised)
        job.cursor = responses[-1].pk
        job.processed += len(responses)
        job.changed += len(changes)
        job.save(update_fields=["cursor", "processed", "changed", "updated_at"])
    return False


def regrade_job_stalled(*, job: RegradeJob, after_seconds: int = 120) -> bool:
    """Whether an open job has not moved for a while (its task message was probably lost)."""
    if job.status not in (RegradeJob.Status.DRY_RUN, RegradeJob.Status.RUNNING):
        return False
    return (timezone.now() - job.updated_at).total_seconds() > after_seconds


def regrade_jobs_sweep(*, after_seconds: int = 120, limit: int = 100) -> list[int]:
    """Enqueue again the open jobs that have not moved for a while (a lost task message or a
    worker killed mid-step); a job that was only slow gets one harmless extra message."""
    cutoff = timezone.now() - timedelta(seconds=after_seconds)
    jobs = list(
        RegradeJob.objects.filter(
            status__in=(RegradeJob.Status.DRY_RUN, RegradeJob.Status.RUNNING), updated_at__lt=cutoff,
        ).order_by("updated_at")[:limit]
    )
    for job in jobs:  # outside any transaction of ours: published now
        publish_rollback_unsafe(_next_step_task(job), job.pk)
    return [job.pk for job in jobs]

