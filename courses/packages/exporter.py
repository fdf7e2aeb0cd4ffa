"""Exporting a course version as a package: course.yaml plus its media files.

The YAML is written for people who will edit it: keys in the documented order, lists
indented under their key, multi-line texts as literal blocks (``|``), short lists of
codes inline (``[VER, OVS]``), Unicode as is. The output depends only on the content, so
export → import → export gives the same bytes.
"""
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from training.errors import ApplicationError

from ..models import Course, CourseVersion, MediaAsset
from ..selectors import course_draft, course_latest_published
from .loader import PACKAGE_FILE
from .serialize import version_to_package

_SCALARS = (str, int, float, bool)
_INLINE_LIST_CHARS = 60
_FOLD_ABOVE = 80
_UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)  # "key:\n  - item", as in the docs


def _foldable(value: str) -> bool:
    """Whether a folded block reads back as the same one-line string.

    Folding turns one space into a line break and back; a leading space, runs of
    spaces or tabs would make a line "more indented" and keep its break.
    """
    return value == value.strip() and "  " not in value and "\t" not in value and value.isprintable()


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line texts as literal blocks; long one-liners folded (``>-``) rather than quoted.

    PyYAML falls back to a quoted style by itself whenever a block style could not
    carry the exact string (trailing spaces, control characters).
    """
    if any(char in value for char in _UNICODE_BREAKS):
        style = '"'  # PyYAML writes these raw in other styles and reads them back as breaks
    elif "\n" in value:
        style = "|"
    elif len(value) > _FOLD_ABOVE and _foldable(value):
        style = ">"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _inline(value: list) -> bool:
    if all(isinstance(v, list) for v in value) and value:
        return all(_inline(v) for v in value)
    return (
        all(isinstance(v, _SCALARS) and not (isinstance(v, str) and "\n" in v) for v in value)
        and sum(len(str(v)) for v in value) <= _INLINE_LIST_CHARS
    )


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=_inline(value))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def dump_yaml(data: dict) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=88,
    )


def export_version(course: Course, version: CourseVersion | None) -> CourseVersion:
    """The version to export: the one given, else the latest published, else the draft."""
    if version is not None:
        if version.course_id != course.pk:
            raise ApplicationError(_("This version belongs to another course."))
        return version
    version = course_latest_published(course=course) or course_draft(course=course)
    if version is None:
        raise ApplicationError(_("The course %(slug)s has no version to export.") % {"slug": course.slug})
    return version


def course_package_export(*, course: Course, path: Path, version: CourseVersion | None = None) -> Path:
    """Write the package of ``course`` into the folder ``path`` (or to ``path`` if it names a .yaml file).

    Returns the path of course.yaml. Media files are written beside it, at their package
    paths (media/...).
    """
    version = export_version(course, version)
    path = Path(path)
    file = path if path.suffix in (".yaml", ".yml") else path / PACKAGE_FILE
    root = file.parent
    root.mkdir(parents=True, exist_ok=True)
    file.write_text(dump_yaml(version_to_package(version)), encoding="utf-8")
    for asset in MediaAsset.objects.filter(version=version).order_by("path"):
        target = (root / asset.path).resolve()
        if root.resolve() not in target.parents:  # paths were checked on import; never trust twice
            raise ApplicationError(_("Unsafe media path %(path)s.") % {"path": asset.path})
        target.parent.mkdir(parents=True, exist_ok=True)
        with asset.file.open("rb") as source:
            target.write_bytes(source.read())
    return file
