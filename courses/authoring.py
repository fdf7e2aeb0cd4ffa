"""Per-row edits of a draft, for the authoring studio (services: keyword-only, atomic).

Every function here changes one thing of a draft: a module, a lesson, a case, an
artifact, an item and its key, their tags, their order, the course's co-authors, or an
uploaded image. Each one locks the draft's version row, refuses anything but a draft
(``ensure_editable``), validates before writing and writes everything or nothing.

Artifacts and items are validated by the rules a course package meets: the row is
serialised to the package form, wrapped in a one-case document and run through
``package_problems`` (the JSON Schema, the taxonomy codes, and the item type's own
``validate_key``), so an error names the same place an import or the publish check would,
relative to the row (``key.spans[1].end``, ``content.probability``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from training.transactions import in_callers_transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from accounts.models import User
from training.errors import ApplicationError, Conflict
from training.slugs import slug_from

from .models import Artifact, Case, Course, CourseVersion, Item, ItemKey, Lesson, MediaAsset, Module
from .packages.media import MediaFile, MediaProblem, free_media_path, store, upload_content_type
from .packages.paths import is_within
from .packages.schema import FORMAT
from .packages.serialize import CONTENT_SHAPES, canonical
from .packages.validation import package_problems
from .rendering import MAX_MARKDOWN_CHARS
from .services import SLUG_RE, ensure_editable

Errors = dict[str, list[str]]

# --- the draft and where a row lives ----------------------------------------------------


def version_of(obj: Any) -> CourseVersion:
    """The version a content row belongs to."""
    if isinstance(obj, CourseVersion):
        return obj
    if isinstance(obj, Module):
        return obj.version
    if isinstance(obj, (Lesson, Case)):
        return obj.module.version
    if isinstance(obj, (Artifact, Item)):
        return obj.case.module.version
    raise TypeError(f"not course content: {obj!r}")


def lock_draft(version_id: int) -> CourseVersion:
    """Lock the version row and refuse unless it is a draft (409)."""
    version = CourseVersion.objects.select_for_update().select_related("course").get(pk=version_id)
    ensure_editable(version)
    return version


def _fail(message: str, errors: Errors) -> None:
    if errors:
        raise ApplicationError(message, errors)


def _check_title(errors: Errors, value: Any, name: str = "title") -> str:
    if not isinstance(value, str) or not value.strip():
        errors.setdefault(name, []).append(_("Give a title."))
        return ""
    if len(value.strip()) > 200:
        errors.setdefault(name, []).append(_("Use at most 200 characters."))
    return value.strip()


def unique_slug(wanted: str, title: str, taken: set[str], errors: Errors, *, fallback: str) -> str:
    """The slug asked for (checked), or one made from the title that is not taken yet."""
    if wanted:
        if not SLUG_RE.match(wanted) or len(wanted) > 100:
            errors.setdefault("slug", []).append(
                _("Use lowercase letters, digits and hyphens, starting with a letter or digit (at most 100 characters).")
            )
        elif wanted in taken:
            errors.setdefault("slug", []).append(_("This slug is already used here; choose another one."))
        return wanted
    return slug_from(title, taken, fallback=fallback)


def next_position(queryset) -> int:
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _text(value: Any) -> str:
    """Authored text as stored: line breaks normalised (browsers post CRLF)."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else ""


def _markdown(errors: Errors, name: str, value: Any) -> str:
    """An authored Markdown text as stored, refused beyond MAX_MARKDOWN_CHARS."""
    text = _text(value)
    if len(text) > MAX_MARKDOWN_CHARS:
        errors.setdefault(name, []).append(_("The text is %(size)s characters long; at most %(max)s are accepted.") % {
            "size": len(text), "max": MAX_MARKDOWN_CHARS,
        })
    return text


# --- modules ------------------------------------------------------------------------------

FEEDBACK_POLICIES = [value for value, _label in Module.FeedbackPolicy.choices]


