"""Questions from a Moodle XML, GIFT or cloze text file into a draft (``moodle_xml``, ``gift``,
``cloze_items`` parse them).

Each converted question is checked by the package rules, as an authoring edit is
(``courses.authoring.package_item_problems``); the kept ones are appended to a module of the
draft as new cases, with the media files they show, all or none.
"""
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import PurePosixPath

from django.db import transaction
from django.utils.translation import gettext as _

from training.errors import ApplicationError

from .authoring import lock_draft, module_create, next_position, package_item_problems, unique_slug
from .models import Case, CourseVersion, Item, MediaAsset, Module
from .packages.media import MediaFile, free_media_path, rename_references, store
from .packages.aiken import looks_like_aiken, parse_aiken
from .packages.cloze_items import is_cloze_file, parse_cloze_file
from .packages.gift import parse_gift
from .packages.moodle_xml import MediaLine, Skipped, parse_moodle_xml
from .packages.writer import write_artifacts, write_items, write_media


@transaction.atomic
def draft_cases_append(*, version: CourseVersion, module: Module | None, module_title: str,
                       cases: list[dict]) -> tuple[Module, list[Case]]:
    """Write validated package cases into the draft: into ``module``, or a new module.

    ``cases`` are package dicts (already checked by the caller); their slugs are made
    unique within the module here. Returns the module and the new cases, in order (the
    report links each question to its case).
    """
    version = lock_draft(version.pk)
    if module is None:
        module = module_create(version=version, title=module_title)
    elif module.version_id != version.pk:
        raise ApplicationError(_("Choose a module of the draft."), {"module": [_("Not a module of this draft.")]})
    taken = set(Case.objects.filter(module=module).values_list("slug", flat=True))
    position = next_position(Case.objects.filter(module=module))
    rows = []
    for offset, data in enumerate(cases):
        slug = unique_slug("", data["slug"], taken, {}, fallback="imported")
        taken.add(slug)
        data["slug"] = slug
        rows.append(Case(module=module, slug=slug, position=position + offset, title=data["title"],
                         vignette=data.get("vignette", "")))
    rows = Case.objects.bulk_create(rows)
    artifacts = write_artifacts(rows, cases)
    write_items(rows, cases, artifacts)
    return module, rows


def _draft_media_add(version: CourseVersion, files: list[MediaFile]) -> dict[str, str]:
    """Attach imported media to the locked draft; returns {path given: path in the draft}
    for the paths that changed.

    A file whose bytes the draft already has is that media row; a file whose path the
    draft uses for other bytes gets a free path.
    """
    if not files:
        return {}
    rows = dict(MediaAsset.objects.filter(version=version).values_list("path", "sha256"))
    by_hash = {sha256: path for path, sha256 in rows.items()}
    taken = set(rows) | {file.path for file in files}
    renamed, new = {}, []
    for file in files:
        target = by_hash.get(file.sha256)
        if target is None:
            target = free_media_path(file.path, taken) if file.path in rows else file.path
            taken.add(target)
            new.append(replace(file, path=target))
        if target != file.path:
            renamed[file.path] = target
    write_media(version, new, {file.path: file.storage_name for file in new})
    return renamed


class NoQuestionImported(ApplicationError):
    """No question of the file could be imported; ``skipped`` says why for each (a caller
    reporting per question, as ``import_questions`` does, reads it rather than the message)."""

    def __init__(self, skipped: list[Skipped]):
        super().__init__(_("No question could be imported; nothing was changed."), {
            "file": [f"{s.where}: {s.reason}" for s in skipped] or [_("The file holds no question.")],
        })
        self.skipped = skipped


@dataclass
class QuestionLine:
    """What one imported question became: an item of which type, in which module and case,
    and what of it was dropped on the way (with why), so an author can check it."""

    where: str  # as the parser names it: "question 3 (Sepsis bundle)"
    type: str  # the item type (Item.Type)
    module: str  # titles, as they were at import
    case: str
    case_id: int | None = None
    dropped: list[str] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return dict(Item.Type.choices).get(self.type, self.type)


