"""Attestations of completed courses, the cohort's training record, and the public check."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from training.api_errors import ApplicationError

from .. import services
from ..attestations import attestation_pdf, normalise_code, training_record_csv, training_record_pdf
from ..models import Attestation
from ..selectors import (
    attestation_by_code, cohort_attestations, cohort_training_record, course_completion_counts, staff_cohorts,
    user_is_school_admin, user_manages_school,
)
from .common import cohort_for_staff, courses_of, page_context


class RevokeForm(forms.Form):
    attestation = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


@login_required
@require_http_methods(["GET", "POST"])
def attestations(request, cohort_id: int):
    cohort = cohort_for_staff(request, cohort_id)
    manages = user_manages_school(user=request.user, school_id=cohort.school_id)
    is_admin = user_is_school_admin(user=request.user, school_id=cohort.school_id)
    courses = courses_of(cohort)
    status = 200
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue" and manages:
            course = next((c.course for c in courses if str(c.course.pk) == request.POST.get("course")), None)
            if course is None:
                errors.append(_("Choose a course assigned to the cohort."))
                status = 400
            else:
                try:
                    issued = services.attestations_issue(cohort=cohort, course=course, issued_by=request.user)
                    messages.success(request, ngettext(
                        "%(n)s attestation was issued.", "%(n)s attestations were issued.", len(issued),
                    ) % {"n": len(issued)})
                    return redirect("school:attestations", cohort_id=cohort.pk)
                except ApplicationError as exc:
                    errors.append(exc.message)
                    status = exc.status_code
        elif action == "revoke" and is_admin:
            form = RevokeForm(request.POST)
            attestation = None
            if form.is_valid():
                attestation = Attestation.objects.filter(pk=form.cleaned_data["attestation"], cohort=cohort).first()
            if attestation is None:
                errors.append(_("Give the reason of the revocation."))
                status = 400
            else:
                try:
                    services.attestation_revoke(attestation=attestation, revoked_by=request.user,
                                                reason=form.cleaned_data["reason"])
                    messages.success(request, _("The attestation %(code)s is revoked.") % {"code": attestation.code})
                    return redirect("school:attestations", cohort_id=cohort.pk)
                except ApplicationError as exc:
                    errors.append(exc.message)
                    status = exc.status_code
        else:
            raise Http404
    services.audit_record(actor=request.user, action="cohort.attestations.read", cohort=cohort)
    issued = cohort_attestations(cohort=cohort)
    course_rows = [{"course": c, **course_completion_counts(cohort=cohort, course=c)} for c in courses]
    context = page_context(request, cohort, "attestations", course_rows=course_rows, issued=issued, errors=errors,
                           manages=manages, is_admin=is_admin)
    return render(request, "cohorts/attestations.html", context, status=status)


@login_required
@require_GET
def attestation_download(request, attestation_id: int):
    """The PDF, for its holder and for staff who may see the holder's cohort or manage the school."""
    attestation = Attestation.objects.select_related("school", "trainee").filter(pk=attestation_id).first()
    if attestation is None:
        raise Http404
    holder = attestation.trainee_id == request.user.pk
    if not holder and not (
        user_manages_school(user=request.user, school_id=attestation.school_id)
        or (attestation.cohort_id and staff_cohorts(user=request.user).filter(pk=attestation.cohort_id).exists())
    ):
        raise Http404
    if not holder:
        services.audit_record(actor=request.user, action="attestation.download", cohort=attestation.cohort,
                              subject=attestation.trainee, detail={"code": attestation.code})
    verify_url = request.build_absolute_uri(reverse("school:verify")) + "?code=" + attestation.code
    pdf = attestation_pdf(attestation, school_name=attestation.school.name, verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-{attestation.code}.pdf"'
    return response


@login_required
@require_GET
def training_record(request, cohort_id: int, fmt: str):
    if fmt not in ("csv", "pdf"):
        raise Http404
    cohort = cohort_for_staff(request, cohort_id)
    if not user_manages_school(user=request.user, school_id=cohort.school_id):
        raise Http404
    rows = cohort_training_record(cohort=cohort)
    services.audit_record(actor=request.user, action="cohort.training_record.download", cohort=cohort,
                          detail={"format": fmt, "rows": len(rows)})
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(training_record_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(training_record_pdf(rows, school_name=cohort.school.name, cohort_name=cohort.name,
                                                    generated_at=timezone.now()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="training-record-{cohort.slug}-{stamp}.{fmt}"'
    return response


@require_GET
def verify(request):
    """Public: is this code a valid attestation? Shows initials, course, date and validity only."""
    raw = request.GET.get("code", "").strip()
    result, status, error = None, 200, ""
    if raw:
        if normalise_code(raw) is None:
            error = _("A verification code has 16 letters and digits, such as ABCD-EFGH-JKLM-NPQR.")
            status = 400
        else:
            result = attestation_by_code(code=raw)
            if result is None:
                status = 404
    return render(request, "cohorts/verify.html", {"code": raw, "result": result, "searched": bool(raw) and not error,
                                                   "error": error}, status=status)
