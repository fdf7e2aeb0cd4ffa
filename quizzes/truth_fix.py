"""Fixing the ground truth of an AI output in a published version (services and selectors).

Whether an AI output is right, and the failure modes it shows, are set by the expert who
wrote the case, and experts are sometimes wrong. A published artifact is immutable except
through this one audited path, the twin of the key fix (``quizzes.regrade``):

* the old and the new truth, who changed it, when and why are kept (``TruthFix``), with one
  audit record;
* a reliance decision about the artifact is graded against its key, and its key says
  whether the AI was right (the key is the AI's answer exactly when the AI output is
  correct). So when the truth flips, each such item gets the key that goes with the new
  truth: the AI's answer when the AI turns out right, the answer the faculty member gives
  when it turns out wrong. Each of those key changes is a ``KeyFix`` linked to the truth fix
  and gets its own regrade job (dry run, confirmation, Celery run, audit record); regrading
  moves the trainees' reliance counters and trend rows by the difference, since a grade's
  contribution is computed with the artifact's (new) truth;
* the same AI output in the course's draft is fixed too when its truth is the old one, and
  the same AI output in the course's other published or withdrawn versions, and in its
  translations, is offered ("twins"); each chosen twin gets its own fix with the same
  reason.

The failure modes of an artifact change no grade (a span item's failure modes are those of
its key); a fix of them only is recorded and audited, with no regrade to run.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Artifact, Course, CourseVersion, FailureMode, Item, ItemKey
from schools.services import audit_record
from training.errors import ApplicationError, Conflict
from training.text import unstorable_errors

from .grading import item_key_errors
from .key_twins import VERSION_STATUS_WORDS, VersionTwin, chosen_twins_or_refusal
from .models import Grade, KeyFix, RegradeJob, TruthFix

RELIANCE = Item.Type.RELIANCE_DECISION


@dataclass(frozen=True)
class TruthChange:
    """What a fix asks for: the new truth, and the key of each reliance item that needs one
    (by item slug: the same question in a twin has the same slug)."""

    correct: bool
    failure_modes: tuple[str, ...]
    keys: dict[str, dict] = field(default_factory=dict)


def artifact_truth(artifact: Artifact) -> tuple[bool, list[str]]:
    return artifact.ai_correct, sorted(m.code for m in artifact.failure_modes.all())


def reliance_items(artifact: Artifact) -> list[Item]:
    """The reliance decisions about the artifact, with their keys (their grades follow its truth)."""
    return list(artifact.items.filter(type=RELIANCE).select_related("key").order_by("position"))


def _course_family(course: Course) -> list[int]:
    """The course and its translations (the same cases in another language)."""
    root = course.translation_of_id or course.pk
    return list(Course.objects.filter(Q(pk=root) | Q(translation_of_id=root)).values_list("pk", flat=True))


def artifact_twins(artifact: Artifact) -> QuerySet[Artifact]:
    """The same AI output (module, case and artifact slug, and kind) in the course's other
    versions and in its translations. ``artifact`` comes with its case, module and version."""
    module = artifact.case.module
    return Artifact.objects.filter(
        case__module__version__course_id__in=_course_family(module.version.course), case__module__slug=module.slug,
        case__slug=artifact.case.slug, slug=artifact.slug, kind=artifact.kind,
    ).exclude(pk=artifact.pk)


@dataclass(frozen=True)
class TruthTwin(VersionTwin):
    """The same AI output in another published or withdrawn version, and whether it can take the fix."""

    artifact: Artifact
    course_slug: str
    language: str
    version_number: int
    version_status: str
    same_old_truth: bool
    problems: tuple[str, ...]  # what is wrong with the new keys for its questions
    graded: int  # answers to its reliance decisions with a grade
    regrade_running: bool
    authored: bool = True  # whether the person fixing authors its course (a translation may be another's)

    @property
    def qualifies(self) -> bool:
        return self.authored and self.same_old_truth and not self.regrade_running and not self.problems

    @property
    def conflicting(self) -> bool:
        return not self.same_old_truth or self.regrade_running

    @property
    def refusal(self) -> str:
        if not self.authored:
            return _("You are not an author of this course.")
        if not self.same_old_truth:
            return _("Its ground truth is not the one being fixed (it was changed separately).")
        if self.regrade_running:
            return _("A regrade of one of its questions is running; wait until it has finished.")
        if self.problems:
            return self.problems[0]
        return ""


def artifact_truth_twins(*, artifact: Artifact, change: TruthChange | None = None,
                         user: User | None = None) -> list[TruthTwin]:
    """The artifact's twins in other published or withdrawn versions (and translations), by
    course then version; ``change``, when given, is checked against each twin's questions,
    and ``user``, when given, against each twin's course (``courses.edit_course``)."""
    old = artifact_truth(artifact)
    graded = (
        Grade.objects.filter(response__item__artifact_id=OuterRef("pk"), response__item__type=RELIANCE).order_by()
        .values("response__item__artifact_id").annotate(n=Count("pk")).values("n")
    )
    twins = (
        artifact_twins(artifact).exclude(case__module__version__status=CourseVersion.Status.DRAFT)
        .select_related("case__module__version__course").prefetch_related("failure_modes")
        .annotate(
            graded=Coalesce(Subquery(graded, output_field=IntegerField()), Value(0)),
            regrade_running=Exists(RegradeJob.objects.filter(item__artifact_id=OuterRef("pk"),
                                                             status=RegradeJob.Status.RUNNING)),
        )
        .order_by("case__module__version__course__slug", "case__module__version__number")
    )
    out = []
    for twin in twins:
        version = twin.case.module.version
        problems: tuple[str, ...] = ()
        if change is not None and artifact_truth(twin) == old:
            problems = tuple(_key_problems(twin, change))
        out.append(TruthTwin(
            artifact=twin, course_slug=version.course.slug, language=version.language, version_number=version.number,
            version_status=version.status, same_old_truth=artifact_truth(twin) == old, problems=problems,
            graded=twin.graded, regrade_running=twin.regrade_running,
            authored=user is None or user.has_perm("courses.edit_course", version.course),
        ))
    return out


