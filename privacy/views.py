"""Pages of data protection: thin, the work is in ``services``, ``selectors`` and ``retention``.

A school admin's pages answer 404 to anyone else (``privacy.manage_personal_data``), so their
existence is not given away; every read of a member's data and every change is audited.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from schools.models import Membership, School
from schools.services import audit_record
from training.errors import ApplicationError
from training.permissions import object_or_404

from . import services
from .forms import ErasureForm, MemberSearchForm, PolicyForm
from .models import DataExport
from .processing import processing_csv, processing_rows
from .selectors import erasure_preview, policy_of, school_members
from .signals import SESSION_KEY

MEMBERS_SHOWN = 50


def _admin_school(request: HttpRequest, slug: str) -> School:
    return object_or_404(request.user, "privacy.manage_personal_data", School.objects.all(), slug=slug)


def _member(school: School, member_id: int) -> User:
    if not Membership.objects.filter(school=school, user_id=member_id).exists():
        raise Http404
    return get_object_or_404(User, pk=member_id)


def _notice_text(policy) -> str:
    """The notice in the reader's language, else in the other one."""
    first, second = ((policy.notice_fr, policy.notice_en) if translation.get_language() == "fr"
                     else (policy.notice_en, policy.notice_fr))
    return first.strip() or second.strip()


def _error_into(form, exc: ApplicationError) -> None:
    form.add_error(None, exc.message)
    for name, errors in exc.errors.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


# ---------------------------------------------------------------- every member


@login_required
@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest):
    """The first privacy notice the member has still to read; read, it sends them on."""
    pending = list(request.session.get(SESSION_KEY) or [])
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    school = School.objects.filter(pk__in=pending, memberships__user=request.user).order_by("name").first()
    if school is None:
        request.session.pop(SESSION_KEY, None)
        return redirect(target)
    policy = policy_of(school)
    if request.method == "POST":
        with transaction.atomic():
            services.notice_acknowledge(user=request.user, school=school)
        pending = [p for p in pending if p != school.pk]
        request.session[SESSION_KEY] = pending
        if not pending:
            request.session.pop(SESSION_KEY, None)
            return redirect(target)
        return redirect(f"{request.path}?next={target}")
    return render(request, "privacy/notice.html", {
        "school": school, "policy": policy, "text": _notice_text(policy), "next": target,
        "more": len(pending) - 1,
    })


@require_GET
def school_notice(request: HttpRequest, school_slug: str):
    """A school's privacy notice, public: one may read it before signing in for the first time."""
    school = get_object_or_404(School, slug=school_slug)
    policy = policy_of(school)
    if not policy.has_notice:
        raise Http404
    return render(request, "privacy/notice.html", {"school": school, "policy": policy, "text": _notice_text(policy),
                                                   "public": True})


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest):
    """The member's own archives: ask for one, follow it, download it."""
    status = 200
    if request.method == "POST":
        try:
            with transaction.atomic():
                services.data_export_request(subject=request.user, requested_by=request.user)
            messages.success(request, _("Your archive is being written; this page shows when it is ready."))
            return redirect("privacy:my-data")
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
    exports = list(DataExport.objects.filter(subject=request.user, requested_by=request.user)[:20])
    return render(request, "privacy/my_data.html", {"exports": exports, "waiting": _waiting(exports)}, status=status)


def _waiting(exports: list[DataExport]) -> bool:
    return any(e.status in (DataExport.Status.PENDING, DataExport.Status.RUNNING) for e in exports)


def _download(request: HttpRequest, export: DataExport) -> FileResponse:
    if export.status != DataExport.Status.DONE or not export.file:
        raise Http404
    with transaction.atomic():
        services.data_export_record_download(user=request.user, export=export)
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename)


@login_required
@require_GET
def my_data_download(request: HttpRequest, export_id: int):
    export = object_or_404(request.user, "privacy.download_data_export",
                           DataExport.objects.filter(subject=request.user), pk=export_id)
    return _download(request, export)