def _module_fields(errors: Errors, fields: dict) -> dict:
    clean = {}
    if "title" in fields:
        clean["title"] = _check_title(errors, fields["title"])
    if "summary" in fields:
        clean["summary"] = _markdown(errors, "summary", fields["summary"])
    if "feedback_policy" in fields:
        if fields["feedback_policy"] not in FEEDBACK_POLICIES:
            errors.setdefault("feedback_policy", []).append(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(FEEDBACK_POLICIES)}
            )
        clean["feedback_policy"] = fields["feedback_policy"]
    return clean


@in_callers_transaction
def module_create(*, version: CourseVersion, title: str, slug: str = "", summary: str = "",
                  feedback_policy: str = Module.FeedbackPolicy.IMMEDIATE) -> Module:
    version = lock_draft(version.pk)
    errors: Errors = {}
    fields = _module_fields(errors, {"title": title, "summary": summary, "feedback_policy": feedback_policy})
    taken = set(Module.objects.filter(version=version).values_list("slug", flat=True))
    slug = unique_slug(slug, fields["title"], taken, errors, fallback="module")
    _fail(_("The module was not saved; correct the fields named below."), errors)
    return Module.objects.create(
        version=version, slug=slug, position=next_position(Module.objects.filter(version=version)), **fields,
    )


@in_callers_transaction
def module_update(*, module: Module, **fields) -> Module:
    lock_draft(module.version_id)
    errors: Errors = {}
    slug = fields.pop("slug", None)
    clean = _module_fields(errors, fields)
    if slug is not None and slug != module.slug:
        taken = set(Module.objects.filter(version_id=module.version_id).exclude(pk=module.pk).values_list("slug", flat=True))
        clean["slug"] = unique_slug(slug, "", taken, errors, fallback="module")
    _fail(_("The module was not saved; correct the fields named below."), errors)
    for name, value in clean.items():
        setattr(module, name, value)
    module.save(update_fields=list(clean) or None)
    return module


# --- lessons and cases: rows of a module with a title, a slug and one Markdown text -----


def _module_row_create(model, *, module: Module, title: str, slug: str, text_field: str, text: str,
                       fallback: str, refusal: str):
    lock_draft(module.version_id)
    errors: Errors = {}
    title = _check_title(errors, title)
    text = _markdown(errors, text_field, text)
    taken = set(model.objects.filter(module=module).values_list("slug", flat=True))
    slug = unique_slug(slug, title, taken, errors, fallback=fallback)
    _fail(refusal, errors)
    return model.objects.create(
        module=module, slug=slug, title=title, **{text_field: text},
        position=next_position(model.objects.filter(module=module)),
    )


def _module_row_update(row, *, text_field: str, fallback: str, refusal: str, fields: dict):
    lock_draft(row.module.version_id)
    errors: Errors = {}
    clean: dict[str, Any] = {}
    if "title" in fields:
        clean["title"] = _check_title(errors, fields["title"])
    if text_field in fields:
        clean[text_field] = _markdown(errors, text_field, fields[text_field])
    if fields.get("slug") not in (None, row.slug):
        siblings = type(row).objects.filter(module_id=row.module_id).exclude(pk=row.pk)
        clean["slug"] = unique_slug(fields["slug"], "", set(siblings.values_list("slug", flat=True)), errors,
                                    fallback=fallback)
    _fail(refusal, errors)
    for name, value in clean.items():
        setattr(row, name, value)
    row.save()
    return row


@in_callers_transaction
def lesson_create(*, module: Module, title: str, slug: str = "", body: str = "") -> Lesson:
    return _module_row_create(
        Lesson, module=module, title=title, slug=slug, text_field="body", text=body, fallback="lesson",
        refusal=_("The lesson was not saved; correct the fields named below."),
    )


@in_callers_transaction
def lesson_update(*, lesson: Lesson, **fields) -> Lesson:
    return _module_row_update(lesson, text_field="body", fallback="lesson", fields=fields,
                              refusal=_("The lesson was not saved; correct the fields named below."))


