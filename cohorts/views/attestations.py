"""Attestations of completed courses, the cohort's training record, and the public check."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from training.errors import ApplicationError
from training.permissions import object_or_404
from training.throttles import throttle_wait

from .. import services
from ..attestations import MALFORMED_CODE, normalise_code
from ..downloads import TRAINING_RECORD_FORMATS, attestation_pdf_response, training_record_response
from ..models import Attestation
from ..selectors.records import attestation_by_code, cohort_attestations, course_completion_counts
from ..access import cohort_for_staff
from .common import courses_of, page_context
from schools import services as school_services


_ATTESTATIONS = Attestation.objects.select_related("school", "cohort", "course", "trainee")


class RevokeForm(forms.Form):
    attestation = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


@login_required
@require_http_methods(["GET", "POST"])
def attestations(request, cohort_id: int):
    cohort = cohort_for_staff(request, cohort_id)
    manages = request.user.has_perm("cohorts.manage_records", cohort)
    is_admin = request.user.has_perm("cohorts.administer_cohort", cohort)
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
    school_services.audit_record(actor=request.user, action="cohort.attestations.read", cohort=cohort)
    issued = cohort_attestations(cohort=cohort)
    course_rows = []
    for c in courses:
        versions = course_completion_counts(cohort=cohort, course=c)
        course_rows.append({"course": c, "versions": versions, "waiting": sum(v["waiting"] for v in versions)})
    context = page_context(request, cohort, "attestations", course_rows=course_rows, issued=issued, errors=errors)
    return render(request, "cohorts/attestations.html", context, status=status)


@login_required
@require_GET
def attestation_download(request, attestation_id: int):
    """The PDF, for its holder and for staff who may see the holder's cohort or manage the school."""
    attestation = object_or_404(request.user, "cohorts.download_attestation", _ATTESTATIONS, pk=attestation_id)
    return attestation_pdf_response(request=request, attestation=attestation)


@login_required
@require_GET
def training_record(request, cohort_id: int, fmt: str):
    if fmt not in TRAINING_RECORD_FORMATS:
        raise Http404
    cohort = cohort_for_staff(request, cohort_id)
    if not request.user.has_perm("cohorts.manage_records", cohort):
        raise Http404
    return training_record_response(user=request.user, cohort=cohort, fmt=fmt)


@require_GET
def verify(request):
    """Public: is this code a valid attestation? Shows the holder's initials, the institution,
    the course, version, hours and competencies, the completion date and validity only.
    Each check counts against the API's limit for the client's address (one counter for both)."""
    raw = request.GET.get("code", "").strip()
    result, status, error = None, 200, ""
    wait = throttle_wait(request, scope="attestation_verify") if raw else None
    if wait is not None:
        error = ngettext("Too many checks from your address: wait %(seconds)d second and try again.",
                         "Too many checks from your address: wait %(seconds)d seconds and try again.",
                         wait) % {"seconds": wait}
        response = render(request, "cohorts/verify.html", {"code": raw, "result": None, "searched": False,
                                                            "error": error}, status=429)
        response["Retry-After"] = str(wait)
        return response
    if raw:
        if normalise_code(raw) is None:
            error = str(MALFORMED_CODE)
            status = 400
        else:
            result = attestation_by_code(code=raw)
            if result is None:
                status = 404
    return render(request, "cohorts/verify.html", {"code": raw, "result": result, "searched": bool(raw) and not error,
                                                   "error": error}, status=status)
