"""Writes of the AI tool register: a tool, its users and required training, a CSV import.

Each change writes its audit record in the same function (schools.services.audit_record); the
caller owns the transaction. Everything a tool names is checked before anything is written:
an unknown category, failure mode, role or cohort, a course of another school, each refused
with the field (and, for a CSV file, the line) where it is wrong.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course, CourseVersion, FailureMode, Module
from schools.models import Cohort, Role, School
from schools.services import audit_record
from training.errors import ApplicationError
from training.transactions import in_callers_transaction

from . import model_cards
from .models import RequiredTraining, Tool, ToolCategory

TEXT_FIELDS = {"name": 200, "vendor": 200, "version": 64, "intended_use": 5000, "intended_users": 2000,
               "known_limits": 5000, "model_card_url": 500}
DATE_FIELDS = ("evaluated_on", "pilot_on", "deployed_on", "retired_on")
LIST_FIELDS = ("failure_modes", "user_roles", "departments", "cohorts", "training")
FIELDS = ("name", "vendor", "version", "category", "intended_use", "intended_users", "high_risk", "device_class",
          "status", *DATE_FIELDS, "known_limits", "model_card_url", *LIST_FIELDS)
MAX_LIST = 50


@dataclass
class Vocabulary:
    """What a tool of the school may name, read once for a form, a request or a whole file (5 queries)."""

    school: School
    categories: dict[str, ToolCategory]
    failure_modes: set[str]
    cohorts: dict[str, Cohort]
    courses: dict[str, Course]
    modules: dict[int, set[str]] = field(default_factory=dict)


def vocabulary(*, school: School) -> Vocabulary:
    courses = {c.slug: c for c in Course.objects.filter(school_id__in=[school.pk]) | Course.objects.filter(
        school__isnull=True)}
    modules: dict[int, set[str]] = {}
    for course_id, slug in Module.objects.filter(version__course_id__in=[c.pk for c in courses.values()]).exclude(
            version__status=CourseVersion.Status.DRAFT).values_list("version__course_id", "slug"):
        modules.setdefault(course_id, set()).add(slug)
    return Vocabulary(
        school=school, categories={c.code: c for c in ToolCategory.objects.all()},
        failure_modes=set(FailureMode.objects.values_list("code", flat=True)),
        cohorts={c.slug: c for c in Cohort.objects.filter(school=school)}, courses=courses, modules=modules)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def tool_check(*, vocab: Vocabulary, data: dict, tool: Tool | None = None) -> dict:
    """The tool's fields, checked and resolved (rows instead of codes), or ``ApplicationError``
    naming every field that is wrong. Fields left out keep the tool's value (a new tool's default)."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    out: dict = {}
    for name, limit in TEXT_FIELDS.items():
        if name in data:
            value = _text(data[name])
            if len(value) > limit:
                refuse(name, _("At most %(n)s characters.") % {"n": limit})
            out[name] = value
    if "name" in out and not out["name"]:
        refuse("name", _("A tool needs a name."))
    if tool is None and "name" not in out:
        refuse("name", _("A tool needs a name."))
    if out.get("model_card_url"):
        try:
            URLValidator(schemes=["http", "https"])(out["model_card_url"])
        except ValidationError:
            refuse("model_card_url", _("Give the address of the model card (https://…)."))
    if "category" in data:
        category = vocab.categories.get(_text(data["category"]))
        if category is None:
            refuse("category", _("Unknown category of use “%(code)s”: one of %(codes)s.") % {
                "code": _text(data["category"]), "codes": ", ".join(vocab.categories)})
        out["category"] = category
    elif tool is None:
        refuse("category", _("Choose the tool's category of use."))
    if "high_risk" in data:
        if not isinstance(data["high_risk"], bool):
            refuse("high_risk", _("Yes or no."))
        out["high_risk"] = bool(data["high_risk"])
    if "device_class" in data:
        value = _text(data["device_class"])
        if value not in Tool.DeviceClass.values:
            refuse("device_class", _("Unknown medical-device class “%(v)s”: I, IIa, IIb, III or empty.") % {"v": value})
        out["device_class"] = value
    if "status" in data:
        value = _text(data["status"])
        if value not in Tool.Status.values:
            refuse("status", _("Unknown status “%(v)s”: one of %(all)s.") % {"v": value, "all": ", ".join(Tool.Status.values)})
        out["status"] = value
    for name in DATE_FIELDS:
        if name in data:
            value = data[name]
            if value is not None and not isinstance(value, date):
                refuse(name, _("A date (YYYY-MM-DD)."))
            out[name] = value
    for name in LIST_FIELDS:
        if name in data:
            values = data[name]
            if not isinstance(values, (list, tuple)) or any(not isinstance(v, str) for v in values):
                refuse(name, _("A list of names."))
                continue
            values = list(dict.fromkeys(v.strip() for v in values if v.strip()))
            if len(values) > MAX_LIST:
                refuse(name, _("At most %(n)s.") % {"n": MAX_LIST})
            out[name] = values
    for code in out.get("failure_modes", []):
        if code not in vocab.failure_modes:
            refuse("failure_modes", _("Unknown failure mode “%(code)s”.") % {"code": code})
    for role in out.get("user_roles", []):
        if role not in Role.values:
            refuse("user_roles", _("Unknown role “%(role)s”: one of %(all)s.") % {"role": role, "all": ", ".join(Role.values)})
    for department in out.get("departments", []):
        if len(department) > 100:
            refuse("departments", _("A department's name has at most 100 characters."))
    cohorts = []
    for slug in out.get("cohorts", []):
        cohort = vocab.cohorts.get(slug)
        if cohort is None:
            refuse("cohorts", _("“%(slug)s” is not a cohort of this school.") % {"slug": slug})
        else:
            cohorts.append(cohort)
    training = []
    for ref in out.get("training", []):
        course_slug, _sep, module_slug = ref.partition("/")
        course = vocab.courses.get(course_slug)
        if course is None:
            refuse("training", _("“%(ref)s” is not a course of this school nor of the platform.") % {"ref": course_slug})
        elif module_slug and module_slug not in vocab.modules.get(course.pk, set()):
            refuse("training", _("The course “%(course)s” has no published module “%(module)s”.") % {
                "course": course_slug, "module": module_slug})
        else:
            training.append((course, module_slug))
    if "cohorts" in out:
        out["cohorts"] = cohorts
    if "training" in out:
        out["training"] = training
    if errors:
        raise ApplicationError(_("The tool was not saved: correct the fields marked."), errors)
    return out