@dataclass
class QuestionsReport:
    """What an import of Moodle XML or GIFT questions did: how many, into which module,
    what each question became, what was left out and why, and what was imported with
    something dropped."""

    imported: int
    module: Module | None
    skipped: list  # of moodle_xml.Skipped
    notes: list
    media: list = field(default_factory=list)  # of moodle_xml.MediaLine, for the imported questions
    questions: list[QuestionLine] = field(default_factory=list)

    @property
    def by_type(self) -> dict[str, int]:
        """How many questions became items of each type (by item type code, sorted)."""
        return dict(sorted(Counter(line.type for line in self.questions).items()))

    @property
    def by_type_labels(self) -> list[tuple[str, int]]:
        labels = dict(Item.Type.choices)
        return [(labels.get(code, code), count) for code, count in self.by_type.items()]

    @property
    def with_dropped(self) -> int:
        return sum(1 for line in self.questions if line.dropped)

    @property
    def other_notes(self) -> list:
        """What the report says of the file as a whole (its encoding converted) or of part of a
        question (a cloze gap): notes no question line holds, so the table alone would hide them."""
        questions = {line.where for line in self.questions}
        return [note for note in self.notes if note.where not in questions]

    def summary(self, prefix: str = "") -> dict:
        """The report as ``import_questions --json`` prints it; ``prefix`` (a file name) is put
        before each "where" when several files are imported."""
        return {
            "imported": self.imported, "by_type": self.by_type,
            "skipped": [{"where": prefix + s.where, "reason": s.reason} for s in self.skipped],
            "dropped": [{"where": prefix + line.where, "type": line.type, "reason": reason}
                        for line in self.questions for reason in line.dropped]
                       + [{"where": prefix + note.where, "type": "", "reason": note.reason}
                          for note in self.other_notes],
        }

    @property
    def media_imported(self) -> int:
        """How many files joined the draft's media (a file several questions show counts once)."""
        return len({line.path for line in self.media if line.path})

    @property
    def media_skipped(self) -> int:
        return sum(1 for line in self.media if line.reason)

    def as_json(self) -> dict:
        """The report as an import job keeps it (``ImportJob.result``)."""
        return {
            "imported": self.imported, "module": self.module.pk if self.module else None,
            "skipped": [asdict(s) for s in self.skipped], "notes": [asdict(n) for n in self.notes],
            "media": [asdict(line) for line in self.media],
            "questions": [asdict(line) for line in self.questions], "by_type": self.by_type,
        }

    @classmethod
    def from_json(cls, data: dict) -> "QuestionsReport":
        module = Module.objects.filter(pk=data.get("module")).first() if data.get("module") else None
        return cls(
            imported=data.get("imported", 0), module=module,
            skipped=[Skipped(**s) for s in data.get("skipped", [])],
            notes=[Skipped(**n) for n in data.get("notes", [])],
            media=[MediaLine(**line) for line in data.get("media", [])],
            questions=[QuestionLine(**line) for line in data.get("questions", [])],
        )


# The formats a question file may be read as (``import_questions --format``), each its parser
# ``(data, *, source_name, competency) -> QuestionImport``.
QUESTION_FORMATS: dict[str, Callable] = {
    "moodle-xml": parse_moodle_xml,
    "gift": parse_gift,
    "aiken": parse_aiken,
    "cloze": parse_cloze_file,
}


def question_format_detect(data: bytes, name: str) -> str:
    """The format a question file is written in: Moodle XML by its name or first bytes, cloze
    text (gaps ``{1:MULTICHOICE:…}`` and no GIFT answer block), Aiken by its content, else GIFT."""
    if name.lower().endswith(".xml") or data.removeprefix(b"\xef\xbb\xbf").lstrip()[:5] in (b"<?xml", b"<quiz"):
        return "moodle-xml"
    if is_cloze_file(data):
        return "cloze"
    if looks_like_aiken(data):
        return "aiken"
    return "gift"


