"""``manage.py import_course PATH [--publish]``: import a course package as a draft.

Prints every problem as ``path: message`` (one per line, on stderr) and exits with
status 1 when the package is not valid, so a CI job can check content packages.
"""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.models import Case, Item, Lesson, MediaAsset
from courses.packages.errors import PackageError
from courses.services import course_package_import
from courses.packages.loader import package_file
from training.errors import ApplicationError


class Command(BaseCommand):
    help = "Import a course package (course.yaml or its folder) as a new draft version."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="course.yaml, or the folder holding it")
        parser.add_argument("--publish", action="store_true", help="publish the imported version at once")
        parser.add_argument("--user", help="username recorded as the author of the version")

    def handle(self, *args, path: Path, publish: bool, user: str | None, **options):
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(_("No user named %(name)s.") % {"name": user})
        try:
            version = course_package_import(path=path, user=author, publish=publish)
        except PackageError as exc:
            for line in exc.lines(package_file(path).name):
                self.stderr.write(line)
            raise CommandError(exc.message, returncode=1) from None
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=1) from None
        self.stdout.write(self.style.SUCCESS(_(
            "Imported %(slug)s version %(number)s (%(status)s). Modules: %(modules)d, lessons: %(lessons)d, "
            "cases: %(cases)d, items: %(items)d, media files: %(media)d."
        ) % {
            "slug": version.course.slug,
            "number": version.number,
            "status": version.get_status_display(),
            "modules": version.modules.count(),
            "lessons": Lesson.objects.filter(module__version=version).count(),
            "cases": Case.objects.filter(module__version=version).count(),
            "items": Item.objects.filter(case__module__version=version).count(),
            "media": MediaAsset.objects.filter(version=version).count(),
        }))