def _current(tool: Tool) -> dict:
    """The tool's values in the shape ``tool_check`` returns, to tell what a change changes."""
    return {
        **{name: getattr(tool, name) for name in TEXT_FIELDS}, "category": tool.category,
        "high_risk": tool.high_risk, "device_class": tool.device_class, "status": tool.status,
        **{name: getattr(tool, name) for name in DATE_FIELDS},
        "failure_modes": sorted(fm.code for fm in tool.failure_modes.all()), "user_roles": list(tool.user_roles),
        "departments": list(tool.departments), "cohorts": sorted(tool.cohorts.all(), key=lambda c: c.pk),
        "training": sorted(((t.course, t.module_slug) for t in tool.training.all()), key=lambda t: (t[0].pk, t[1])),
    }


def _comparable(name: str, value):
    if name in ("failure_modes",):
        return sorted(value)
    if name == "cohorts":
        return sorted(c.pk for c in value)
    if name == "training":
        return sorted((c.pk, m) for c, m in value)
    if name == "category":
        return value.pk if value else None
    return value


def _write(tool: Tool, values: dict) -> None:
    for name, value in values.items():
        if name not in LIST_FIELDS or name in ("user_roles", "departments"):
            setattr(tool, name, value)
    tool.save()
    if "failure_modes" in values:
        tool.failure_modes.set(values["failure_modes"])
    if "cohorts" in values:
        tool.cohorts.set(values["cohorts"])
    if "training" in values:
        tool.training.all().delete()
        RequiredTraining.objects.bulk_create([RequiredTraining(tool=tool, course=c, module_slug=m)
                                              for c, m in values["training"]])