@in_callers_transaction
def case_create(*, module: Module, title: str, slug: str = "", vignette: str = "") -> Case:
    return _module_row_create(
        Case, module=module, title=title, slug=slug, text_field="vignette", text=vignette, fallback="case",
        refusal=_("The case was not saved; correct the fields named below."),
    )


@in_callers_transaction
def case_update(*, case: Case, **fields) -> Case:
    return _module_row_update(case, text_field="vignette", fallback="case", fields=fields,
                              refusal=_("The case was not saved; correct the fields named below."))


# --- validation of artifacts and items as package rows ------------------------------------

ARTIFACT_AT = "modules[0].cases[0].artifacts[0]"
ITEM_AT = "modules[0].cases[0].items[0]"


def _fragment(artifacts: list[dict], items: list[dict]) -> dict:
    """A one-case package document around the rows being checked."""
    return {
        "format": FORMAT, "slug": "fragment", "language": "en", "title": "Fragment", "hours": 0,
        "modules": [{
            "slug": "module", "title": "Module", "lessons": [],
            "cases": [{"slug": "case", "title": "Case", "vignette": "Vignette.", "artifacts": artifacts, "items": items}],
        }],
    }


def _problems_within(document: dict, prefix: str, media_paths: set[str]) -> Errors:
    """The problems of ``document`` inside ``prefix``, at paths relative to it."""

    def media_check(path: str) -> str | None:
        return None if path in media_paths else _("no media file %(path)s in this version") % {"path": path}

    errors: Errors = {}
    for path, message in package_problems(document, media_check=media_check):
        if is_within(path, prefix):
            where = path[len(prefix):].lstrip(".") or "non_field_errors"
            errors.setdefault(where, []).append(message)
    return errors


def artifact_document(*, slug: str, kind: str, title: str, source: str, content: Any, ai_correct: Any,
                      failure_modes: list[str], explanation: str) -> dict:
    """An artifact in the package form (what the exporter would write)."""
    data: dict[str, Any] = {"slug": slug, "kind": kind, "title": title}
    if source:
        data["source"] = source
    data["content"] = canonical(content, CONTENT_SHAPES.get(kind)) if isinstance(content, dict) else content
    truth: dict[str, Any] = {"correct": ai_correct, "failure_modes": sorted(failure_modes)}
    if explanation:
        truth["explanation"] = explanation
    data["ground_truth"] = truth
    return data


def _stored_artifact_document(artifact: Artifact) -> dict:
    return artifact_document(
        slug=artifact.slug, kind=artifact.kind, title=artifact.title, source=artifact.source,
        content=artifact.content, ai_correct=artifact.ai_correct,
        failure_modes=[m.code for m in artifact.failure_modes.all()], explanation=artifact.truth_explanation,
    )


def item_document(*, slug: str, item_type: str, artifact_slug: str | None, prompt: str, competencies: list[str],
                  failure_modes: list[str], spec: Any, key: Any, rationale: str, hints: Any = (), tags: Any = (),
                  idnumber: Any = "") -> dict:
    """An item in the package form (what the exporter would write: ``serialize._item``)."""
    data: dict[str, Any] = {"slug": slug, "type": item_type}
    if artifact_slug:
        data["artifact"] = artifact_slug
    data.update({"prompt": prompt, "competencies": sorted(competencies), "failure_modes": sorted(failure_modes)})
    if spec:
        data["spec"] = spec
    data["key"] = key
    if rationale:
        data["rationale"] = rationale
    if hints:
        data["hints"] = list(hints)
    if tags:
        data["tags"] = list(tags)
    if idnumber:
        data["idnumber"] = idnumber
    return data


def _stored_item_document(item: Item, artifacts_by_id: dict[int, Artifact]) -> dict:
    key = ItemKey.objects.filter(item=item).first()
    artifact = artifacts_by_id.get(item.artifact_id)
    return item_document(
        slug=item.slug, item_type=item.type, artifact_slug=artifact.slug if artifact else None, prompt=item.prompt,
        competencies=[c.code for c in item.competencies.all()], failure_modes=[m.code for m in item.failure_modes.all()],
        spec=item.spec, key=key.answer if key else None, rationale=key.rationale if key else "",
        hints=key.hints if key else (), tags=item.tags, idnumber=item.idnumber,
    )


