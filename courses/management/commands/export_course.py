"""``manage.py export_course SLUG PATH [--version N]``: write a course as a package.

Without ``--version``, the latest published version is exported (or the draft when none
is published). PATH is the folder to write course.yaml and media/ into, or a .yaml file.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.models import Course, CourseVersion
from courses.packages.exporter import course_package_export, export_version
from courses.packages.validation import version_problems
from training.errors import ApplicationError


def course_and_version(slug: str, number: int | None) -> tuple[Course, CourseVersion]:
    """The course and the version to export (``number``, else the latest published, else the
    draft); CommandError saying which is missing."""
    course = Course.objects.filter(slug=slug).first()
    if course is None:
        raise CommandError(_("No course with slug %(slug)s.") % {"slug": slug})
    version = None
    if number is not None:
        version = CourseVersion.objects.filter(course=course, number=number).first()
        if version is None:
            raise CommandError(_("%(slug)s has no version %(number)s.") % {"slug": slug, "number": number})
    try:
        return course, export_version(course, version)
    except ApplicationError as exc:
        raise CommandError(exc.message) from None


class Command(BaseCommand):
    help = "Export a course version as a course package (course.yaml and media/)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Django's own --version (the framework's version) would clash with ours.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the course's slug")
        parser.add_argument("path", type=Path, help="folder to write into, or a .yaml file")
        parser.add_argument("--version", type=int, dest="number", help="version number (default: latest published)")

    def handle(self, *args, slug: str, path: Path, number: int | None, **options):
        course, version = course_and_version(slug, number)
        try:
            file = course_package_export(course=course, path=path, version=version)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(_("Exported %(slug)s version %(number)s to %(path)s.") % {
            "slug": slug, "number": version.number, "path": file,
        }))
        if version.status == CourseVersion.Status.DRAFT:
            problems = version_problems(version=version)
            if problems:  # a draft may not be finished: say what its package lacks to import again
                self.stderr.write(_("This draft's package will not import until these are fixed:"))
                for path, message in problems:
                    self.stderr.write(f"{path}: {message}" if path else message)