def question_file_parse(*, data: bytes, name: str, competency: str, fmt: str | None = None):
    """A question file parsed as ``fmt`` (a key of QUESTION_FORMATS), else as the format its
    name or content say; PackageError if unreadable."""
    name = PurePosixPath(name or "questions").name
    return QUESTION_FORMATS[fmt or question_format_detect(data, name)](data, source_name=name, competency=competency)


def questions_import(*, version: CourseVersion, parsed, module: Module | None = None, module_title: str = "",
                     on_progress: Callable[[int, int], None] | None = None) -> QuestionsReport:
    """Add the questions of a parsed Moodle XML or GIFT file to the draft, all or none.

    Each converted question is checked by the package rules (its item type's
    ``validate_key`` included); one that fails is left out and reported with the reason,
    the others are written in one transaction. Nothing is written when none is left.
    The media files the kept questions show are stored first (under their content hash,
    as the package importer does) and join the draft's media in that transaction.
    ``on_progress(done, total)`` is told after each question checked.
    """
    total = sum(len(case["items"]) for case in parsed.cases)
    done = 0
    skipped = list(parsed.skipped)
    cases = []
    kept_where: list[list[str]] = []  # per kept case, the "where" of each kept item
    text_where: set[str] = set()  # the descriptions that became a kept case's vignette
    for case_index, case in enumerate(parsed.cases):
        kept, wheres = [], []
        for item_index, item in enumerate(case["items"]):
            errors = package_item_problems(item=item, media_paths=set(parsed.files))
            where = parsed.sources.get((case_index, item_index), item.get("slug", ""))
            if errors:
                reasons = "; ".join(f"{path}: {message}" for path, messages in errors.items() for message in messages)
                skipped.append(Skipped(where, reasons))
            else:
                kept.append(item)
                wheres.append(where)
            done += 1
            if on_progress is not None and (done % 25 == 0 or done == total):
                on_progress(done, total)
        if kept:
            cases.append({**case, "items": kept})
            kept_where.append(wheres)
            text_where.update(getattr(parsed, "case_texts", {}).get(case_index, ()))  # its vignette's media
    if not cases:
        raise NoQuestionImported(skipped)
    imported_where = {where for wheres in kept_where for where in wheres} | text_where
    media = [line for line in parsed.media if line.where in imported_where]
    shown = {line.path for line in media if line.status == MediaLine.IMPORTED}
    files = [file for path, file in parsed.files.items() if path in shown]
    for file in files:
        store(file)
    with transaction.atomic():
        renamed = _draft_media_add(lock_draft(version.pk), files)
        target, rows = draft_cases_append(
            version=version, module=module,
            module_title=module_title or getattr(parsed, "category_prefix", "") or _("Imported questions"),
            cases=rename_references(cases, renamed) if renamed else cases,
        )
    media = [replace(line, path=renamed.get(line.path, line.path)) for line in media]
    return QuestionsReport(imported=sum(len(c["items"]) for c in cases), module=target, skipped=skipped,
                           notes=list(parsed.notes), media=media,
                           questions=_question_lines(target, rows, cases, kept_where, parsed.notes, media))


def _question_lines(module: Module, rows: list[Case], cases: list[dict], wheres: list[list[str]],
                    notes: list[Skipped], media: list[MediaLine]) -> list[QuestionLine]:
    """One line per imported question, in the order of the draft; its notes and the files
    of it that could not be imported are what it dropped."""
    dropped: dict[str, list[str]] = {}
    for note in notes:
        dropped.setdefault(note.where, []).append(note.reason)
    for line in media:
        if line.status == MediaLine.SKIPPED:
            dropped.setdefault(line.where, []).append(
                _("%(name)s was not imported: %(reason)s") % {"name": line.name, "reason": line.reason})
    return [
        QuestionLine(where=where, type=item["type"], module=module.title, case=row.title, case_id=row.pk,
                     dropped=dropped.get(where, []))
        for row, case, case_wheres in zip(rows, cases, wheres, strict=True)
        for where, item in zip(case_wheres, case["items"], strict=True)
    ]
