"""Exporting course packages: the documented format, and a byte-identical round trip."""
from pathlib import Path

import pytest

from courses.models import Course, CourseVersion, Item
from courses.packages.exporter import course_package_export
from courses.services import course_package_import
from courses.services import course_version_create_draft, course_version_update
from tests.factories import UserFactory
from training.errors import ApplicationError

from .conftest import PACKAGES

pytestmark = pytest.mark.django_db


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def empty_the_database() -> None:
    Item.objects.all().delete()  # Item.artifact is PROTECT: items go first
    Course.objects.all().delete()


def test_round_trip_through_an_empty_database_is_byte_identical(package, tmp_path):
    course_package_import(path=package, publish=True)
    course_package_export(course=Course.objects.get(), path=tmp_path / "first")
    empty_the_database()

    course_package_import(path=tmp_path / "first")
    course_package_export(course=Course.objects.get(), path=tmp_path / "second")

    first, second = files_of(tmp_path / "first"), files_of(tmp_path / "second")
    assert list(first) == ["course.yaml", "media/cxr.svg"]
    assert first == second


def test_export_writes_the_documented_format(package, tmp_path):
    """The fixture is written in the canonical form, so its export is the same file."""
    course_package_import(path=package)

    file = course_package_export(course=Course.objects.get(), path=tmp_path / "out")

    assert file.read_text(encoding="utf-8") == (PACKAGES / "minimal" / "course.yaml").read_text(encoding="utf-8")


def test_multi_line_texts_are_literal_blocks(package, tmp_path):
    course_package_import(path=package)

    text = course_package_export(course=Course.objects.get(), path=tmp_path / "out").read_text(encoding="utf-8")

    assert "        body: |\n          Language models predict plausible text.\n\n" in text


def test_unicode_is_written_as_is(package, edit, tmp_path):
    edit(lambda data: data.update(title="Évaluer l’IA en santé"))
    course_package_import(path=package)

    text = course_package_export(course=Course.objects.get(), path=tmp_path / "out").read_text(encoding="utf-8")

    assert "title: Évaluer l’IA en santé\n" in text


def test_export_prefers_the_latest_published_version_to_the_draft(package, tmp_path):
    published = course_package_import(path=package, publish=True)
    draft = course_version_create_draft(course=published.course, user=UserFactory())
    course_version_update(version=draft, title="Work in progress")

    text = course_package_export(course=published.course, path=tmp_path / "out").read_text(encoding="utf-8")

    assert "title: A minimal course\n" in text


def test_export_of_a_given_version(package, tmp_path):
    published = course_package_import(path=package, publish=True)
    draft = course_version_create_draft(course=published.course, user=UserFactory())
    course_version_update(version=draft, title="Work in progress")

    file = course_package_export(course=published.course, path=tmp_path / "out.yaml", version=draft)

    assert file == tmp_path / "out.yaml"
    assert "title: Work in progress\n" in file.read_text(encoding="utf-8")


def test_export_falls_back_to_the_draft(package, tmp_path):
    draft = course_package_import(path=package)

    file = course_package_export(course=draft.course, path=tmp_path / "out")

    assert draft.status == CourseVersion.Status.DRAFT and "slug: mini-course\n" in file.read_text(encoding="utf-8")


def test_export_refuses_a_version_of_another_course(package, edit, tmp_path):
    other = course_package_import(path=package)
    edit(lambda data: data.update(slug="another-course"))
    course = course_package_import(path=package).course

    with pytest.raises(ApplicationError):
        course_package_export(course=course, path=tmp_path / "out", version=other)
