"""Pages of the AI tool register: thin, the work is in ``services``, ``selectors``, ``csvfile``
and ``evidence``. A page of another school, or one the person may not see, answers 404."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import FailureMode
from schools.models import School
from schools.services import audit_record
from training import csvtext
from training.errors import ApplicationError
from training.permissions import object_or_404

from . import csvfile, evidence, importing, model_cards, services
from .forms import ImportForm, ModelCardForm, ToolForm
from .models import Tool
from .selectors import (
    categories, course_choices, school_coverage, school_tool, school_tools, tool_map, training_suggestions,
)


def _school(request: HttpRequest, slug: str, perm: str) -> School:
    return object_or_404(request.user, perm, School.objects.all(), slug=slug)


def _context(request, school, tab, **more) -> dict:
    return {"school": school, "tab": tab, "may_manage": request.user.has_perm("registry.manage_register", school),
            "may_cover": request.user.has_perm("registry.view_coverage", school), **more}


def _error_into(form, exc: ApplicationError) -> None:
    form.add_error(None, exc.message)
    for name, errors in exc.errors.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


@login_required
@require_GET
def register(request: HttpRequest, school_slug: str):
    school = _school(request, school_slug, "registry.view_register")
    return render(request, "registry/register.html", _context(request, school, "register",
                                                              tools=list(school_tools(school=school))))


def _tool_form(request, school, vocab, tool=None):
    kwargs = {"categories": list(vocab.categories.values()), "failure_modes": list(FailureMode.objects.all()),
              "cohorts": sorted(vocab.cohorts.values(), key=lambda c: c.name), "training": course_choices(vocab=vocab)}
    if request.method == "POST":
        return ToolForm(request.POST, **kwargs)
    return ToolForm(initial=ToolForm.initial_of(tool) if tool else {"status": "evaluated"}, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def tool_new(request: HttpRequest, school_slug: str):
    school = _school(request, school_slug, "registry.manage_register")
    vocab = services.vocabulary(school=school)
    form = _tool_form(request, school, vocab)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    tool = services.tool_create(school=school, data=form.data_for_service(), actor=request.user,
                                                vocab=vocab)
                messages.success(request, _("The tool is in the register."))
                return redirect("registry:tool", school.slug, tool.pk)
            except ApplicationError as exc:
                _error_into(form, exc)
                status = exc.status_code
        else:
            status = 400
    return render(request, "registry/tool_form.html", _context(request, school, "register", form=form, tool=None),
                  status=status)


def _tool(school, tool_id):
    tool = school_tool(school=school, tool_id=tool_id)
    if tool is None:
        raise Http404
    return tool


@login_required
@require_GET
def tool_detail(request: HttpRequest, school_slug: str, tool_id: int):
    school = _school(request, school_slug, "registry.view_register")
    return _tool_page(request, school, _tool(school, tool_id))


def _tool_page(request, school, tool, *, card_form=None, status=200):
    vocab_courses = services.vocabulary(school=school).courses
    suggestions = training_suggestions(tool=tool, course_ids=[c.pk for c in vocab_courses.values()])
    required = {r.reference for r in tool.training.all()}
    return render(request, "registry/tool.html", _context(
        request, school, "register", tool=tool, suggestions=suggestions, required=required,
        card_form=card_form or ModelCardForm()), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tool_edit(request: HttpRequest, school_slug: str, tool_id: int):
    school = _school(request, school_slug, "registry.manage_register")
    tool = _tool(school, tool_id)
    vocab = services.vocabulary(school=school)
    form = _tool_form(request, school, vocab, tool)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    changed = services.tool_update(tool=tool, data=form.data_for_service(), actor=request.user,
                                                   vocab=vocab)
                messages.success(request, _("Saved.") if changed else _("Nothing changed."))
                return redirect("registry:tool", school.slug, tool.pk)
            except ApplicationError as exc:
                _error_into(form, exc)
                status = exc.status_code
        else:
            status = 400
    return render(request, "registry/tool_form.html", _context(request, school, "register", form=form, tool=tool),
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def model_card(request: HttpRequest, school_slug: str, tool_id: int):
    """GET: the tool's model card file, for those who read the register; POST: attach or replace
    it (the school's admins)."""
    if request.method == "GET":
        school = _school(request, school_slug, "registry.view_register")
        tool = _tool(school, tool_id)
        if not tool.model_card_file.name:
            raise Http404
        charset = "; charset=utf-8" if tool.model_card_type.startswith("text/") else ""
        return FileResponse(tool.model_card_file.open("rb"), as_attachment=True, filename=tool.model_card_name,
                            content_type=tool.model_card_type + charset)
    school = _school(request, school_slug, "registry.manage_register")
    tool = _tool(school, tool_id)
    form = ModelCardForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = model_cards.read_upload(upload)
            with transaction.atomic():
                services.model_card_attach(tool=tool, data=data, filename=upload.name, actor=request.user)
            messages.success(request, _("The model card is attached."))
            return redirect("registry:tool", school.slug, tool.pk)
        except ApplicationError as exc:
            _error_into(form, exc)
    return _tool_page(request, school, tool, card_form=form, status=400)


@login_required
@require_POST
def model_card_remove(request: HttpRequest, school_slug: str, tool_id: int):
    school = _school(request, school_slug, "registry.manage_register")
    tool = _tool(school, tool_id)
    try:
        with transaction.atomic():
            services.model_card_remove(tool=tool, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _tool_page(request, school, tool, status=exc.status_code)
    messages.success(request, _("The model card file is removed."))
    return redirect("registry:tool", school.slug, tool.pk)


@login_required
@require_POST
def tool_delete(request: HttpRequest, school_slug: str, tool_id: int):
    school = _school(request, school_slug, "registry.manage_register")
    tool = _tool(school, tool_id)
    with transaction.atomic():
        services.tool_delete(tool=tool, actor=request.user)
    messages.success(request, _("The tool was removed from the register."))
    return redirect("registry:register", school.slug)


IMPORT_SESSION_KEY = "registry.import"


def _import_page(request, school, *, form=None, status=200, **more):
    return render(request, "registry/import.html", _context(
        request, school, "register", form=form or ImportForm(), columns=csvfile.COLUMNS, **more), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest, school_slug: str):
    """Upload a register file (``action=preview``): each line is shown as new, updated, unchanged
    or in error, and nothing is written; confirm it (``action=confirm``) to apply it at once."""
    school = _school(request, school_slug, "registry.manage_register")
    if request.method == "GET":
        return _import_page(request, school)
    if request.POST.get("action") == "confirm":
        return _import_confirm(request, school)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, school, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > csvfile.MAX_BYTES:
            raise ApplicationError(_("The file is larger than 2 MB."))
        text, encoding = csvfile.decode(upload.read())
        preview = importing.preview(school=school, text=text, encoding=encoding)
    except ApplicationError as exc:
        form.add_error("file", exc.message)
        for place, messages_ in exc.errors.items():
            form.add_error("file", f"{place}: " + " ".join(messages_))
        return _import_page(request, school, form=form, status=400)
    csvtext.keep_for_confirmation(request.session, IMPORT_SESSION_KEY, school_id=school.pk, text=text,
                                  encoding=encoding)
    return _import_page(request, school, form=form, preview=preview, filename=upload.name,
                        status=400 if preview.problems else 200)


def _import_confirm(request, school):
    kept = csvtext.kept_for_confirmation(request.session, IMPORT_SESSION_KEY, school_id=school.pk,
                                         sha=request.POST.get("digest"))
    if kept is None:
        messages.error(request, _("This preview is no longer the latest upload: upload the file again."))
        return _import_page(request, school, status=409)
    try:
        with transaction.atomic():
            counts = importing.apply(school=school, text=kept["text"], actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _import_page(request, school, status=exc.status_code)
    except IntegrityError:
        messages.error(request, _("The register changed while the file was applied; nothing was written. "
                                  "Upload the file again."))
        return _import_page(request, school, status=409)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % counts)
    return redirect("registry:register", school.slug)


@login_required
@require_GET
def register_export(request: HttpRequest, school_slug: str):
    school = _school(request, school_slug, "registry.view_register")
    response = HttpResponse(csvfile.register_csv(school_tools(school=school)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ai-tools-{school.slug}.csv"'
    return response


def _coverage(request, school, action):
    coverage = school_coverage(school=school)
    audit_record(actor=request.user, action=action, school_id=school.pk,
                 detail={"tools": len(coverage), "people": len({p.id for c in coverage for p in c.users})})
    return coverage


@login_required
@require_GET
def coverage(request: HttpRequest, school_slug: str):
    school = _school(request, school_slug, "registry.view_coverage")
    with transaction.atomic():
        rows = _coverage(request, school, "registry.coverage.read")
    return render(request, "registry/coverage.html", _context(
        request, school, "coverage", coverage=rows, labels=evidence.status_labels(),
        method=evidence.method_statement(min_decisions=school.min_decisions)))


@login_required
@require_GET
def tool_map_page(request: HttpRequest, school_slug: str):
    school = _school(request, school_slug, "registry.view_coverage")
    rows = school_coverage(school=school)  # no names shown: not audited
    return render(request, "registry/map.html", _context(
        request, school, "map", rows=tool_map(coverage=rows, categories=categories()),
        statuses=[label for _value, label in Tool.Status.choices]))


@login_required
@require_GET
def evidence_file(request: HttpRequest, school_slug: str, fmt: str):
    school = _school(request, school_slug, "registry.view_coverage")
    if fmt not in ("pdf", "csv"):
        raise Http404
    at = timezone.localtime()
    with transaction.atomic():
        rows = _coverage(request, school, "registry.evidence.download")
    name = f"ai-literacy-evidence-{school.slug}-{at.date().isoformat()}.{fmt}"
    if fmt == "pdf":
        response = HttpResponse(evidence.evidence_pdf(school=school, coverage=rows, at=at),
                                content_type="application/pdf")
    else:
        response = HttpResponse(evidence.evidence_csv(school=school, coverage=rows, at=at),
                                content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
