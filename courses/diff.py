"""What changed between two versions of a course (a read for the studio's diff page).

Both versions are taken in their package form (``version_to_package``), the form authors
know from the YAML files, and matched by slug at every level: a module, lesson, case,
artifact or item is added, removed, changed (with the fields that differ, keys included)
or moved. Comparing the canonical documents means the diff says exactly what an export of
each version would show.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import CourseVersion
from .packages.serialize import version_to_package

VERSION_FIELDS = ("title", "summary", "hours", "language")
MODULE_FIELDS = ("title", "summary", "feedback_policy")
LESSON_FIELDS = ("title", "body")
CASE_FIELDS = ("title", "vignette")
ARTIFACT_FIELDS = ("kind", "title", "source", "content", "ground_truth")
ITEM_FIELDS = ("type", "artifact", "prompt", "competencies", "failure_modes", "spec", "key", "rationale")


@dataclass
class FieldChange:
    name: str
    old: Any
    new: Any


@dataclass
class Change:
    """One row of the diff: a thing at ``path`` (slugs joined by /) and what happened to it."""

    level: str  # course | module | lesson | case | artifact | item
    path: str
    title: str
    status: str  # added | removed | changed | moved
    fields: list[FieldChange] = field(default_factory=list)


def _title(data: dict) -> str:
    return str(data.get("title") or data.get("prompt") or data.get("slug") or "")


def _fields(old: dict, new: dict, names: tuple[str, ...]) -> list[FieldChange]:
    return [FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]


def _compare_lists(out: list[Change], level: str, parent: str, old: list, new: list, names: tuple[str, ...],
                   children=None) -> None:
    old_by = {d.get("slug"): (i, d) for i, d in enumerate(old or [])}
    new_by = {d.get("slug"): (i, d) for i, d in enumerate(new or [])}
    old_order = [s for s in (d.get("slug") for d in old or []) if s in new_by]
    new_order = [s for s in (d.get("slug") for d in new or []) if s in old_by]
    for slug, (_i, data) in new_by.items():
        path = f"{parent}/{slug}" if parent else str(slug)
        if slug not in old_by:
            out.append(Change(level, path, _title(data), "added"))
            continue
        before = old_by[slug][1]
        changes = _fields(before, data, names)
        moved = old_order.index(slug) != new_order.index(slug)
        if changes or moved:
            out.append(Change(level, path, _title(data), "changed" if changes else "moved", changes))
        if children:
            children(out, path, before, data)
    for slug, (_i, data) in old_by.items():
        if slug not in new_by:
            out.append(Change(level, f"{parent}/{slug}" if parent else str(slug), _title(data), "removed"))


def _case_children(out: list[Change], path: str, old: dict, new: dict) -> None:
    _compare_lists(out, "artifact", path, old.get("artifacts"), new.get("artifacts"), ARTIFACT_FIELDS)
    _compare_lists(out, "item", path, old.get("items"), new.get("items"), ITEM_FIELDS)


def _module_children(out: list[Change], path: str, old: dict, new: dict) -> None:
    _compare_lists(out, "lesson", path, old.get("lessons"), new.get("lessons"), LESSON_FIELDS)
    _compare_lists(out, "case", path, old.get("cases"), new.get("cases"), CASE_FIELDS, _case_children)


def document_diff(old: dict, new: dict) -> list[Change]:
    """The changes from package document ``old`` to ``new``, in the order of ``new``."""
    out: list[Change] = []
    changes = _fields(old, new, VERSION_FIELDS)
    if changes:
        out.append(Change("course", "", _title(new), "changed", changes))
    _compare_lists(out, "module", "", old.get("modules"), new.get("modules"), MODULE_FIELDS, _module_children)
    return out


def version_diff(*, old: CourseVersion, new: CourseVersion) -> list[Change]:
    """The changes from version ``old`` to version ``new`` of a course (16 queries)."""
    return document_diff(version_to_package(old), version_to_package(new))