def _media_paths(version_id: int) -> set[str]:
    return set(MediaAsset.objects.filter(version_id=version_id).values_list("path", flat=True))


def _case_artifacts(case: Case) -> list[Artifact]:
    return list(Artifact.objects.filter(case=case).prefetch_related("failure_modes").order_by("position"))


def item_problems(*, item: Item) -> Errors:
    """What is wrong with a stored item, at paths relative to it (empty: nothing)."""
    artifacts = _case_artifacts(item.case)
    document = _fragment(
        [_stored_artifact_document(a) for a in artifacts],
        [_stored_item_document(item, {a.pk: a for a in artifacts})],
    )
    return _problems_within(document, ITEM_AT, _media_paths(item.case.module.version_id))


def package_item_problems(*, item: dict, media_paths: set[str]) -> Errors:
    """What is wrong with an item in the package form, alone in a one-case document (no AI
    output), at paths relative to it; ``media_paths`` are the media files it may show."""
    return _problems_within(_fragment([], [item]), ITEM_AT, media_paths)


# --- artifacts ----------------------------------------------------------------------------

ARTIFACT_KINDS = [value for value, _label in Artifact.Kind.choices]


@dataclass
class ArtifactInput:
    title: str
    kind: str
    content: Any
    ai_correct: Any
    failure_modes: list[str]
    slug: str = ""
    source: str = ""
    explanation: str = ""


def _normalise_content(kind: str, content: Any) -> Any:
    if kind == Artifact.Kind.TEXT and isinstance(content, dict) and isinstance(content.get("text"), str):
        return {**content, "text": _text(content["text"])}
    return content


