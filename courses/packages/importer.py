"""Importing a course package: validate everything, then write everything or nothing.

Order matters. The whole document is checked first (schema, references, taxonomy codes,
media, every item's key) and every problem is reported at once; only a valid package
touches the database, in one transaction, so a failed import leaves no half-written
course. Media bytes are stored before that transaction under their content hash: a
rollback can leave an unreferenced file behind, never a row pointing at nothing.

A slug that exists gets a new draft version (published versions are never touched); an
existing draft is replaced, keeping its number and id.
"""
from pathlib import Path

from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from training.errors import Conflict

from ..models import Course, CourseVersion, Item
from .errors import PackageError
from .loader import load_package
from .media import MediaFile, MediaProblem, read_media, store
from .validation import package_problems
from .writer import hours_decimal, write_media, write_tree


class _MediaReader:
    """The importer's media check: reads each referenced file once and keeps it."""

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[str, MediaFile] = {}
        self.problems: dict[str, str] = {}

    def __call__(self, path: str) -> str | None:
        if path not in self.files and path not in self.problems:
            try:
                self.files[path] = read_media(self.root, path)
            except MediaProblem as exc:
                self.problems[path] = str(exc)
        return self.problems.get(path)


def package_import_draft(*, path: Path, user=None) -> CourseVersion:
    """Write the package at ``path`` (course.yaml or its folder) as a draft version, in the
    caller's transaction (``courses.services.course_package_import``, which may publish it).

    Raises PackageError listing every problem when the package is not valid, before writing.
    """
    package = load_package(path)
    media = _MediaReader(package.root)
    problems = package_problems(package.data, media_check=media)
    if problems:
        raise PackageError(problems)
    data = package.data
    names = {media_path: store(file) for media_path, file in media.files.items()}
    version = _draft_for_import(data, user)
    write_tree(version, data)
    write_media(version, list(media.files.values()), names)
    return version


def _draft_for_import(data: dict, user) -> CourseVersion:
    """An empty draft of the package's course: a new course, a new draft, or the emptied draft."""
    fields = {
        "language": data["language"],
        "title": data["title"],
        "summary": data.get("summary", ""),
        "hours": hours_decimal(data.get("hours")),
    }
    translation_of = Course.objects.filter(slug=data["translation_of"]).first() if data.get("translation_of") else None
    course = Course.objects.select_for_update().filter(slug=data["slug"]).first()
    if course is None:
        course = Course.objects.create(slug=data["slug"], owner=user, translation_of=translation_of)
        return CourseVersion.objects.create(course=course, number=1, created_by=user, **fields)
    if course.translation_of_id != (translation_of.id if translation_of else None):
        course.translation_of = translation_of
        course.save(update_fields=["translation_of"])
    draft = CourseVersion.objects.select_for_update().filter(
        course=course, status=CourseVersion.Status.DRAFT,
    ).first()
    if draft is None:
        number = (course.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        return CourseVersion.objects.create(course=course, number=number, created_by=user, **fields)
    try:
        # Items first: Item.artifact is PROTECT, so a case cannot cascade to both at once.
        Item.objects.filter(case__module__version=draft).delete()
        draft.modules.all().delete()
    except ProtectedError:
        raise Conflict(_("The current draft of %(slug)s has answers (previews) and cannot be replaced.") % {
            "slug": course.slug,
        }) from None
    draft.media.all().delete()
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save(update_fields=list(fields))
    return draft
