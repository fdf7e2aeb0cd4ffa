"""Pages of practice reports: thin, the work is in ``services`` and ``selectors``.

A school's pages answer 404 to anyone who is not of the school (``observatory.report_practice``)
or does not triage its reports (``observatory.triage_reports``), so their existence is not
given away.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import Module
from schools.models import Cohort, School
from schools.rules import authored_courses, memberships
from schools.selectors import staff_cohorts
from schools.services import audit_record
from training.errors import ApplicationError
from training.permissions import object_or_404

from . import services
from .exports import reports_csv
from .forms import ReportForm, SharingForm, StatusForm, ToCaseForm
from .identifiers import marked
from .models import PracticeReport, Sharing
from .selectors import (
    analytics, cross_school_cells, my_reports, register_choices, school_reports, status_counts, threshold,
)


def _school(request: HttpRequest, slug: str, perm: str) -> School:
    return object_or_404(request.user, perm, School.objects.all(), slug=slug)


def _error_into(form, exc: ApplicationError) -> None:
    form.add_error(None, exc.message)
    for name, errors in exc.errors.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


def _draft_modules(user, school: School):
    """Modules of the drafts of the school's courses the person may edit (courses.edit_course)."""
    return list(Module.objects.filter(version__status="draft", version__course__school=school,
                                      version__course__in=authored_courses(user))
                .select_related("version__course").order_by("version__title", "position"))


# ---------------------------------------------------------------- every member


@login_required
@require_GET
def home(request: HttpRequest):
    """The person's schools, with where to report and, for staff, to triage."""
    schools: dict[str, dict] = {}
    for _sid, role, slug, name in memberships(request.user):
        entry = schools.setdefault(slug, {"slug": slug, "name": name, "triage": False})
        entry["triage"] = entry["triage"] or role in ("faculty", "reviewer", "admin")
    return render(request, "observatory/home.html", {"schools": list(schools.values())})


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, school_slug: str):
    school = _school(request, school_slug, "observatory.report_practice")
    form = ReportForm(request.POST or None, tools=register_choices(school=school))
    marks: dict[str, list] = {}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.report_create(school=school, reporter=request.user, **form.data_for_service())
                messages.success(request, _("Thank you: your report is with your school's faculty."))
                return redirect("observatory:new", school_slug=school.slug)
            except ApplicationError as exc:
                _error_into(form, exc)
                status = exc.status_code
        else:
            status = 400
        found = services.identifiers_in({name: request.POST.get(name, "") for name in services.TEXT_FIELDS})
        marks = {name: marked(request.POST.get(name, ""), findings) for name, findings in found.items()}
    fields = [(form[name], marks.get(name)) for name in form.fields]
    return render(request, "observatory/new.html", {"school": school, "form": form, "fields": fields},
                  status=status)


@login_required
@require_GET
def mine(request: HttpRequest):
    """The reports the person filed, their triage and the faculty's reply; a new one may be
    withdrawn."""
    return render(request, "observatory/mine.html", {"reports": list(my_reports(user=request.user)[:200])})