# ---------------------------------------------------------------- the fix


def artifact_truth_fix(*, artifact: Artifact, correct: bool, failure_modes: Iterable[str], reason: str, user: User,
                       keys: dict[int, dict] | None = None, also_fix: Iterable[int] = ()) -> TruthFix:
    """Change the ground truth of an artifact of a published or withdrawn version, with an audit trail.

    ``keys`` gives, by item id, the new key of each reliance decision about the artifact
    when the AI output turns out wrong (when it turns out right, the key is the AI's
    answer). Open dry runs of those items are cancelled. ``also_fix`` lists twins
    (``artifact_truth_twins``) to fix at once with the same reason; a twin that cannot take
    the fix is refused, naming its version, and then nothing at all is changed.
    """
    reason = (reason or "").strip()
    modes = tuple(sorted(set(failure_modes)))
    also_fix = sorted(set(also_fix))
    with transaction.atomic():
        list(Artifact.objects.select_for_update().filter(pk__in=[artifact.pk, *also_fix]).order_by("pk"))
        list(ItemKey.objects.select_for_update().filter(item__artifact_id__in=[artifact.pk, *also_fix],
                                                         item__type=RELIANCE).order_by("item_id"))
        artifact = (Artifact.objects.select_related("case__module__version__course").prefetch_related("failure_modes")
                    .get(pk=artifact.pk))
        version = artifact.case.module.version
        if version.status == CourseVersion.Status.DRAFT:
            raise Conflict(_("This AI output is in a draft: edit its ground truth in the studio instead of fixing it."))
        errors = unstorable_errors(reason, "reason") if reason else {"reason": [_("This field is required.")]}
        if errors:
            raise ApplicationError(_("Say why the ground truth is changed; the reason is kept with the fix."), errors)
        known = set(FailureMode.objects.filter(code__in=modes).values_list("code", flat=True))
        unknown = [code for code in modes if code not in known]
        if unknown:
            raise ApplicationError(_("The failure modes are not valid; nothing was changed."), {
                "failure_modes": [_("Unknown failure mode %(code)s.") % {"code": code} for code in unknown],
            })
        old_correct, old_modes = artifact_truth(artifact)
        if (correct, list(modes)) == (old_correct, old_modes):
            raise ApplicationError(_("The new ground truth is the same as the current one; nothing was changed."), {
                "correct": [_("Change the ground truth first.")],
            })
        items = reliance_items(artifact)
        change = TruthChange(correct=correct, failure_modes=modes, keys=keys_by_slug(items, keys or {}, correct,
                                                                                     old_correct))
        problems = _key_problems(artifact, change, items=items, by_id=True)
        if problems:
            raise ApplicationError(_("The keys of the questions about this AI output are not valid; nothing was "
                                     "changed."), problems)
        twins = _chosen_twins(artifact, also_fix, change, user)
        targets = [artifact, *(twin.artifact for twin in twins)]
        if RegradeJob.objects.filter(item__artifact__in=targets, status=RegradeJob.Status.RUNNING).exists():
            raise Conflict(_("A regrade of a question about this AI output is running; wait until it has finished."))
        RegradeJob.objects.filter(
            item__artifact__in=targets, status__in=[RegradeJob.Status.DRY_RUN, RegradeJob.Status.READY],
        ).update(status=RegradeJob.Status.CANCELLED, finished_at=timezone.now())
        draft = _draft_twin(artifact, (old_correct, old_modes))
        fix = _record(artifact=artifact, items=items, change=change, reason=reason, user=user, draft=draft)
        if draft is not None:
            _apply(draft, reliance_items(draft), change)
        for twin in twins:
            _record(artifact=twin.artifact, items=reliance_items(twin.artifact), change=change, reason=reason,
                    user=user, origin=fix)
    return fix


def keys_by_slug(items: list[Item], keys: dict[int, dict], correct: bool, old_correct: bool) -> dict[str, dict]:
    """The new key of each reliance item, by slug (none when the AI's rightness does not change)."""
    if correct == old_correct:
        return {}
    if correct:
        return {item.slug: {"answer": item.spec.get("ai_answer")} for item in items}
    return {item.slug: keys[item.pk] for item in items if item.pk in keys}


