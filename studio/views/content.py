"""Studio pages for the rows of a version: modules, lessons, cases, AI outputs, items.

Rows of a draft are edited here; rows of a published or withdrawn version are shown
read-only (with, for items, the audited key fix). Each save goes through one service of
``courses.authoring``, which validates the row by the package rules and writes all of it
or nothing; its errors come back at their paths and are shown beside the fields.
"""
from __future__ import annotations

from functools import partial
from pathlib import PurePosixPath

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import authoring
from studio.forms import (
    CaseForm, LessonForm, ModuleForm, add_service_errors, artifact_content, artifact_editor, hint_rows, item_editor,
    item_extras, item_spec_key, taxonomy_choices,
)
from courses.packages.media import CONTENT_TYPES, MAX_BYTES, image_size
from courses.models import Artifact, Case, CourseVersion, Item, ItemKey, Lesson, Module
from courses.selectors import course_draft, version_media_urls
from quizzes.items import unit_for
from quizzes.models import KeyFix, RegradeJob, TruthFix
from training.errors import ApplicationError

from .access import author_required, course_for, course_of, owned

MODELS = {"module": Module, "lesson": Lesson, "case": Case, "artifact": Artifact, "item": Item}


def _editable(version: CourseVersion) -> bool:
    return version.status == CourseVersion.Status.DRAFT


def _status(form_or_errors) -> int:
    return 400 if form_or_errors else 200


_NOT_SAVED = object()


def _saved(request, form, save, *, message: str):
    """What ``save(**form.cleaned_data)`` returned, its success message queued; ``_NOT_SAVED``
    when the form or the service found errors (they are then on the form, at their fields)."""
    if not form.is_valid():
        return _NOT_SAVED
    try:
        with transaction.atomic():  # the page owns the transaction; a refusal rolls it back
            result = save(**form.cleaned_data)
    except ApplicationError as exc:
        add_service_errors(form, exc.errors, exc.message)
        return _NOT_SAVED
    messages.success(request, message)
    return result


def _create_in_module(request, module_pk: int, *, form_class, create, message: str, detail: str, template: str,
                      name: str) -> HttpResponse:
    """A new lesson or case of a draft's module: its form, saved through ``create``."""
    module = owned(request, Module, module_pk)
    if not _editable(module.version):
        return _immutable(request, module.version)
    form = form_class(request.POST or None)
    if request.method == "POST":
        made = _saved(request, form, partial(create, module=module), message=message)
        if made is not _NOT_SAVED:
            return redirect(detail, pk=made.pk)
    return render(request, template, {
        "module": module, name: None, "form": form, "editable": True,
        "crumbs": _crumbs(module) + [(module.title, reverse("studio:module", args=[module.pk]))],
    }, status=_status(form.errors))


def _crumbs(obj) -> list[tuple[str, str]]:
    """Breadcrumbs from the course down to ``obj`` (label, url)."""
    out = []
    if isinstance(obj, (Artifact, Item)):
        out = _crumbs(obj.case) + [(obj.case.title, reverse("studio:case", args=[obj.case_id]))]
    elif isinstance(obj, (Lesson, Case)):
        out = _crumbs(obj.module) + [(obj.module.title, reverse("studio:module", args=[obj.module_id]))]
    elif isinstance(obj, Module):
        version = obj.version
        out = [(_("Studio"), reverse("studio:home")),
               (f"{version.title} · v{version.number}",
                reverse("studio:course", args=[version.course.slug]) + f"?version={version.number}")]
    return out


# ---------------------------------------------------------------- modules


@author_required
def module_create(request, slug: str):
    course = course_for(request, slug)
    draft = course_draft(course=course)
    if draft is None:
        messages.error(request, _("Create a draft first: published versions are immutable."))
        return redirect("studio:course", slug=slug)
    form = ModuleForm(request.POST or None)
    if request.method == "POST":
        module = _saved(request, form, partial(authoring.module_create, version=draft), message=_("The module was added."))
        if module is not _NOT_SAVED:
            return redirect("studio:module", pk=module.pk)
    return render(request, "studio/module.html", {
        "course": course, "version": draft, "form": form, "module": None, "editable": True,
        "crumbs": [(_("Studio"), reverse("studio:home")), (draft.title, reverse("studio:course", args=[slug]))],
    }, status=_status(form.errors))