def _validate_artifact(case: Case, data: ArtifactInput, *, exclude_pk: int | None) -> tuple[str, Errors]:
    errors: Errors = {}
    title = _check_title(errors, data.title)
    if data.kind not in ARTIFACT_KINDS:
        errors.setdefault("kind", []).append(_("Choose one of: %(choices)s.") % {"choices": ", ".join(ARTIFACT_KINDS)})
    if not isinstance(data.ai_correct, bool):
        errors.setdefault("ground_truth.correct", []).append(_("Say whether the AI output is correct."))
    taken = set(Artifact.objects.filter(case=case).exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug = unique_slug(data.slug, title, taken, errors, fallback=data.kind or "artifact")
    if errors:
        return slug, errors
    document = _fragment([artifact_document(
        slug=slug, kind=data.kind, title=title, source=data.source, content=data.content,
        ai_correct=data.ai_correct, failure_modes=data.failure_modes, explanation=data.explanation,
    )], [])
    return slug, _problems_within(document, ARTIFACT_AT, _media_paths(case.module.version_id))


def _dependent_item_warnings(artifact: Artifact) -> list[str]:
    """Items of the artifact that its new content or ground truth made invalid."""
    warnings = []
    for item in Item.objects.filter(artifact=artifact).select_related("case__module").order_by("position"):
        problems = item_problems(item=item)
        for path, messages in problems.items():
            for message in messages:
                warnings.append(_("Item %(item)s, %(path)s: %(message)s") % {"item": item.slug, "path": path, "message": message})
    return warnings


@in_callers_transaction
def artifact_create(*, case: Case, data: ArtifactInput) -> Artifact:
    lock_draft(case.module.version_id)
    data.content = _normalise_content(data.kind, data.content)
    data.source, data.explanation = _text(data.source), _text(data.explanation)
    slug, errors = _validate_artifact(case, data, exclude_pk=None)
    _fail(_("The AI output was not saved; correct the fields named below."), errors)
    artifact = Artifact.objects.create(
        case=case, slug=slug, position=next_position(Artifact.objects.filter(case=case)), kind=data.kind,
        title=data.title.strip(), source=data.source, content=data.content, ai_correct=data.ai_correct,
        truth_explanation=data.explanation,
    )
    artifact.failure_modes.set(data.failure_modes)
    return artifact


@in_callers_transaction
def artifact_update(*, artifact: Artifact, data: ArtifactInput) -> tuple[Artifact, list[str]]:
    """Save the artifact; returns it with warnings about items its change made invalid."""
    lock_draft(artifact.case.module.version_id)
    if data.kind != artifact.kind and artifact.items.exists():
        raise ApplicationError(
            _("The kind of an AI output that items refer to cannot change."),
            {"kind": [_("Items refer to this AI output; change or delete them first.")]},
        )
    data.content = _normalise_content(data.kind, data.content)
    data.source, data.explanation = _text(data.source), _text(data.explanation)
    slug, errors = _validate_artifact(artifact.case, data, exclude_pk=artifact.pk)
    _fail(_("The AI output was not saved; correct the fields named below."), errors)
    artifact.slug, artifact.kind, artifact.title = slug, data.kind, data.title.strip()
    artifact.source, artifact.content, artifact.ai_correct = data.source, data.content, data.ai_correct
    artifact.truth_explanation = data.explanation
    artifact.save()
    artifact.failure_modes.set(data.failure_modes)
    return artifact, _dependent_item_warnings(artifact)


# --- uploaded images ------------------------------------------------------------------------

@in_callers_transaction
def media_upload(*, version: CourseVersion, name: str, content: bytes) -> MediaAsset:
    """Check an uploaded image (extension, first bytes, size) and attach it to the draft.

    Returns the version's media row for it: uploading the same bytes twice gives the same
    row; a new file gets a path under media/ that is not taken yet.
    """
    try:
        content_type = upload_content_type(name, content)
    except MediaProblem as exc:
        raise ApplicationError(_("The file was not accepted."), {"file": [str(exc)]}) from None
    sha256 = hashlib.sha256(content).hexdigest()
    version = lock_draft(version.pk)
    same = MediaAsset.objects.filter(version=version, sha256=sha256).first()
    if same is not None:
        return same
    taken = set(MediaAsset.objects.filter(version=version).values_list("path", flat=True))
    path = free_media_path(name, taken)
    media = MediaFile(path, content, content_type, sha256)
    stored = store(media)
    return MediaAsset.objects.create(
        version=version, path=path, file=stored, content_type=content_type, size=len(content), sha256=sha256,
    )


# --- items ------------------------------------------------------------------------------------

ITEM_TYPES = [value for value, _label in Item.Type.choices]


@dataclass
class ItemInput:
    item_type: str
    prompt: str
    spec: Any
    key: Any
    competencies: list[str]
    failure_modes: list[str]
    artifact_id: int | None = None
    slug: str = ""
    rationale: str = ""
    # What a question bank knew the question by, and the hints shown after grading; None
    # keeps what the item has (a new item: none).
    hints: list[str] | None = None
    tags: list[str] | None = None
    idnumber: str | None = None


def _validate_item(case: Case, data: ItemInput, *, exclude_pk: int | None) -> tuple[str, Artifact | None, Errors]:
    errors: Errors = {}
    if data.item_type not in ITEM_TYPES:
        errors.setdefault("type", []).append(_("Choose one of: %(choices)s.") % {"choices": ", ".join(ITEM_TYPES)})
    artifacts = _case_artifacts(case)
    by_id = {a.pk: a for a in artifacts}
    artifact = None
    if data.artifact_id is not None:
        artifact = by_id.get(data.artifact_id)
        if artifact is None:
            errors.setdefault("artifact", []).append(_("Choose an AI output of this case."))
    taken = set(Item.objects.filter(case=case).exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug = unique_slug(data.slug, data.prompt[:60] if isinstance(data.prompt, str) else "", taken, errors,
                       fallback=(data.item_type or "item").replace("_", "-"))
    if errors:
        return slug, artifact, errors
    document = _fragment(
        [_stored_artifact_document(a) for a in artifacts],
        [item_document(
            slug=slug, item_type=data.item_type, artifact_slug=artifact.slug if artifact else None,
            prompt=data.prompt, competencies=data.competencies, failure_modes=data.failure_modes,
            spec=data.spec, key=data.key, rationale=data.rationale,
            hints=data.hints or (), tags=data.tags or (), idnumber=data.idnumber or "",
        )],
    )
    return slug, artifact, _problems_within(document, ITEM_AT, _media_paths(case.module.version_id))


def _clean_item_input(data: ItemInput, item: Item | None = None) -> None:
    data.prompt = _text(data.prompt).strip()
    data.rationale = _text(data.rationale)
    data.competencies = sorted(set(data.competencies))
    data.failure_modes = sorted(set(data.failure_modes))
    if data.hints is None:
        stored = ItemKey.objects.filter(item=item).values_list("hints", flat=True).first() if item else None
        data.hints = list(stored or [])
    data.hints = [_text(hint).strip() if isinstance(hint, str) else hint for hint in data.hints]
    if data.tags is None:
        data.tags = list(item.tags) if item else []
    if data.idnumber is None:
        data.idnumber = item.idnumber if item else ""
    data.idnumber = data.idnumber.strip() if isinstance(data.idnumber, str) else data.idnumber


@in_callers_transaction
def item_create(*, case: Case, data: ItemInput) -> Item:
    lock_draft(case.module.version_id)
    _clean_item_input(data)
    slug, artifact, errors = _validate_item(case, data, exclude_pk=None)
    _fail(_("The item was not saved; correct the fields named below."), errors)
    item = Item.objects.create(
        case=case, slug=slug, position=next_position(Item.objects.filter(case=case)), type=data.item_type,
        artifact=artifact, prompt=data.prompt, spec=data.spec or {}, tags=data.tags, idnumber=data.idnumber,
    )
    ItemKey.objects.create(item=item, answer=data.key, rationale=data.rationale, hints=data.hints)
    item.competencies.set(data.competencies)
    item.failure_modes.set(data.failure_modes)
    return item


@in_callers_transaction
def item_update(*, item: Item, data: ItemInput) -> Item:
    lock_draft(item.case.module.version_id)
    _clean_item_input(data, item)
    if data.item_type != item.type:
        raise ApplicationError(_("The type of an item cannot change."), {"type": [_("Create a new item instead.")]})
    slug, artifact, errors = _validate_item(item.case, data, exclude_pk=item.pk)
    _fail(_("The item was not saved; correct the fields named below."), errors)
    item.slug, item.artifact, item.prompt, item.spec = slug, artifact, data.prompt, data.spec or {}
    item.tags, item.idnumber = data.tags, data.idnumber
    item.save()
    ItemKey.objects.update_or_create(item=item, defaults={"answer": data.key, "rationale": data.rationale,
                                                          "hints": data.hints})
    item.competencies.set(data.competencies)
    item.failure_modes.set(data.failure_modes)
    return item


# --- deleting and reordering ------------------------------------------------------------------


@in_callers_transaction
def content_delete(*, obj: Module | Lesson | Case | Artifact | Item) -> None:
    """Delete a row of a draft and everything beneath it."""
    lock_draft(version_of(obj).pk)
    if isinstance(obj, Artifact):
        used = list(Item.objects.filter(artifact=obj).values_list("slug", flat=True))
        if used:
            raise Conflict(_("Items refer to this AI output (%(items)s); change or delete them first.") % {
                "items": ", ".join(used),
            })
    try:
        if isinstance(obj, (Module, Case)):
            # Item.artifact is RESTRICT: delete the items before their artifacts can go.
            items = Item.objects.filter(case__module=obj) if isinstance(obj, Module) else Item.objects.filter(case=obj)
            items.delete()
        obj.delete()
    except ProtectedError:
        raise Conflict(_("Answers were given to this content; it cannot be deleted.")) from None


def _siblings(obj) -> Any:
    if isinstance(obj, Module):
        return Module.objects.filter(version_id=obj.version_id)
    if isinstance(obj, Lesson):
        return Lesson.objects.filter(module_id=obj.module_id)
    if isinstance(obj, Case):
        return Case.objects.filter(module_id=obj.module_id)
    if isinstance(obj, Artifact):
        return Artifact.objects.filter(case_id=obj.case_id)
    if isinstance(obj, Item):
        return Item.objects.filter(case_id=obj.case_id)
    raise TypeError(f"cannot reorder {obj!r}")


@in_callers_transaction
def content_move(*, obj: Module | Lesson | Case | Artifact | Item, direction: str) -> bool:
    """Swap a row with its previous ("up") or next ("down") sibling; False at either end.

    Positions stay unique per parent at every statement (a free position is used for the
    swap), so this works whether or not the database defers the unique constraint.
    """
    if direction not in ("up", "down"):
        raise ApplicationError(_("Move up or down."), {"direction": [_("Must be up or down.")]})
    lock_draft(version_of(obj).pk)
    siblings = _siblings(obj)
    obj = siblings.get(pk=obj.pk)
    if direction == "up":
        other = siblings.filter(position__lt=obj.position).order_by("-position").first()
    else:
        other = siblings.filter(position__gt=obj.position).order_by("position").first()
    if other is None:
        return False
    free = next_position(siblings)
    mine, theirs = obj.position, other.position
    siblings.filter(pk=obj.pk).update(position=free)
    siblings.filter(pk=other.pk).update(position=mine)
    siblings.filter(pk=obj.pk).update(position=theirs)
    return True


# --- co-authors ---------------------------------------------------------------------------------


@in_callers_transaction
def course_coauthor_add(*, course: Course, username: str, by: User) -> User:
    """Share a course with another faculty member (the owner's decision)."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not by.has_perm("courses.manage_coauthors", course):
        raise ApplicationError(_("Only the owner of the course can share it."), status_code=403)
    username = (username or "").strip()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ApplicationError(_("Nobody has this username."), {"username": [
            _("No user named %(name)s.") % {"name": username},
        ]})
    if user.pk == course.owner_id:
        raise ApplicationError(_("The owner is already an author."), {"username": [_("This is the owner.")]})
    if not user.has_perm("courses.author"):
        raise ApplicationError(_("Only faculty members can be co-authors."), {"username": [
            _("%(name)s is not a faculty member of any school.") % {"name": username},
        ]})
    course.coauthors.add(user)
    return user


@in_callers_transaction
def course_coauthor_remove(*, course: Course, user: User, by: User) -> None:
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not by.has_perm("courses.manage_coauthors", course):
        raise ApplicationError(_("Only the owner of the course can change who shares it."), status_code=403)
    course.coauthors.remove(user)


# --- what is wrong, without writing ---------------------------------------------------------


def item_errors(*, case: Case, data: ItemInput, item: Item | None = None) -> Errors:
    """What is wrong with an item as posted, without writing anything."""
    _clean_item_input(data, item)
    return _validate_item(case, data, exclude_pk=item.pk if item else None)[2]


def artifact_errors(*, case: Case, data: ArtifactInput, artifact: Artifact | None = None) -> Errors:
    """What is wrong with an AI output as posted, without writing anything."""
    data.content = _normalise_content(data.kind, data.content)
    return _validate_artifact(case, data, exclude_pk=artifact.pk if artifact else None)[1]


def case_problems(*, case: Case) -> Errors:
    """What keeps a case from being published, at paths relative to it (``items[1].key``)."""
    artifacts = _case_artifacts(case)
    by_id = {a.pk: a for a in artifacts}
    items = list(Item.objects.filter(case=case).prefetch_related("competencies", "failure_modes").order_by("position"))
    document = _fragment([_stored_artifact_document(a) for a in artifacts],
                         [_stored_item_document(i, by_id) for i in items])
    document["modules"][0]["cases"][0].update(slug=case.slug, title=case.title or "", vignette=case.vignette or "")
    return _problems_within(document, "modules[0].cases[0]", _media_paths(case.module.version_id))