def _key_problems(artifact: Artifact, change: TruthChange, *, items: list[Item] | None = None,
                  by_id: bool = False) -> dict[str, list[str]] | list[str]:
    """What is wrong with the change's keys for the artifact's reliance items (errors by
    ``keys.<item id>`` for the artifact fixed, plain sentences for a twin)."""
    if items is None:
        items = reliance_items(artifact)
    by_path: dict[str, list[str]] = {}
    sentences: list[str] = []
    if change.correct == artifact.ai_correct:
        return by_path if by_id else sentences
    old_correct = artifact.ai_correct
    artifact.ai_correct = change.correct  # in memory only: the keys are checked against the new truth
    try:
        for item in items:
            item.artifact = artifact
            path = f"keys.{item.pk}"
            key = change.keys.get(item.slug)
            if key is None:
                if by_id:
                    by_path[path] = [_("Give the right answer: the AI's answer is wrong now.")]
                else:
                    sentences.append(_("Its question %(slug)s is not a question of this AI output.")
                                     % {"slug": item.slug})
                continue
            errors = item_key_errors(item=item, answer=key)
            if errors:
                first = next(iter(errors.values()))[0]
                by_path[path] = [first]
                sentences.append(_("The new key does not fit its question %(slug)s: %(problem)s")
                                 % {"slug": item.slug, "problem": first})
    finally:
        artifact.ai_correct = old_correct
    return by_path if by_id else sentences


def _chosen_twins(artifact: Artifact, chosen: list[int], change: TruthChange, user: User) -> list[TruthTwin]:
    if not chosen:
        return []
    twins = {twin.artifact.pk: twin for twin in artifact_truth_twins(artifact=artifact, change=change, user=user)}
    return chosen_twins_or_refusal(chosen, twins, not_a_twin=_(
        "AI output %(id)s is not this AI output in another published or withdrawn version."))


def _apply(artifact: Artifact, items: list[Item], change: TruthChange) -> list[tuple[Item, dict, dict]]:
    """Write the new truth and the new keys; the (item, old key, new key) of each key changed."""
    changed = []
    for item in items:
        new = change.keys.get(item.slug)
        if new is not None and new != item.key.answer:
            changed.append((item, item.key.answer, new))
            ItemKey.objects.filter(item=item).update(answer=new)
    artifact.ai_correct = change.correct
    artifact.save(update_fields=["ai_correct"])
    artifact.failure_modes.set(FailureMode.objects.filter(code__in=change.failure_modes))
    return changed


def _record(*, artifact: Artifact, items: list[Item], change: TruthChange, reason: str, user: User,
            draft: Artifact | None = None, origin: TruthFix | None = None) -> TruthFix:
    """Write one fix: the TruthFix row, the new truth and keys, a KeyFix per key and the audit record."""
    version = artifact.case.module.version
    old_correct, old_modes = artifact_truth(artifact)
    fix = TruthFix.objects.create(
        artifact=artifact, old_correct=old_correct, new_correct=change.correct, old_failure_modes=old_modes,
        new_failure_modes=list(change.failure_modes), reason=reason, fixed_by=user, draft_artifact=draft,
        origin=origin,
    )
    changed = _apply(artifact, items, change)
    KeyFix.objects.bulk_create([
        KeyFix(item=item, old_answer=old, new_answer=new, reason=reason, fixed_by=user, truth_fix=fix)
        for item, old, new in changed
    ])
    detail = {
        "artifact": artifact.pk, "course": version.course.slug, "version": version.number, "truth_fix": fix.pk,
        "old": {"correct": old_correct, "failure_modes": old_modes},
        "new": {"correct": change.correct, "failure_modes": list(change.failure_modes)},
        "keys": [{"item": item.pk, "old": old, "new": new} for item, old, new in changed], "reason": reason,
    }
    if origin is not None:
        detail["origin"] = origin.pk
    audit_record(actor=user, action="artifact.truth_fix", detail=detail, school_id=version.course.school_id)
    return fix


def _draft_twin(artifact: Artifact, old_truth: tuple[bool, list[str]]) -> Artifact | None:
    """The same artifact in the course's own draft, if its truth is the old one."""
    module = artifact.case.module
    twin = (
        Artifact.objects.select_for_update(of=("self",))
        .filter(case__module__version__course_id=module.version.course_id,
                case__module__version__status=CourseVersion.Status.DRAFT, case__module__slug=module.slug,
                case__slug=artifact.case.slug, slug=artifact.slug, kind=artifact.kind)
        .select_related("case__module__version").first()
    )
    if twin is None or artifact_truth(twin) != old_truth:
        return None
    return twin


def truth_fix_key_fixes(fix: TruthFix) -> list[KeyFix]:
    """The key fixes a truth fix made, with those of its twins (the items to regrade)."""
    return list(
        KeyFix.objects.filter(Q(truth_fix=fix) | Q(truth_fix__origin=fix))
        .select_related("item__case__module__version").order_by("item__case__module__version__number", "item_id")
    )
