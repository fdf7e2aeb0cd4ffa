"""``manage.py export_questions SLUG PATH --format moodle-xml|gift [--version N] [--module SLUG] [--json]``.

Writes the items of a course version (the latest published, else the draft; or ``--version``)
as a Moodle XML or GIFT question file at PATH (a file, or a folder to write it into), and
prints what each item became: how many exported, by Moodle type, what was lost, what was
left out and why (``--json``: ``{"exported", "by_type", "left_out": [{where, type, reason}],
"losses": [...]}``).
"""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.management.commands.export_course import course_and_version
from courses.question_export import FORMATS, export_filename, version_questions_export


class Command(BaseCommand):
    help = "Export a course's questions as a Moodle XML or GIFT file, with a report of what each item became."

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("conflict_handler", "resolve")  # our --version, not Django's
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the course's slug")
        parser.add_argument("path", type=Path, help="the file to write, or a folder to write it into")
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), required=True)
        parser.add_argument("--version", type=int, dest="number", help="version number (default: latest published)")
        parser.add_argument("--module", help="only this module's items (its slug)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, slug: str, path: Path, fmt: str, number: int | None, module: str | None,
               json: bool, **options):
        _course, version = course_and_version(slug, number)
        if module is not None and not version.modules.filter(slug=module).exists():
            raise CommandError(_("Version %(number)s of %(slug)s has no module %(module)s.") % {
                "number": version.number, "slug": slug, "module": module})
        result = version_questions_export(version=version, fmt=fmt, module=module)
        if result.exported == 0:
            self._report(result, json)
            raise CommandError(_("No item could be exported; nothing was written."))
        target = path / export_filename(slug, version.number, fmt, module) if path.is_dir() else path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(result.content)
        except OSError as exc:
            raise CommandError(_("Cannot write %(path)s: %(reason)s") % {"path": target, "reason": exc.strerror})
        self._report(result, json)
        if not json:
            self.stdout.write(self.style.SUCCESS(_("Wrote %(count)s questions of %(slug)s version %(number)s to "
                                                   "%(path)s.") % {"count": result.exported, "slug": slug,
                                                                   "number": version.number, "path": target}))

    def _report(self, result, as_json: bool) -> None:
        if as_json:
            report = result.as_json()
            report.pop("items")
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        by_type = ", ".join(f"{name}: {count}" for name, count in sorted(result.as_json()["by_type"].items()))
        self.stdout.write(_("Exported %(count)s items (%(types)s).") % {"count": result.exported,
                                                                        "types": by_type or "—"})
        for line in result.with_losses:
            for loss in line.losses:
                self.stdout.write(_("%(where)s (%(type)s → %(moodle)s): %(loss)s") % {
                    "where": line.where, "type": line.type, "moodle": line.moodle_type, "loss": loss})
        for line in result.left_out:
            self.stdout.write(_("%(where)s (%(type)s) left out: %(reason)s") % {
                "where": line.where, "type": line.type, "reason": line.reason})