@author_required
def module_detail(request, pk: int):
    module = owned(request, Module, pk)
    version = module.version
    editable = _editable(version)
    form = ModuleForm(request.POST or None, initial={
        "title": module.title, "slug": module.slug, "summary": module.summary, "feedback_policy": module.feedback_policy,
    })
    if request.method == "POST":
        if not editable:
            return _immutable(request, version)
        if _saved(request, form, partial(authoring.module_update, module=module),
                  message=_("The module was saved.")) is not _NOT_SAVED:
            return redirect("studio:module", pk=module.pk)
    return render(request, "studio/module.html", {
        "course": version.course, "version": version, "form": form, "module": module, "editable": editable,
        "lessons": list(module.lessons.order_by("position")),
        "cases": list(module.cases.order_by("position")),
        "crumbs": _crumbs(module),
    }, status=_status(form.errors))


def _immutable(request, version: CourseVersion):
    messages.error(request, _("Version %(number)s is %(status)s: published versions are immutable; create a draft "
                              "to change it.") % {"number": version.number, "status": version.get_status_display()})
    return redirect(reverse("studio:course", args=[version.course.slug]) + f"?version={version.number}")


# ---------------------------------------------------------------- lessons


@author_required
def lesson_create(request, module_pk: int):
    return _create_in_module(request, module_pk, form_class=LessonForm, create=authoring.lesson_create,
                             message=_("The lesson was added."), detail="studio:lesson",
                             template="studio/lesson.html", name="lesson")


@author_required
def lesson_detail(request, pk: int):
    lesson = owned(request, Lesson, pk, related=("module",))
    version = lesson.module.version
    editable = _editable(version)
    form = LessonForm(request.POST or None, initial={"title": lesson.title, "slug": lesson.slug, "body": lesson.body})
    if request.method == "POST":
        if not editable:
            return _immutable(request, version)
        if _saved(request, form, partial(authoring.lesson_update, lesson=lesson),
                  message=_("The lesson was saved.")) is not _NOT_SAVED:
            return redirect("studio:lesson", pk=lesson.pk)
    return render(request, "studio/lesson.html", {
        "module": lesson.module, "lesson": lesson, "form": form, "editable": editable, "crumbs": _crumbs(lesson),
    }, status=_status(form.errors))


# ---------------------------------------------------------------- cases


@author_required
def case_create(request, module_pk: int):
    return _create_in_module(request, module_pk, form_class=CaseForm, create=authoring.case_create,
                             message=_("The case was added; now add the AI output to critique and the items."),
                             detail="studio:case", template="studio/case.html", name="case")


@author_required
def case_detail(request, pk: int):
    case = owned(request, Case, pk, related=("module",))
    version = case.module.version
    editable = _editable(version)
    form = CaseForm(request.POST or None, initial={"title": case.title, "slug": case.slug, "vignette": case.vignette})
    if request.method == "POST":
        if not editable:
            return _immutable(request, version)
        if _saved(request, form, partial(authoring.case_update, case=case),
                  message=_("The case was saved.")) is not _NOT_SAVED:
            return redirect("studio:case", pk=case.pk)
    artifacts = list(case.artifacts.prefetch_related("failure_modes").order_by("position"))
    items = list(case.items.select_related("artifact").prefetch_related("competencies").order_by("position"))
    problems = authoring.case_problems(case=case) if editable else {}
    return render(request, "studio/case.html", {
        "module": case.module, "case": case, "form": form, "editable": editable, "crumbs": _crumbs(case),
        "artifacts": artifacts, "items": items, "problems": problems,
        "kinds": Artifact.Kind.choices, "types": Item.Type.choices,
        "text_artifacts": [a for a in artifacts if a.kind == Artifact.Kind.TEXT],
    }, status=_status(form.errors))


# ---------------------------------------------------------------- artifacts


def _artifact_input(request, kind: str, current: Artifact | None) -> tuple[authoring.ArtifactInput, dict]:
    content, errors = artifact_content(kind, request.POST, current.content if current else None)
    correct = request.POST.get("correct")
    data = authoring.ArtifactInput(
        title=request.POST.get("title", ""), kind=kind, content=content,
        ai_correct={"yes": True, "no": False}.get(correct), failure_modes=request.POST.getlist("truth_failure_modes"),
        slug=request.POST.get("slug", "").strip(), source=request.POST.get("source", ""),
        explanation=request.POST.get("explanation", ""),
    )
    return data, errors


