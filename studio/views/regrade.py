"""Studio pages to fix a published key and regrade: key fix, dry run, run, progress."""
from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from studio.forms import KeyFixReasonForm, item_editor, item_spec_key
from courses.models import CourseVersion, Item, ItemKey
from quizzes import key_twins, regrade
from quizzes.items import unit_for
from quizzes.models import KeyFix, RegradeChange, RegradeJob
from training.errors import ApplicationError

from .access import author_required, owned
from .content import item_page_context


def _published_item(request, pk: int) -> Item:
    item = owned(request, Item, pk, related=("case__module",))
    if item.case.module.version.status == CourseVersion.Status.DRAFT:
        raise Http404
    return item


def _job(request, pk: int) -> RegradeJob:
    job = (
        RegradeJob.objects.select_related("item__case__module__version__course", "key_fix__fixed_by", "key_fix__truth_fix",
                                          "created_by",
                                          "started_by")
        .filter(pk=pk).first()
    )
    if job is None or not request.user.has_perm("courses.edit_course", job.item.case.module.version.course):
        raise Http404
    return job


@author_required
def key_fix(request, pk: int):
    """Change the key of a published item (audited), and of the twins chosen in the course's
    other versions, then start the dry run of a regrade of each fixed item."""
    item = _published_item(request, pk)
    reason_form = KeyFixReasonForm(request.POST or None)
    errors: dict = {}
    status = 200
    new_key = None
    chosen: set[int] | None = None  # None: the qualifying twins, as on a first visit
    current_key = ItemKey.objects.get(item=item).answer
    if request.method == "POST":
        _spec, key, errors = item_spec_key(item.type, request.POST)
        key = unit_for(item.type).keep_unedited(item.spec, current_key, key)
        new_key = None if errors else key
        chosen, errors = _chosen_twin_ids(request.POST.getlist("also_fix"), errors)
        if reason_form.is_valid() and not errors:
            try:
                with transaction.atomic():
                    fix = regrade.item_key_fix(item=item, new_answer=key, reason=reason_form.cleaned_data["reason"],
                                               user=request.user, also_fix=sorted(chosen))
                    fixes = [fix, *fix.twin_fixes.select_related("item__case__module__version")]
                    jobs = [regrade.regrade_job_create(item=f.item, user=request.user, key_fix=f) for f in fixes]
            except ApplicationError as exc:
                errors = exc.errors or {"non_field_errors": [exc.message]}
                status = exc.status_code
            else:
                if fix.draft_item_id:
                    messages.info(request, _("The same item in the draft had the same key; it was fixed too."))
                if len(jobs) == 1:
                    messages.success(request, _("The key was changed. The dry run shows what a regrade would change; "
                                                "nothing is regraded until you confirm."))
                    return redirect("studio:regrade-job", pk=jobs[0].pk)
                messages.success(request, _("The key was changed in %(n)s versions. Each version has its own dry run; "
                                            "no grade changes until you confirm it.") % {"n": len(jobs)})
                return redirect("studio:key-fix-jobs", pk=fix.pk)
        elif not reason_form.is_valid():
            errors.setdefault("reason", reason_form.errors.get("reason", []))
    context = item_page_context(request, item.case, item.type, item, errors, editable=False)
    if request.method == "POST":
        _spec, key, _parse = item_spec_key(item.type, request.POST)
        context["editor"] = item_editor(item.type, item.spec, key, errors)
    twins = key_twins.item_key_twins(item=item, old_answer=current_key, new_answer=new_key)
    context.update({"key_only": True, "reason_form": reason_form, "current_key": current_key,
                    "response_count": item.responses.count(),
                    "twins": [(twin, twin.qualifies and (chosen is None or twin.item.pk in chosen)) for twin in twins]})
    if errors and status < 400:
        status = 400
    return render(request, "studio/key_fix.html", context, status=status)


