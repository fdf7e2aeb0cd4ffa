"""Fixtures of the course tests: a copy of the minimal package each test may edit."""
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

PACKAGES = Path(__file__).parent / "packages"


@pytest.fixture
def package(tmp_path) -> Path:
    """A writable copy of tests/courses/packages/minimal (course.yaml and media/)."""
    target = tmp_path / "package"
    shutil.copytree(PACKAGES / "minimal", target)
    return target


def edit_package(package: Path, change: Callable[[dict], None]) -> None:
    """Load course.yaml, let ``change`` mutate the data, write it back."""
    file = package / "course.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    change(data)
    file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def edit(package) -> Callable[[Callable[[dict], None]], None]:
    return lambda change: edit_package(package, change)


@pytest.fixture
def published(package):
    """The minimal package imported and published (version 1 of course ``mini-course``)."""
    from courses.services import course_package_import

    return course_package_import(path=package, publish=True)
