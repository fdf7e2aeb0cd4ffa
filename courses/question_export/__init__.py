"""Vigil items → Moodle XML or GIFT question files, with a report of what each item became.

``package_questions_export`` works on a package document (``serialize.version_to_package``)
and needs no database; ``version_questions_export`` reads a version and its media first.
Which item becomes which Moodle question is one mapping per item type
(``mappings.MAPPINGS``); the writers are ``moodle_xml`` and ``gift``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from .gift import write_gift
from .mappings import MAPPINGS, LeftOut, Question, Source
from .moodle_xml import write_moodle_xml

FORMATS = {"moodle-xml": ("xml", "application/xml"), "gift": ("txt", "text/plain")}


@dataclass
class ExportLine:
    """What one item became: exported as a Moodle type (with what it lost), or left out and why."""

    where: str  # module / case / item slug
    type: str  # the Vigil item type
    moodle_type: str = ""  # "" when left out
    losses: list[str] = field(default_factory=list)
    reason: str = ""  # left out: why

    @property
    def exported(self) -> bool:
        return bool(self.moodle_type)


@dataclass
class QuestionExport:
    content: bytes
    format: str
    lines: list[ExportLine]

    @property
    def exported(self) -> int:
        return sum(line.exported for line in self.lines)

    @property
    def left_out(self) -> list[ExportLine]:
        return [line for line in self.lines if not line.exported]

    @property
    def with_losses(self) -> list[ExportLine]:
        return [line for line in self.lines if line.exported and line.losses]

    def as_json(self) -> dict:
        by_type: dict[str, int] = {}
        for line in self.lines:
            if line.exported:
                by_type[line.moodle_type] = by_type.get(line.moodle_type, 0) + 1
        return {"format": self.format, "exported": self.exported, "by_type": by_type,
                "left_out": [{"where": line.where, "type": line.type, "reason": line.reason} for line in self.left_out],
                "losses": [{"where": line.where, "type": line.type, "moodle_type": line.moodle_type,
                            "losses": line.losses} for line in self.with_losses],
                "items": [asdict(line) for line in self.lines]}


def package_sources(package: dict, selected: set[tuple[str, str, str]] | None = None,
                    module: str | None = None) -> list[Source]:
    """The items of a package in order, with their case, module and AI output; only those of
    ``module`` (a slug) or ``selected`` ((module, case, item) slugs) when given."""
    sources = []
    for mod in package.get("modules") or []:
        if module is not None and mod.get("slug") != module:
            continue
        for case in mod.get("cases") or []:
            artifacts = {a.get("slug"): a for a in case.get("artifacts") or []}
            for item in case.get("items") or []:
                if selected is not None and (mod.get("slug"), case.get("slug"), item.get("slug")) not in selected:
                    continue
                sources.append(Source(mod, case, item, artifacts.get(item.get("artifact"))))
    return sources


def where(source: Source) -> str:
    return f"{source.module.get('slug')} / {source.case.get('slug')} / {source.item.get('slug')}"


def questions_export(sources: Iterable[Source], *, fmt: str, read: Callable[[str], bytes | None],
                     title: str = "") -> QuestionExport:
    """The file of ``sources`` in ``fmt`` (``moodle-xml`` or ``gift``) and its report."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    lines: list[ExportLine] = []
    questions: list[tuple[Question, ExportLine]] = []
    for source in sources:
        line = ExportLine(where(source), source.item.get("type", ""))
        mapping = MAPPINGS.get(line.type)
        if mapping is None:
            line.reason = _("Vigil cannot export items of type %(type)s yet") % {"type": line.type}
        else:
            try:
                question = mapping(source)
            except LeftOut as exc:
                line.reason = str(exc)
            else:
                line.moodle_type = question.qtype
                questions.append((question, line))
        lines.append(line)
    comment = _("Exported from Vigil: %(title)s. %(count)s questions.") % {"title": title, "count": len(questions)}
    only = [question for question, _line in questions]
    content = write_moodle_xml(only, read, comment=comment) if fmt == "moodle-xml" else write_gift(only, comment=comment)
    for question, line in questions:  # the writers add what their format cannot carry
        line.losses = list(dict.fromkeys(question.losses))
    return QuestionExport(content=content, format=fmt, lines=lines)


def version_questions_export(*, version, fmt: str, module: str | None = None,
                             selected: set[tuple[str, str, str]] | None = None) -> QuestionExport:
    """The questions of a course version (all, one module's, or the chosen (module, case,
    item) slugs) as a Moodle XML or GIFT file, its media read from the version's files."""
    return version_questions_exports(version=version, fmts=(fmt,), module=module, selected=selected)[fmt]


def version_questions_exports(*, version, fmts: tuple[str, ...], module: str | None = None,
                              selected: set[tuple[str, str, str]] | None = None) -> dict[str, QuestionExport]:
    """``version_questions_export`` in several formats, the version read once."""
    from ..models import MediaAsset
    from ..packages.serialize import version_to_package

    package = version_to_package(version)
    assets = {asset.path: asset for asset in MediaAsset.objects.filter(version=version)}
    cache: dict[str, bytes | None] = {}

    def read(path: str) -> bytes | None:
        if path not in cache:
            asset = assets.get(path)
            try:
                with asset.file.open("rb") as handle:
                    cache[path] = handle.read()
            except (AttributeError, OSError):
                cache[path] = None
        return cache[path]

    title = _("%(title)s, version %(number)s") % {"title": version.title, "number": version.number}
    sources = package_sources(package, selected, module)
    return {fmt: questions_export(sources, fmt=fmt, read=read, title=title) for fmt in fmts}


def export_filename(course_slug: str, version_number: int, fmt: str, module: str | None = None) -> str:
    extension = FORMATS[fmt][0]
    return f"{course_slug}-v{version_number}{'-' + module if module else ''}-questions.{extension}"