def _name_taken(school: School, name: str, tool: Tool | None) -> bool:
    others = Tool.objects.filter(school=school, name__iexact=name)
    return (others.exclude(pk=tool.pk) if tool else others).exists()


def tool_create(*, school: School, data: dict, actor: User | None, vocab: Vocabulary | None = None) -> Tool:
    values = tool_check(vocab=vocab or vocabulary(school=school), data=data)
    if _name_taken(school, values["name"], None):
        raise ApplicationError(_("The register has a tool of this name already."), {"name": [_("Already taken.")]})
    tool = Tool(school=school)
    _write(tool, values)
    audit_record(actor=actor, action="registry.tool.create", school_id=school.pk,
                 detail={"tool": tool.name, "tool_id": tool.pk})
    return tool


def tool_update(*, tool: Tool, data: dict, actor: User | None, vocab: Vocabulary | None = None) -> list[str]:
    """Change the tool; the names of the fields changed (none: nothing written, nothing audited)."""
    values = tool_check(vocab=vocab or vocabulary(school=tool.school), data=data, tool=tool)
    if "name" in values and _name_taken(tool.school, values["name"], tool):
        raise ApplicationError(_("The register has a tool of this name already."), {"name": [_("Already taken.")]})
    before = _current(tool)
    changed = [name for name in FIELDS if name in values
               and _comparable(name, values[name]) != _comparable(name, before[name])]
    if not changed:
        return []
    _write(tool, {name: values[name] for name in changed})
    audit_record(actor=actor, action="registry.tool.update", school_id=tool.school_id,
                 detail={"tool": tool.name, "tool_id": tool.pk, "changed": changed})
    return changed


def tool_delete(*, tool: Tool, actor: User | None) -> None:
    audit_record(actor=actor, action="registry.tool.delete", school_id=tool.school_id,
                 detail={"tool": tool.name, "tool_id": tool.pk})
    _delete_file_on_commit(tool.model_card_file.name)
    tool.delete()


def tool_retire(*, tool: Tool, actor: User | None, on: date) -> list[str]:
    """Retire the tool (kept in the register with its history, its reports and its coverage)."""
    return tool_update(tool=tool, actor=actor, data={"status": Tool.Status.RETIRED, "retired_on": on})


def _delete_file_on_commit(name: str) -> None:
    """Delete a model card's file once the change that drops it is committed (a rolled-back
    change keeps it)."""
    if name:
        storage = Tool._meta.get_field("model_card_file").storage
        transaction.on_commit(lambda: storage.delete(name))


def _shown_name(filename: str, extension: str) -> str:
    """The uploaded file's own name, made safe to send back in a download's header."""
    try:
        return get_valid_filename(os.path.basename(filename or ""))[:200]
    except SuspiciousFileOperation:
        return f"model-card.{extension}"


@in_callers_transaction
def model_card_attach(*, tool: Tool, data: bytes, filename: str, actor: User | None) -> Tool:
    """Attach a model card file to the tool, or replace the one it has; refused (``ApplicationError``
    at ``model_card_file``) unless its content is a PDF, Markdown or plain text."""
    card = model_cards.check(data)
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    replaced = tool.model_card_file.name
    name = _shown_name(filename, card.extension)
    tool.model_card_file.save(f"{uuid.uuid4().hex}.{card.extension}", ContentFile(data), save=False)
    tool.model_card_name, tool.model_card_type, tool.model_card_size = name, card.media_type, card.size
    tool.save(update_fields=["model_card_file", "model_card_name", "model_card_type", "model_card_size",
                             "updated_at"])
    _delete_file_on_commit(replaced)
    audit_record(actor=actor, action="registry.model_card.attach", school_id=tool.school_id, detail={
        "tool": tool.name, "tool_id": tool.pk, "file": name, "type": card.media_type, "size": card.size,
        "replaced": bool(replaced)})
    return tool