def _chosen_twin_ids(values: list[str], errors: dict) -> tuple[set[int], dict]:
    """The twin item ids ticked on the key-fix page; a value that is no id is an error at ``also_fix``."""
    if all(value.isdigit() for value in values):
        return {int(value) for value in values}, errors
    return set(), {**errors, "also_fix": [_("Choose the other versions from the list.")]}


@author_required
def key_fix_jobs(request, pk: int):
    """After a key fix applied to several versions: the regrade (dry run) of each fixed item."""
    fix = KeyFix.objects.select_related("item__case__module__version__course").filter(pk=pk).first()
    if fix is None or not request.user.has_perm("courses.edit_course", fix.item.case.module.version.course):
        raise Http404
    if fix.origin_id is not None:  # a copy made for another version: the page is the original fix's
        return redirect("studio:key-fix-jobs", pk=fix.origin_id)
    fixes = [fix, *fix.twin_fixes.all()]
    latest: dict[int, RegradeJob] = {}
    for job in (RegradeJob.objects.filter(key_fix__in=fixes).select_related("item__case__module__version")
                .order_by("-created_at", "-id")):
        latest.setdefault(job.key_fix_id, job)
    rows = [
        {"job": job, "version": job.item.case.module.version,
         "status_word": key_twins.VERSION_STATUS_WORDS.get(job.item.case.module.version.status, "")}
        for job in sorted(latest.values(), key=lambda job: job.item.case.module.version.number)
    ]
    return render(request, "studio/key_fix_jobs.html", {
        "fix": fix, "item": fix.item, "version": fix.item.case.module.version, "rows": rows,
    })


@author_required
@require_POST
def regrade_new(request, pk: int):
    """A new dry run with the item's current key (e.g. to check a previous regrade)."""
    item = _published_item(request, pk)
    reason = request.POST.get("reason", "").strip() or _("Check the grades against the current key.")
    try:
        job = regrade.regrade_job_create(item=item, user=request.user, reason=reason)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("studio:item", pk=item.pk)
    return redirect("studio:regrade-job", pk=job.pk)


def _status_data(job: RegradeJob) -> dict:
    return {
        "id": job.pk, "status": job.status, "status_label": job.get_status_display(), "processed": job.processed,
        "total": job.total, "changed": job.changed, "percent": job.percent, "dry_run": job.dry_run,
        "finished": job.status in (RegradeJob.Status.DONE, RegradeJob.Status.FAILED, RegradeJob.Status.CANCELLED),
    }


@author_required
def job_detail(request, pk: int):
    job = _job(request, pk)
    if regrade.regrade_job_stalled(job=job):
        regrade.regrade_job_resume(job=job)
    changes = list(RegradeChange.objects.filter(job=job).order_by("response_id")[:50])
    return render(request, "studio/regrade_job.html", {
        "job": job, "item": job.item, "version": job.item.case.module.version, "changes": changes,
        "status_url": reverse("studio:regrade-status", args=[job.pk]),
        "open": job.status in (RegradeJob.Status.DRY_RUN, RegradeJob.Status.RUNNING),
    })


@author_required
def job_status(request, pk: int):
    """The job's progress as JSON, polled by the progress bar (resumes a stalled job)."""
    job = _job(request, pk)
    if regrade.regrade_job_stalled(job=job):
        regrade.regrade_job_resume(job=job)
    return JsonResponse(_status_data(job))


@author_required
@require_POST
def job_start(request, pk: int):
    job = _job(request, pk)
    try:
        regrade.regrade_job_start(job=job, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("studio:regrade-job", pk=job.pk)


@author_required
@require_POST
def job_cancel(request, pk: int):
    job = _job(request, pk)
    try:
        regrade.regrade_job_cancel(job=job)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("The regrade was cancelled; no grade was changed."))
    return redirect("studio:regrade-job", pk=job.pk)


@author_required
@require_POST
def job_resume(request, pk: int):
    job = _job(request, pk)
    regrade.regrade_job_resume(job=job)
    messages.info(request, _("The job was sent to the workers again; it continues where it stopped."))
    return redirect("studio:regrade-job", pk=job.pk)
