"""``manage.py import_questions PATH --course SLUG [--module SLUG] [--format F] [--competency CODE] [--json]``.

For faculty and admins with whole folders of banks: PATH is a question file, or a folder
whose banks (``.xml``, ``.gift``, ``.txt``, found recursively, in name order) are imported
in turn; other files are reported and skipped. The questions go into the course's draft,
made from the latest version when there is none. Each file is imported all or none, as an
upload in the studio is (``question_import.questions_import``): without ``--module`` into a
new module named after the file, with it into that module of the draft. The format is
read from each file's content unless ``--format`` says it.

It prints, as ``export_questions`` does, what each question became (``--json``:
``{"imported", "by_type", "skipped": [{where, reason}], "dropped": [{where, type, reason}]}``,
each "where" starting with the file's path inside PATH for a folder). The exit status is
non-zero when nothing could be imported; the draft is then left as it was (not even made).
"""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import Competency, Course, CourseVersion, Module
from courses.packages.errors import PackageError
from courses.question_import import QUESTION_FORMATS, NoQuestionImported, question_file_parse, questions_import
from courses.selectors import course_draft
from courses.services import course_version_create_draft
from training.errors import ApplicationError

# The files of a folder read as question banks; any other is reported and skipped.
BANK_SUFFIXES = (".xml", ".gift", ".txt", ".aiken")


class _NothingImported(Exception):
    """Raised inside the transaction so that a draft made for nothing is not kept."""


class Command(BaseCommand):
    help = "Import a question bank (Moodle XML, GIFT…) or a folder of banks into a course's draft."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a question file, or a folder of them (read recursively)")
        parser.add_argument("--course", required=True, help="the course's slug")
        parser.add_argument("--module", help="add the questions to this module of the draft (its slug); "
                                             "default: a new module per file")
        parser.add_argument("--format", dest="fmt", choices=sorted(QUESTION_FORMATS),
                            help="read every file as this format (default: detected from each file)")
        parser.add_argument("--competency", default="FND", help="competency code of the imported items (default FND)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, path: Path, course: str, module: str | None, fmt: str | None, competency: str,
               json: bool, **options):
        target = Course.objects.filter(slug=course).first()
        if target is None:
            raise CommandError(_("No course with slug %(slug)s.") % {"slug": course})
        if not Competency.objects.filter(code=competency).exists():
            raise CommandError(_("No competency with code %(code)s.") % {"code": competency})
        files = _bank_files(path)
        lines: list[str] = []
        summary = {"imported": 0, "by_type": {}, "skipped": [], "dropped": []}
        try:
            with transaction.atomic():
                draft = _draft(target, module)
                into = Module.objects.filter(version=draft, slug=module).first() if module else None
                for file, name in files:
                    self._import_file(draft, into, file, name, name or str(path), fmt, competency, summary, lines)
                if summary["imported"] == 0:
                    raise _NothingImported
        except _NothingImported:
            self._report(summary, lines, json)
            raise CommandError(_("No question could be imported; nothing was changed.")) from None
        self._report(summary, lines, json)
        if not json:
            self.stdout.write(self.style.SUCCESS(_("Imported %(count)s questions into %(slug)s version %(number)s "
                                                   "(draft).") % {"count": summary["imported"], "slug": course,
                                                                  "number": draft.number}))

    def _import_file(self, draft: CourseVersion, into: Module | None, file: Path | None, name: str, label: str,
                     fmt: str | None, competency: str, summary: dict, lines: list[str]) -> None:
        """One file, all or none; what became of it joins ``summary`` and ``lines``.

        ``name`` is the file's path inside the folder ("" when PATH is the file), put before
        each "where"; ``label`` names the file in lines about the whole file.
        """
        prefix = f"{name}: " if name else ""
        if file is None:  # a file of a kind we do not read
            summary["skipped"].append({"where": label, "reason": _("not a question bank (banks are %(suffixes)s files)")
                                       % {"suffixes": ", ".join(BANK_SUFFIXES)}})
            return
        try:
            data = file.read_bytes()
        except OSError as exc:
            summary["skipped"].append({"where": label, "reason": _("cannot be read: %(reason)s") % {
                "reason": exc.strerror}})
            return
        try:
            with transaction.atomic():
                parsed = question_file_parse(data=data, name=file.name, competency=competency, fmt=fmt)
                report = questions_import(version=draft, parsed=parsed, module=into,
                                          module_title=Path(file.name).stem[:200])
        except PackageError as exc:
            for where, message in exc.errors or [("", exc.message)]:
                summary["skipped"].append({"where": prefix + where if where else label, "reason": message})
            return
        except NoQuestionImported as exc:
            summary["skipped"].extend({"where": prefix + s.where, "reason": s.reason} for s in exc.skipped)
            if not exc.skipped:
                summary["skipped"].append({"where": label, "reason": _("the file holds no question")})
            return
        except ApplicationError as exc:
            summary["skipped"].append({"where": label, "reason": exc.message})
            return
        _merge(summary, report.summary(prefix))
        types = ", ".join(f"{t}: {n}" for t, n in report.by_type.items())
        lines.append(_("%(file)s: %(count)s imported into the module “%(module)s” (%(types)s).") % {
            "file": label, "count": report.imported, "module": report.module.title, "types": types})

    def _report(self, summary: dict, lines: list[str], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        by_type = ", ".join(f"{name}: {count}" for name, count in sorted(summary["by_type"].items()))
        self.stdout.write(_("Imported %(count)s questions (%(types)s).") % {"count": summary["imported"],
                                                                          "types": by_type or "—"})
        for line in lines:
            self.stdout.write(line)
        for line in summary["dropped"]:
            self.stdout.write(_("%(where)s (%(type)s) dropped: %(reason)s") % line)
        for line in summary["skipped"]:
            self.stdout.write(_("%(where)s not imported: %(reason)s") % line)


def _bank_files(path: Path) -> list[tuple[Path | None, str]]:
    """(file, its name for the report) for PATH: the file itself (name ""), or every file of
    the folder by its path inside it, None for those that are not banks."""
    if path.is_file():
        return [(path, "")]
    if not path.is_dir():
        raise CommandError(_("%(path)s is neither a file nor a folder.") % {"path": path})
    found = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        name = file.relative_to(path).as_posix()
        if file.name.startswith("."):
            continue  # .DS_Store, editors' swap files: not the author's banks
        found.append((file if file.suffix.lower() in BANK_SUFFIXES else None, name))
    if not found:
        raise CommandError(_("%(path)s holds no file.") % {"path": path})
    return found


def _draft(course: Course, module: str | None) -> CourseVersion:
    """The course's draft, made from the latest version when there is none."""
    draft = course_draft(course=course)
    if draft is None:
        try:
            draft = course_version_create_draft(course=course, user=None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
    if module and not Module.objects.filter(version=draft, slug=module).exists():
        slugs = ", ".join(Module.objects.filter(version=draft).order_by("position").values_list("slug", flat=True))
        raise CommandError(_("The draft of %(course)s has no module %(module)s (its modules: %(slugs)s).") % {
            "course": course.slug, "module": module, "slugs": slugs or "—"})
    return draft


def _merge(summary: dict, part: dict) -> None:
    summary["imported"] += part["imported"]
    for name, count in part["by_type"].items():
        summary["by_type"][name] = summary["by_type"].get(name, 0) + count
    summary["by_type"] = dict(sorted(summary["by_type"].items()))
    summary["skipped"].extend(part["skipped"])
    summary["dropped"].extend(part["dropped"])

