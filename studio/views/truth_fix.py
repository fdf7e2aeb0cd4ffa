"""Studio pages to fix the ground truth of a published AI output, then regrade what follows."""
from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from courses.models import Artifact, CourseVersion
from quizzes import regrade, truth_fix as truth
from quizzes.models import RegradeJob, TruthFix
from studio.forms import taxonomy_choices
from training.errors import ApplicationError

from .access import author_required, owned


def _published_artifact(request, pk: int) -> Artifact:
    artifact = owned(request, Artifact, pk, related=("case__module",))
    if artifact.case.module.version.status == CourseVersion.Status.DRAFT:
        raise Http404
    return artifact


def _posted(post, items) -> tuple[dict, dict]:
    """The fix asked for on the page (correct, failure modes, keys by item id, twins), and what is wrong with it."""
    errors: dict[str, list[str]] = {}
    correct = {"yes": True, "no": False}.get(post.get("correct", ""))
    if correct is None:
        errors["correct"] = [_("Say whether the AI output is correct.")]
    keys = {item.pk: {"answer": post[f"key_{item.pk}"]} for item in items if post.get(f"key_{item.pk}")}
    values = post.getlist("also_fix")
    if not all(value.isdigit() for value in values):
        errors["also_fix"] = [_("Choose the other versions from the list.")]
        values = []
    return {
        "correct": correct, "failure_modes": post.getlist("truth_failure_modes"), "keys": keys,
        "reason": post.get("reason", ""), "also_fix": {int(v) for v in values},
    }, errors


@author_required
def truth_fix(request, pk: int):
    """Change whether a published AI output is right and its failure modes (audited), give the
    key that follows for each reliance decision about it, and start the dry run of their regrades."""
    artifact = _published_artifact(request, pk)
    items = truth.reliance_items(artifact)
    correct, modes = truth.artifact_truth(artifact)
    wanted = {"correct": correct, "failure_modes": modes, "keys": {}, "reason": "", "also_fix": None}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        wanted, errors = _posted(request.POST, items)
        if not errors:
            try:
                with transaction.atomic():
                    fix = truth.artifact_truth_fix(
                        artifact=artifact, correct=wanted["correct"], failure_modes=wanted["failure_modes"],
                        reason=wanted["reason"], user=request.user, keys=wanted["keys"],
                        also_fix=sorted(wanted["also_fix"]),
                    )
                    jobs = [regrade.regrade_job_create(item=kf.item, user=request.user, key_fix=kf)
                            for kf in truth.truth_fix_key_fixes(fix)]
            except ApplicationError as exc:
                errors = exc.errors or {"non_field_errors": [exc.message]}
                status = exc.status_code
            else:
                return _after_fix(request, fix, jobs)
        status = max(status, 400)
    twins = truth.artifact_truth_twins(artifact=artifact, change=_change_for_twins(wanted, items, artifact),
                                       user=request.user)
    _competencies, failure_modes = taxonomy_choices()
    return render(request, "studio/truth_fix.html", {
        "artifact": artifact, "case": artifact.case, "version": artifact.case.module.version,
        "current_correct": correct, "current_modes": modes, "errors": errors, "wanted": wanted,
        "failure_mode_choices": failure_modes,
        "questions": [_question_row(item, wanted["keys"], errors) for item in items],
        "twins": [(twin, twin.qualifies and (wanted["also_fix"] is None or twin.artifact.pk in wanted["also_fix"]))
                  for twin in twins],
    }, status=status)


def _change_for_twins(wanted: dict, items, artifact: Artifact) -> truth.TruthChange | None:
    """The change as far as it is known, to check each twin against (None on a first visit)."""
    if wanted["correct"] is None or wanted["also_fix"] is None:
        return None
    keys = truth.keys_by_slug(items, wanted["keys"], wanted["correct"], artifact.ai_correct)
    return truth.TruthChange(correct=wanted["correct"], failure_modes=tuple(wanted["failure_modes"]), keys=keys)


def _question_row(item, keys: dict, errors: dict) -> dict:
    ai_answer = item.spec.get("ai_answer")
    chosen = (keys.get(item.pk) or {}).get("answer")
    return {
        "item": item, "ai_answer": ai_answer, "current": item.key.answer.get("answer"),
        "options": [o for o in item.spec.get("options", []) if o.get("id") != ai_answer],
        "ai_option": next((o for o in item.spec.get("options", []) if o.get("id") == ai_answer), None),
        "chosen": chosen, "errors": errors.get(f"keys.{item.pk}", []),
    }


def _after_fix(request, fix: TruthFix, jobs: list[RegradeJob]):
    if fix.draft_artifact_id:
        messages.info(request, _("The same AI output in the draft had the same ground truth; it was fixed too."))
    if not jobs:
        messages.success(request, _("The ground truth was changed. No grade depends on what changed, so there is "
                                    "nothing to regrade."))
        return redirect("studio:artifact", pk=fix.artifact_id)
    if len(jobs) == 1:
        messages.success(request, _("The ground truth and the key that follows from it were changed. The dry run "
                                    "shows what a regrade would change; nothing is regraded until you confirm."))
        return redirect("studio:regrade-job", pk=jobs[0].pk)
    messages.success(request, _("The ground truth was changed; %(n)s questions get a new key. Each has its own dry "
                                "run; no grade changes until you confirm it.") % {"n": len(jobs)})
    return redirect("studio:truth-fix-jobs", pk=fix.pk)


@author_required
def truth_fix_jobs(request, pk: int):
    """After a ground-truth fix: the regrade (dry run) of each question whose key followed."""
    fix = TruthFix.objects.select_related("artifact__case__module__version__course").filter(pk=pk).first()
    if fix is None or not request.user.has_perm("courses.edit_course", fix.artifact.case.module.version.course):
        raise Http404
    if fix.origin_id is not None:
        return redirect("studio:truth-fix-jobs", pk=fix.origin_id)
    latest: dict[int, RegradeJob] = {}
    for job in (RegradeJob.objects.filter(key_fix__in=truth.truth_fix_key_fixes(fix))
                .select_related("item__case__module__version").order_by("-created_at", "-id")):
        latest.setdefault(job.key_fix_id, job)
    rows = [
        {"job": job, "version": job.item.case.module.version,
         "status_word": truth.VERSION_STATUS_WORDS.get(job.item.case.module.version.status, "")}
        for job in sorted(latest.values(), key=lambda job: (job.item.case.module.version.number, job.item_id))
    ]
    return render(request, "studio/truth_fix_jobs.html", {
        "fix": fix, "artifact": fix.artifact, "version": fix.artifact.case.module.version, "rows": rows,
    })