# ---------------------------------------------------------------- a school's admins


@login_required
@require_http_methods(["GET", "POST"])
def school_privacy(request: HttpRequest, school_slug: str):
    """The school's policy (retention, attestations on erasure, the notice), its record of
    processing, and the members an admin acts for."""
    school = _admin_school(request, school_slug)
    policy = policy_of(school)
    status = 200
    form = PolicyForm(request.POST or None, initial={
        "retention_days": policy.retention_days, "attestations_on_erasure": policy.attestations_on_erasure,
        "contact": policy.contact, "notice_en": policy.notice_en, "notice_fr": policy.notice_fr,
    })
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                services.policy_update(school=school, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The school's data-protection settings are saved."))
            return redirect("privacy:school", school_slug=school.slug)
        status = 400
    search = MemberSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    members = school_members(school=school, query=query)
    return render(request, "privacy/school.html", {
        "school": school, "tab": "privacy", "policy": policy, "form": form, "search": search, "query": query,
        "members": members[:MEMBERS_SHOWN], "member_count": members.count(), "shown": MEMBERS_SHOWN,
        "processing": processing_rows(school),
    }, status=status)


@login_required
@require_GET
def record_of_processing(request: HttpRequest, school_slug: str) -> HttpResponse:
    school = _admin_school(request, school_slug)
    with transaction.atomic():
        audit_record(actor=request.user, action="privacy.processing.download", school_id=school.pk)
    response = HttpResponse(processing_csv(school), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="record-of-processing-{school.slug}.csv"'
    return response


def _member_page(request, school, member, *, erase_form=None, status=200):
    preview = erasure_preview(subject=member, school=school)
    exports = list(DataExport.objects.filter(subject=member, school=school)[:20])
    return render(request, "privacy/member.html", {
        "school": school, "tab": "privacy", "member": member, "preview": preview, "exports": exports, "waiting": _waiting(exports),
        "erase_form": erase_form or ErasureForm(),
    }, status=status)


@login_required
@require_GET
def member(request: HttpRequest, school_slug: str, member_id: int):
    """A member's data at the school: archives asked for them, and what erasing them removes."""
    school = _admin_school(request, school_slug)
    subject = _member(school, member_id)
    with transaction.atomic():
        audit_record(actor=request.user, action="privacy.member.read", school_id=school.pk, subject=subject)
    return _member_page(request, school, subject)


@login_required
@require_POST
def member_export(request: HttpRequest, school_slug: str, member_id: int):
    """An archive of the member's data at this school, for a member who asked in writing."""
    school = _admin_school(request, school_slug)
    subject = _member(school, member_id)
    try:
        with transaction.atomic():
            services.data_export_request(subject=subject, requested_by=request.user, school=school)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _member_page(request, school, subject, status=exc.status_code)
    messages.success(request, _("The archive is being written; this page shows when it is ready."))
    return redirect("privacy:member", school_slug=school.slug, member_id=subject.pk)


@login_required
@require_POST
def member_erase(request: HttpRequest, school_slug: str, member_id: int):
    school = _admin_school(request, school_slug)
    subject = _member(school, member_id)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _member_page(request, school, subject, erase_form=form, status=400)
    try:
        with transaction.atomic():
            pseudonym = services.member_erase(subject=subject, school=school, actor=request.user,
                                              reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        _error_into(form, exc)
        return _member_page(request, school, subject, erase_form=form, status=exc.status_code)
    messages.success(request, _("The member's identifying data is erased; their results stay as %(pseudonym)s.")
                     % {"pseudonym": pseudonym})
    return redirect("privacy:school", school_slug=school.slug)


@login_required
@require_GET
def export_download(request: HttpRequest, school_slug: str, export_id: int):
    school = _admin_school(request, school_slug)
    export = object_or_404(request.user, "privacy.download_data_export",
                           DataExport.objects.filter(school=school), pk=export_id)
    return _download(request, export)
