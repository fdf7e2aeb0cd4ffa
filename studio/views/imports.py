"""The page of a background import (a large package or question file) and its status poll.

Only the author who uploaded the file sees the job (404 for anyone else). The page shows a
progress bar the studio script polls (``data-poll-url``), and once the job is finished the
report of the questions imported, the version the package became, or every problem found
(nothing is imported then). A job whose worker died or whose message was lost is sent
again by the beat sweeper (``courses.sweep_import_jobs``).
"""
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from courses.models import ImportJob
from courses.question_import import QuestionsReport

from .access import author_required


def _job(request, pk: int) -> ImportJob:
    job = ImportJob.objects.select_related("version__course").filter(pk=pk, requested_by=request.user).first()
    if job is None:
        raise Http404
    return job


def job_status_data(job: ImportJob) -> dict:
    """What the progress bar polls (``total``/``processed`` as studio.js reads them; ``message``
    the line under the bar, as the page words it)."""
    return {"id": job.pk, "kind": job.kind, "status": job.status, "status_label": job.get_status_display(),
            "progress": job.progress, "total": 100, "processed": job.progress, "error": job.error,
            "message": _progress_message(job)}


def _progress_message(job: ImportJob) -> str:
    if job.status == ImportJob.Status.PENDING:
        return _("Waiting for a worker to start it. This page updates by itself.")
    if job.status == ImportJob.Status.RUNNING:
        return _("Being checked and imported: %(percent)s%%. This page updates by itself.") % {"percent": job.progress}
    if job.status == ImportJob.Status.DONE:
        return _("The import is finished.")
    return _("Nothing was imported.")


@author_required
@require_GET
def import_job(request, pk: int):
    job = _job(request, pk)
    report = QuestionsReport.from_json(job.result) if job.kind == ImportJob.Kind.QUESTIONS and job.status == "done" else None
    problems = [tuple(p) for p in job.result.get("problems", [])] if job.status == ImportJob.Status.FAILED else []
    return render(request, "studio/import_job.html", {
        "job": job, "report": report, "problems": problems, "course": job.version.course if job.version else None,
        "status_url": reverse("studio:import-job-status", args=[job.pk]),
        "open": job.status in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING),
        "message": _progress_message(job),
    })


@author_required
@require_GET
def import_job_status(request, pk: int):
    return JsonResponse(job_status_data(_job(request, pk)))