@login_required
@require_POST
def withdraw(request: HttpRequest, report_id: int):
    report = object_or_404(request.user, "observatory.withdraw_report", PracticeReport.objects.all(), pk=report_id)
    try:
        with transaction.atomic():
            services.report_withdraw(report=report, actor=request.user)
        messages.success(request, _("Your report is withdrawn."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return render(request, "observatory/mine.html", {"reports": list(my_reports(user=request.user)[:200])},
                      status=exc.status_code)
    return redirect("observatory:mine")


@login_required
@require_GET
def across_schools(request: HttpRequest):
    """Counts of the schools that share them, only in cells of at least k schools and k reports."""
    return render(request, "observatory/across.html", {"cells": cross_school_cells(), "k": threshold()})


# ---------------------------------------------------------------- faculty, reviewers, admins


@login_required
@require_GET
def report_list(request: HttpRequest, school_slug: str):
    school = _school(request, school_slug, "observatory.triage_reports")
    wanted = _wanted_status(request)
    sharing = Sharing.objects.filter(school=school).first()
    return render(request, "observatory/list.html", {
        "school": school, "reports": list(school_reports(school=school, status=wanted)[:200]), "wanted": wanted,
        "counts": status_counts(school=school), "statuses": PracticeReport.Status.choices,
        "sharing_form": SharingForm(initial={"share": bool(sharing and sharing.share)}),
        "may_share": request.user.has_perm("observatory.share_reports", school), "k": threshold(),
    })


def _wanted_status(request: HttpRequest) -> str:
    wanted = request.GET.get("status", "")
    return wanted if wanted in PracticeReport.Status.values else ""


@login_required
@require_GET
def reports_export(request: HttpRequest, school_slug: str):
    """The reports of the triage page's filter as CSV; the reporter by name only for those who
    may see it (audited: the file says who reports)."""
    school = _school(request, school_slug, "observatory.triage_reports")
    wanted = _wanted_status(request)
    names = request.user.has_perm("observatory.view_reporters", school)
    with transaction.atomic():
        reports = list(school_reports(school=school, status=wanted).select_related("reporter"))
        audit_record(actor=request.user, action="observatory.reports.export", school_id=school.pk,
                     detail={"reports": len(reports), "status": wanted, "names": names})
    response = HttpResponse(reports_csv(reports, names=names), content_type="text/csv; charset=utf-8")
    suffix = f"-{wanted}" if wanted else ""
    response["Content-Disposition"] = (f'attachment; filename="practice-reports-{school.slug}{suffix}-'
                                       f'{timezone.localdate().isoformat()}.csv"')
    return response


def _report(request: HttpRequest, school_slug: str, report_id: int) -> tuple[School, PracticeReport]:
    school = _school(request, school_slug, "observatory.triage_reports")
    report = school_reports(school=school).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return school, report


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, school_slug: str, report_id: int):
    school, report = _report(request, school_slug, report_id)
    form = StatusForm(request.POST or None, initial={"status": report.status, "reply": report.reply}, report=report)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.report_set_status(report=report, actor=request.user, status=form.cleaned_data["status"],
                                               reply=form.cleaned_data["reply"])
                messages.success(request, _("The report's triage is saved."))
                return redirect("observatory:detail", school_slug=school.slug, report_id=report.pk)
            except ApplicationError as exc:
                _error_into(form, exc)
                status = exc.status_code
        else:
            status = 400
    modules = _draft_modules(request.user, school)
    return render(request, "observatory/detail.html", {
        "school": school, "report": report, "form": form, "case_form": ToCaseForm(modules=modules),
        "modules": modules,
    }, status=status)


@login_required
@require_POST
def report_to_case(request: HttpRequest, school_slug: str, report_id: int):
    school, report = _report(request, school_slug, report_id)
    modules = _draft_modules(request.user, school)
    form = ToCaseForm(request.POST, modules=modules)
    status = 400
    if form.is_valid():
        module = next(m for m in modules if m.pk == form.cleaned_data["module"])
        try:
            with transaction.atomic():
                case = services.report_to_case(report=report, actor=request.user, module=module)
            messages.success(request, _("A draft case is written from the report: write its synthetic vignette "
                                        "and its keys."))
            return redirect("studio:case", pk=case.pk)
        except ApplicationError as exc:
            _error_into(form, exc)
            status = exc.status_code
    return render(request, "observatory/detail.html", {
        "school": school, "report": report,
        "form": StatusForm(initial={"status": report.status, "reply": report.reply}, report=report),
        "case_form": form, "modules": modules}, status=status)


@login_required
@require_GET
def report_analytics(request: HttpRequest, school_slug: str):
    school = _school(request, school_slug, "observatory.triage_reports")
    cohorts = list(staff_cohorts(user=request.user).filter(school=school).order_by("name"))
    chosen = request.GET.get("cohort", "")
    cohort: Cohort | None = next((c for c in cohorts if str(c.pk) == chosen), cohorts[0] if cohorts else None)
    return render(request, "observatory/analytics.html", {
        "school": school, "cohorts": cohorts, "data": analytics(school=school, cohort=cohort),
    })


@login_required
@require_POST
def sharing(request: HttpRequest, school_slug: str):
    school = _school(request, school_slug, "observatory.share_reports")
    form = SharingForm(request.POST)
    form.is_valid()
    with transaction.atomic():
        services.sharing_set(school=school, actor=request.user, share=bool(form.cleaned_data.get("share")))
    messages.success(request, _("Saved: the school's reports count in the cross-school observatory.")
                     if form.cleaned_data.get("share") else
                     _("Saved: the school's reports do not count in the cross-school observatory."))
    return redirect("observatory:list", school_slug=school.slug)