def _fill_image_size(post, upload_bytes: bytes, name: str):
    """Width and height of a newly uploaded image, when the author left them empty."""
    content_type = CONTENT_TYPES.get(PurePosixPath(name).suffix.lower())
    size = image_size(upload_bytes, content_type) if content_type else None
    if size and not (post.get("width") or "").strip() and not (post.get("height") or "").strip():
        post = post.copy()
        post["width"], post["height"] = str(size[0]), str(size[1])
    return post


def _save_artifact(request, case: Case, kind: str, artifact: Artifact | None):
    """Validate and save (uploads included) in one transaction; (artifact, warnings, errors)."""
    image = request.FILES.get("image_file")
    heatmap = request.FILES.get("heatmap_file")
    image_bytes = image.read(MAX_BYTES + 1) if image else None
    heatmap_bytes = heatmap.read(MAX_BYTES + 1) if heatmap else None
    if image is not None:
        request.POST = _fill_image_size(request.POST, image_bytes, image.name)
    data, errors = _artifact_input(request, kind, artifact)
    if kind == Artifact.Kind.IMAGE and image is not None:
        data.content["src"] = "media/pending-upload.png"
    if kind == Artifact.Kind.IMAGE and not data.content.get("src") and image is None:
        errors.setdefault("content.src", []).append(_("upload the image"))
    try:
        with transaction.atomic():
            if image is not None:
                try:
                    data.content["src"] = authoring.media_upload(version=case.module.version, name=image.name,
                                                                 content=image_bytes).path
                except ApplicationError as exc:
                    errors.setdefault("content.src", []).extend(exc.errors.get("file", [exc.message]))
            if heatmap is not None:
                try:
                    data.content["heatmap"] = authoring.media_upload(version=case.module.version, name=heatmap.name,
                                                                     content=heatmap_bytes).path
                except ApplicationError as exc:
                    errors.setdefault("content.heatmap", []).extend(exc.errors.get("file", [exc.message]))
            if errors:
                more = authoring.artifact_errors(case=case, data=data, artifact=artifact)
                for path, messages_ in more.items():
                    if path not in errors:
                        errors[path] = messages_
                raise ApplicationError(_("The AI output was not saved; correct the fields named below."), errors)
            if artifact is None:
                return authoring.artifact_create(case=case, data=data), [], {}
            saved, warnings = authoring.artifact_update(artifact=artifact, data=data)
            return saved, warnings, {}
    except ApplicationError as exc:
        return None, [], exc.errors or {"non_field_errors": [exc.message]}


def _artifact_page(request, case: Case, kind: str, artifact: Artifact | None, errors: dict, editable: bool, status=200):
    competencies, failure_modes = taxonomy_choices()
    post = request.POST if request.method == "POST" and errors else None
    if post is not None:
        content, _parse = artifact_content(kind, post, artifact.content if artifact else None)
        values = {
            "title": post.get("title", ""), "slug": post.get("slug", ""), "source": post.get("source", ""),
            "correct": post.get("correct", ""), "failure_modes": post.getlist("truth_failure_modes"),
            "explanation": post.get("explanation", ""),
        }
    else:
        content = artifact.content if artifact else {}
        values = {
            "title": artifact.title if artifact else "", "slug": artifact.slug if artifact else "",
            "source": artifact.source if artifact else "",
            "correct": ("yes" if artifact.ai_correct else "no") if artifact else "",
            "failure_modes": [m.code for m in artifact.failure_modes.all()] if artifact else [],
            "explanation": artifact.truth_explanation if artifact else "",
        }
    media = version_media_urls(version_id=case.module.version_id)
    return render(request, "studio/artifact.html", {
        "case": case, "artifact": artifact, "kind": kind, "kind_label": dict(Artifact.Kind.choices)[kind],
        "editor": artifact_editor(kind, content, errors), "values": values, "errors": errors,
        "failure_mode_choices": failure_modes, "editable": editable, "media": media,
        "image_url": media.get(content.get("src")) if isinstance(content, dict) else None,
        "heatmap_url": media.get(content.get("heatmap")) if isinstance(content, dict) else None,
        "roles": ["system", "user", "assistant", "tool"],
        "truth_fixes": (list(TruthFix.objects.filter(artifact=artifact).select_related("fixed_by"))
                        if artifact is not None and not editable else []),
        "crumbs": _crumbs(case) + [(case.title, reverse("studio:case", args=[case.pk]))],
    }, status=status)


