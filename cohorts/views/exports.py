"""Export jobs: request one, follow its progress, download the file (requester and school
admins only; every download is recorded in the audit log)."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from training.errors import ApplicationError
from training.permissions import object_or_404

from .. import services
from ..downloads import export_file_response, export_job_status
from ..models import ExportJob
from ..selectors.records import staff_export_jobs
from ..access import cohort_for_staff
from .common import CourseFilter, courses_of, page_context


class ExportForm(CourseFilter):
    kind = forms.ChoiceField(label=gettext_lazy("Content"), widget=forms.RadioSelect)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ExportJob.Format.choices, widget=forms.RadioSelect,
                               initial=ExportJob.Format.CSV)

    def __init__(self, *args, allow_research: bool, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ExportJob.Kind.choices
        if not allow_research:
            kinds = [(k, label) for k, label in kinds if k != ExportJob.Kind.RESEARCH]
        self.fields["kind"].choices = kinds
        self.fields["kind"].initial = ExportJob.Kind.PROGRESS
        self.fields["course"].label = _("Course")


@login_required
@require_http_methods(["GET", "POST"])
def exports(request, cohort_id: int):
    cohort = cohort_for_staff(request, cohort_id)
    courses = courses_of(cohort)
    allow_research = request.user.has_perm("cohorts.export_research", cohort)
    form = ExportForm(request.POST or None, courses=courses, allow_research=allow_research)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = services.export_request(
                    user=request.user, cohort=cohort, kind=form.cleaned_data["kind"],
                    fmt=form.cleaned_data["format"], course=form.selected_course(),
                )
                return redirect("school:export-detail", job_id=job.pk)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                for name, messages in exc.errors.items():
                    for message in messages:
                        form.add_error(name if name in form.fields else None, message)
                status = exc.status_code
        else:
            status = 400
    context = page_context(request, cohort, "exports", form=form, jobs=staff_export_jobs(user=request.user, cohort=cohort),
                           allow_research=allow_research)
    return render(request, "cohorts/exports.html", context, status=status)


def _job(request, job_id: int) -> ExportJob:
    return object_or_404(request.user, "cohorts.download_export", ExportJob.objects.select_related("cohort", "school"),
                         pk=job_id)


def _status(job: ExportJob) -> dict:
    return export_job_status(job, download_url=reverse("school:export-download", args=[job.pk]))


@login_required
@require_GET
def export_detail(request, job_id: int):
    job = _job(request, job_id)
    context = page_context(request, job.cohort, "exports", job=job, job_status=_status(job))
    return render(request, "cohorts/export_detail.html", context)


@login_required
@require_GET
def export_status(request, job_id: int):
    """The job's state as JSON, polled by the progress bar."""
    return JsonResponse(_status(_job(request, job_id)))


@login_required
@require_GET
def export_download(request, job_id: int):
    response = export_file_response(user=request.user, job=_job(request, job_id))
    if response is None:
        raise Http404
    return response