@in_callers_transaction
def model_card_remove(*, tool: Tool, actor: User | None) -> Tool:
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    if not tool.model_card_file.name:
        raise ApplicationError(_("This tool has no model card file."), {"model_card_file": [_("None attached.")]},
                               status_code=409)
    _delete_file_on_commit(tool.model_card_file.name)
    audit_record(actor=actor, action="registry.model_card.remove", school_id=tool.school_id,
                 detail={"tool": tool.name, "tool_id": tool.pk, "file": tool.model_card_name})
    tool.model_card_file, tool.model_card_name, tool.model_card_type, tool.model_card_size = "", "", "", 0
    tool.save(update_fields=["model_card_file", "model_card_name", "model_card_type", "model_card_size",
                             "updated_at"])
    return tool


@dataclass
class PlannedRow:
    """What importing one line of a file would do: ``status`` new, updated, unchanged or error,
    the fields it ``changes``, its ``errors`` by field."""

    line: int
    name: str
    status: str
    changes: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    tool: Tool | None = None
    values: dict = field(default_factory=dict)


def tools_plan(*, school: School, rows: list[dict], vocab: Vocabulary | None = None) -> list[PlannedRow]:
    """What importing the rows of a CSV file (``{"line": n, **fields}``) would do to the register,
    without writing anything; tools are matched by name, whatever the case (7 queries whatever
    the number of rows)."""
    vocab = vocab or vocabulary(school=school)
    existing = {t.name.lower(): t for t in Tool.objects.filter(school=school).select_related("category")
                .prefetch_related("failure_modes", "cohorts", "training__course")}
    seen: dict[str, int] = {}
    plan = []
    for row in rows:
        data = {k: v for k, v in row.items() if k != "line"}
        key = _text(data.get("name")).lower()
        planned = PlannedRow(line=row["line"], name=_text(data.get("name")), status="error", tool=existing.get(key))
        if key and key in seen:
            planned.errors.setdefault("name", []).append(_("The same tool as line %(line)s.") % {"line": seen[key]})
        seen.setdefault(key, row["line"])
        try:
            planned.values = tool_check(vocab=vocab, data=data, tool=planned.tool)
        except ApplicationError as exc:
            for name, messages in exc.errors.items():
                planned.errors.setdefault(name, []).extend(messages)
        if not planned.errors:
            if planned.tool is None:
                planned.status = "new"
            else:
                before = _current(planned.tool)
                planned.changes = [name for name in FIELDS if name in planned.values
                                   and _comparable(name, planned.values[name]) != _comparable(name, before[name])]
                planned.status = "updated" if planned.changes else "unchanged"
        plan.append(planned)
    return plan


def tools_import(*, school: School, rows: list[dict], actor: User | None) -> dict[str, int]:
    """Create or update the tools of a CSV file (matched by name), all or nothing: every line's
    problems are gathered first (``ApplicationError`` with ``line N: field`` paths) and nothing
    is written unless there is none; a file that changes nothing writes nothing, not even its
    audit record (uploading the same file again changes nothing)."""
    vocab = vocabulary(school=school)
    plan = tools_plan(school=school, rows=rows, vocab=vocab)
    errors = {f"line {p.line}: {name}": messages for p in plan for name, messages in p.errors.items()}
    if errors:
        raise ApplicationError(_("The file was not imported: nothing was written. Correct the lines marked."), errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for planned, row in zip(plan, rows):
        data = {k: v for k, v in row.items() if k != "line"}
        if planned.status == "new":
            tool_create(school=school, data=data, actor=actor, vocab=vocab)
            counts["created"] += 1
        elif planned.status == "updated":
            tool_update(tool=planned.tool, data=data, actor=actor, vocab=vocab)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    if counts["created"] or counts["updated"]:
        audit_record(actor=actor, action="registry.tools.import", school_id=school.pk, detail=counts)
    return counts