@author_required
def artifact_create(request, case_pk: int):
    case = owned(request, Case, case_pk, related=("module",))
    if not _editable(case.module.version):
        return _immutable(request, case.module.version)
    kind = request.GET.get("kind") or request.POST.get("kind")
    if kind not in dict(Artifact.Kind.choices):
        raise Http404
    errors: dict = {}
    if request.method == "POST":
        artifact, _warnings, errors = _save_artifact(request, case, kind, None)
        if artifact is not None:
            messages.success(request, _("The AI output was added."))
            return redirect("studio:artifact", pk=artifact.pk)
    return _artifact_page(request, case, kind, None, errors, True, status=_status(errors))


@author_required
def artifact_detail(request, pk: int):
    artifact = owned(request, Artifact, pk, related=("case__module",))
    case = artifact.case
    editable = _editable(case.module.version)
    errors: dict = {}
    if request.method == "POST":
        if not editable:
            return _immutable(request, case.module.version)
        saved, warnings, errors = _save_artifact(request, case, artifact.kind, artifact)
        if saved is not None:
            messages.success(request, _("The AI output was saved."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("studio:artifact", pk=artifact.pk)
    return _artifact_page(request, case, artifact.kind, artifact, errors, editable, status=_status(errors))


# ---------------------------------------------------------------- items


def _item_input(request, item_type: str) -> tuple[authoring.ItemInput, dict]:
    spec, key, errors = item_spec_key(item_type, request.POST)
    artifact = request.POST.get("artifact") or None
    try:
        artifact_id = int(artifact) if artifact else None
    except ValueError:
        artifact_id = -1
    data = authoring.ItemInput(
        item_type=item_type, prompt=request.POST.get("prompt", ""), spec=spec, key=key,
        competencies=request.POST.getlist("competencies"), failure_modes=request.POST.getlist("failure_modes"),
        artifact_id=artifact_id, slug=request.POST.get("slug", "").strip(), rationale=request.POST.get("rationale", ""),
    )
    if _shows_everything(request.POST):
        data.hints, data.tags, data.idnumber = item_extras(request.POST)
    return data, errors


def _shows_everything(post) -> bool:
    """Whether the form posted is the item editor showing every field of the item: its key
    whole (per-option feedback, other right options, other answers) and its hints, tags and
    ID number. A form without them (an older page) leaves the stored ones as they are."""
    return post.get("editor") == "full"


def _save_item(request, case: Case, item_type: str, item: Item | None):
    data, errors = _item_input(request, item_type)
    if item is not None and not _shows_everything(request.POST):
        stored = ItemKey.objects.filter(item=item).first()
        data.key = unit_for(item_type).keep_unedited(data.spec, stored.answer if stored else None, data.key)
    if errors:
        more = authoring.item_errors(case=case, data=data, item=item)
        return None, {**{p: m for p, m in more.items() if p not in errors}, **errors}
    try:
        with transaction.atomic():
            if item is None:
                return authoring.item_create(case=case, data=data), {}
            return authoring.item_update(item=item, data=data), {}
    except ApplicationError as exc:
        return None, exc.errors or {"non_field_errors": [exc.message]}


def item_page_context(request, case: Case, item_type: str, item: Item | None, errors: dict, editable: bool) -> dict:
    competencies, failure_modes = taxonomy_choices()
    unit = unit_for(item_type)
    artifacts = list(case.artifacts.order_by("position"))
    if request.method == "POST" and errors:
        post = request.POST
        spec, key, _parse = item_spec_key(item_type, post)
        hints, tags, idnumber = item_extras(post)
        values = {
            "slug": post.get("slug", ""), "artifact": post.get("artifact", ""), "prompt": post.get("prompt", ""),
            "rationale": post.get("rationale", ""), "competencies": post.getlist("competencies"),
            "failure_modes": post.getlist("failure_modes"), "hints": hints, "tags": "\n".join(tags),
            "idnumber": idnumber,
        }
    else:
        stored_key = ItemKey.objects.filter(item=item).first() if item else None
        spec = item.spec if item else {}
        key = stored_key.answer if stored_key else {}
        default_artifact = request.GET.get("artifact", "")
        if not default_artifact and item is None and unit.artifact_kinds:
            first_text = next((a for a in artifacts if a.kind in unit.artifact_kinds), None)
            default_artifact = str(first_text.pk) if first_text else ""
        values = {
            "slug": item.slug if item else "", "artifact": str(item.artifact_id or "") if item else default_artifact,
            "prompt": item.prompt if item else "", "rationale": stored_key.rationale if stored_key else "",
            "competencies": [c.code for c in item.competencies.all()] if item else [],
            "failure_modes": [m.code for m in item.failure_modes.all()] if item else [],
            "hints": list(stored_key.hints or []) if stored_key else [],
            "tags": "\n".join(item.tags or []) if item else "", "idnumber": item.idnumber if item else "",
        }
    if unit.artifact_kinds:
        choices = [a for a in artifacts if a.kind in unit.artifact_kinds]
    else:
        choices = artifacts
    return {
        "case": case, "item": item, "item_type": item_type, "type_label": dict(Item.Type.choices)[item_type],
        "editor": item_editor(item_type, spec, key, errors), "values": values, "errors": errors,
        "hint_rows": hint_rows(values["hints"], errors),
        "artifact_choices": choices,
        "artifact_texts": {str(a.pk): a.content.get("text", "") for a in artifacts if a.kind == Artifact.Kind.TEXT},
        "needs_artifact": unit.needs_artifact,
        "competency_choices": competencies, "failure_mode_choices": failure_modes, "editable": editable,
        "severities": [("minor", _("minor")), ("major", _("major"))],
        "crumbs": _crumbs(case) + [(case.title, reverse("studio:case", args=[case.pk]))],
    }


@author_required
def item_create(request, case_pk: int):
    case = owned(request, Case, case_pk, related=("module",))
    if not _editable(case.module.version):
        return _immutable(request, case.module.version)
    item_type = request.GET.get("type") or request.POST.get("type")
    if item_type not in dict(Item.Type.choices):
        raise Http404
    errors: dict = {}
    if request.method == "POST":
        item, errors = _save_item(request, case, item_type, None)
        if item is not None:
            messages.success(request, _("The item was added."))
            return redirect("studio:item", pk=item.pk)
    return render(request, "studio/item.html", item_page_context(request, case, item_type, None, errors, True),
                  status=_status(errors))


@author_required
def item_detail(request, pk: int):
    item = owned(request, Item, pk, related=("case__module",))
    case = item.case
    version = case.module.version
    editable = _editable(version)
    errors: dict = {}
    if request.method == "POST":
        if not editable:
            return _immutable(request, version)
        saved, errors = _save_item(request, case, item.type, item)
        if saved is not None:
            messages.success(request, _("The item was saved."))
            return redirect("studio:item", pk=item.pk)
    context = item_page_context(request, case, item.type, item, errors, editable)
    if not editable:
        context["key_fixes"] = list(KeyFix.objects.filter(item=item).select_related(
            "fixed_by", "origin__item__case__module__version"))
        context["jobs"] = list(RegradeJob.objects.filter(item=item).select_related("created_by"))
        context["response_count"] = item.responses.count()
    return render(request, "studio/item.html", context, status=_status(errors))


# ---------------------------------------------------------------- reorder and delete


def _parent_url(obj) -> str:
    if isinstance(obj, Module):
        return reverse("studio:course", args=[obj.version.course.slug]) + "#module-%d" % obj.pk
    if isinstance(obj, (Lesson, Case)):
        return reverse("studio:module", args=[obj.module_id])
    return reverse("studio:case", args=[obj.case_id])


@author_required
@require_POST
def move(request, kind: str, pk: int):
    model = MODELS.get(kind)
    if model is None:
        raise Http404
    obj = owned(request, model, pk)
    try:
        with transaction.atomic():
            moved = authoring.content_move(obj=obj, direction=request.POST.get("direction", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if not moved:
            messages.info(request, _("It is already at that end."))
    return redirect(request.POST.get("next") if _safe_next(request) else _parent_url(obj))


def _safe_next(request) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/studio/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure(),
    )


@author_required
def delete(request, kind: str, pk: int):
    model = MODELS.get(kind)
    if model is None:
        raise Http404
    obj = owned(request, model, pk)
    version = authoring.version_of(obj)
    if request.method == "POST":
        back = _parent_url(obj)
        try:
            with transaction.atomic():
                authoring.content_delete(obj=obj)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("It was deleted."))
        return redirect(back)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    if not _editable(version):
        return _immutable(request, version)
    label = getattr(obj, "title", None) or getattr(obj, "slug", "")
    return render(request, "studio/delete.html", {
        "obj": obj, "kind": kind, "label": label, "course": course_of(obj), "cancel": _parent_url(obj),
    })
