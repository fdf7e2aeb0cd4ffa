"""Writes of course content (HackSoft style: keyword-only, typed, one home per change).

Published content is immutable: attempts point at the version they were taken on, so a
version, once published, is never edited. Authors work on the course's single draft
(``ensure_editable`` guards every edit), which starts as a deep copy of the latest
version, and publishing validates that draft with the very rules a course package meets.
Functions that are a whole operation (creating a draft, publishing) own their
transaction and lock the rows they change; the others run in the caller's.
"""
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from training.errors import ApplicationError, Conflict

from .models import Artifact, Case, Course, CourseVersion, Item, ItemKey, Lesson, MediaAsset, Module
from .packages.errors import PackageError, problems_by_path
from .packages.importer import package_import_draft
from .packages.validation import version_problems
from .selectors import course_latest_version

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VERSION_FIELDS = ("title", "summary", "hours")


def ensure_editable(version: CourseVersion) -> None:
    """Refuse any change to a version that is not a draft (409 Conflict).

    Callers check a row they have locked (or re-check with a guarded UPDATE): a stale
    instance may still say "draft" after a concurrent publish.
    """
    if version.status != CourseVersion.Status.DRAFT:
        raise Conflict(_("Published versions are immutable; create a draft."))


def course_create(*, slug: str, title: str, language: str, user, school=None) -> Course:
    """Create a course and its first, empty draft (version 1)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > 100:
        errors["slug"] = [_("Use lowercase letters, digits and hyphens (at most 100 characters).")]
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        errors["title"] = [_("Give a title of 1 to 200 characters.")]
    languages = [code for code, _name in CourseVersion._meta.get_field("language").choices]
    if language not in languages:
        errors["language"] = [_("Must be one of: %(choices)s.") % {"choices": ", ".join(languages)}]
    if errors:
        raise ApplicationError(_("The course cannot be created."), errors)
    duplicate = Conflict(_("A course with this slug already exists."), {"slug": [_("Already used.")]})
    if Course.objects.filter(slug=slug).exists():
        raise duplicate
    try:
        with transaction.atomic():
            course = Course.objects.create(slug=slug, school=school, owner=user)
            CourseVersion.objects.create(
                course=course, number=1, status=CourseVersion.Status.DRAFT, language=language,
                title=title.strip(), created_by=user,
            )
    except IntegrityError:  # created concurrently between the check and the insert
        raise duplicate from None
    return course


def course_version_update(*, version: CourseVersion, **fields) -> CourseVersion:
    """Change the title, summary or hours of a draft."""
    unknown = sorted(set(fields) - set(VERSION_FIELDS))
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed here."), {name: [_("Unknown field.")] for name in unknown},
        )
    ensure_editable(version)
    for name, value in fields.items():
        setattr(version, name, value.strip() if name == "title" and isinstance(value, str) else value)
    exclude = [f.name for f in CourseVersion._meta.fields if f.name not in fields]
    try:
        version.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError(_("The version cannot be changed."), exc.message_dict) from None
    if "hours" in fields and version.hours < 0:
        raise ApplicationError(_("The version cannot be changed."), {"hours": [_("Must not be negative.")]})
    values = {name: getattr(version, name) for name in fields}
    if values and not CourseVersion.objects.filter(pk=version.pk, status=CourseVersion.Status.DRAFT).update(**values):
        raise Conflict(_("Published versions are immutable; create a draft."))
    return version


def course_version_create_draft(*, course: Course, user) -> CourseVersion:
    """A new draft numbered after the latest version, holding a deep copy of its content."""
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        existing = CourseVersion.objects.filter(course=course, status=CourseVersion.Status.DRAFT).first()
        if existing is not None:
            raise Conflict(_("This course already has a draft (version %(number)s).") % {"number": existing.number})
        source = course_latest_version(course=course)
        if source is None:
            raise ApplicationError(_("This course has no version to copy."))
        draft = CourseVersion.objects.create(
            course=course, number=source.number + 1, status=CourseVersion.Status.DRAFT,
            language=source.language, title=source.title, summary=source.summary, hours=source.hours,
            created_by=user,
        )
        _copy_tree(source, draft)
    return draft


def course_version_publish(*, version: CourseVersion, user) -> CourseVersion:
    """Publish a complete draft; otherwise say what is missing, at package paths."""
    with transaction.atomic():
        version = CourseVersion.objects.select_for_update().select_related("course").get(pk=version.pk)
        if version.status != CourseVersion.Status.DRAFT:
            raise Conflict(_("Only a draft can be published; this version is %(status)s.") % {
                "status": version.get_status_display(),
            })
        problems = version_problems(version=version)
        if problems:
            raise ApplicationError(_("This version is not complete and cannot be published."), problems_by_path(problems))
        version.status = CourseVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
    return version


def course_version_withdraw(*, version: CourseVersion, user) -> CourseVersion:
    """Take a published version out of use; trainees fall back to the previous one.

    Its content stays (attempts taken on it keep pointing at it). Withdrawing twice is
    harmless.
    """
    with transaction.atomic():
        version = CourseVersion.objects.select_for_update().get(pk=version.pk)
        if version.status == CourseVersion.Status.WITHDRAWN:
            return version
        if version.status != CourseVersion.Status.PUBLISHED:
            raise Conflict(_("Only a published version can be withdrawn."))
        version.status = CourseVersion.Status.WITHDRAWN
        version.save(update_fields=["status"])
    return version


# --- deep copy ----------------------------------------------------------------------

def _clone(obj: models.Model, **overrides) -> models.Model:
    """An unsaved copy of ``obj`` with every concrete field but its primary key."""
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    values.update(overrides)
    return type(obj)(**values)


def _copy_rows(model: type[models.Model], rows: list, parent: str, mapping: dict[int, int], **more) -> dict[int, int]:
    """Copy ``rows`` under their new parents; return {old id: new id}."""
    copies = model.objects.bulk_create([
        _clone(row, **{parent: mapping[getattr(row, parent)]}, **{k: m.get(getattr(row, k)) for k, m in more.items()})
        for row in rows
    ])
    return {row.pk: copy.pk for row, copy in zip(rows, copies)}


def _copy_links(through: type[models.Model], owner: str, mapping: dict[int, int]) -> None:
    """Copy the many-to-many rows of the copied owners (``owner`` is the through FK attname)."""
    other = next(f.attname for f in through._meta.concrete_fields if not f.primary_key and f.attname != owner)
    links = through.objects.filter(**{f"{owner}__in": list(mapping)}).values_list(owner, other)
    through.objects.bulk_create([through(**{owner: mapping[a], other: b}) for a, b in links])


def _copy_tree(source: CourseVersion, target: CourseVersion) -> None:
    """Copy every row under ``source`` into ``target`` (about twenty queries in all)."""
    modules = _copy_rows(Module, list(Module.objects.filter(version=source)), "version_id", {source.pk: target.pk})
    _copy_rows(Lesson, list(Lesson.objects.filter(module__version=source)), "module_id", modules)
    cases = _copy_rows(Case, list(Case.objects.filter(module__version=source)), "module_id", modules)
    artifacts = _copy_rows(Artifact, list(Artifact.objects.filter(case__module__version=source)), "case_id", cases)
    _copy_links(Artifact.failure_modes.through, "artifact_id", artifacts)
    items = _copy_rows(
        Item, list(Item.objects.filter(case__module__version=source)), "case_id", cases, artifact_id=artifacts,
    )
    _copy_rows(ItemKey, list(ItemKey.objects.filter(item__case__module__version=source)), "item_id", items)
    _copy_links(Item.competencies.through, "item_id", items)
    _copy_links(Item.failure_modes.through, "item_id", items)
    _copy_rows(MediaAsset, list(MediaAsset.objects.filter(version=source)), "version_id", {source.pk: target.pk})


def course_package_import(*, path: Path, user=None, publish: bool = False) -> CourseVersion:
    """Import the package at ``path`` (course.yaml or its folder) as a draft version, and with
    ``publish`` publish it at once; all or nothing.

    Raises PackageError listing every problem, with its place in the file, when the package is
    not valid or (with ``publish``) the draft cannot be published.
    """
    with transaction.atomic():  # the import and its publication are one change of the course
        version = package_import_draft(path=path, user=user)
        if publish:
            try:
                version = course_version_publish(version=version, user=user)
            except ApplicationError as exc:
                problems = [(where, message) for where, messages in exc.errors.items() for message in messages]
                raise PackageError(problems or [("", exc.message)], exc.message) from exc
    return version
