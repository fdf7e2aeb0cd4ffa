"""Reading course.yaml: where the package is, and YAML that means what it says.

PyYAML silently keeps the last of two equal keys in a mapping; an author who pastes a
second ``key:`` into an item would lose the first without a word, so duplicates are an
error here. Only safe YAML is read (no Python objects), and anchors/aliases are refused:
a package has no need for them, and nested aliases ("billion laughs": 408 bytes that
expand to gigabytes) turn a small upload into an exponential amount of work. The text is
also capped in size and nesting depth. ``load_yaml`` is the one way YAML is read in
Vigil: it checks the parser's events first (linear, stopping at the first anchor, alias
or level too deep) and only then builds the data.
"""
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from .errors import PackageError

PACKAGE_FILE = "course.yaml"
MAX_YAML_CHARS = 5 * 1024 * 1024  # the demo course is 0.2 MiB
MAX_YAML_DEPTH = 40
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Package:
    root: Path  # the folder media paths are relative to
    file: Path
    data: Any


class _Loader(_Base):
    """Safe YAML whose mappings refuse duplicate keys (after ``_check_events``)."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    seen = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            continue  # construct_mapping reports unhashable keys itself
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, _("duplicate key %(key)s") % {"key": key}, key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def package_file(path: Path) -> Path:
    """course.yaml itself, whether ``path`` names the file or its folder."""
    path = Path(path)
    return path / PACKAGE_FILE if path.is_dir() else path


def load_package(path: Path) -> Package:
    """The package at ``path``. A file that cannot be read is named as the author knows it
    (course.yaml), never by where the server keeps or unpacked it."""
    file = package_file(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackageError([("", _("no such file: %(path)s") % {"path": file.name})]) from None
    except UnicodeDecodeError as exc:
        raise PackageError([("", _("cannot read %(path)s: it is not UTF-8 text (byte %(position)d)") % {
            "path": file.name, "position": exc.start})]) from None
    except OSError as exc:
        raise PackageError([("", _("cannot read %(path)s: %(reason)s") % {
            "path": file.name, "reason": exc.strerror or type(exc).__name__})]) from None
    return Package(root=file.parent, file=file, data=load_yaml(text))


def peek_slug(path: Path) -> str:
    """The slug course.yaml names (PackageError if the YAML is refused), to check who owns
    the course before importing."""
    data = load_package(path).data
    return str(data.get("slug", "")) if isinstance(data, dict) else ""


def load_yaml(text: str) -> Any:
    """The data of a YAML text, or PackageError: no anchors or aliases, no duplicate keys,
    at most MAX_YAML_CHARS characters and MAX_YAML_DEPTH levels."""
    if len(text) > MAX_YAML_CHARS:
        raise PackageError([("", _("the YAML text has %(size)s characters; at most %(max)s are accepted") % {
            "size": len(text), "max": MAX_YAML_CHARS,
        })])
    try:
        _check_events(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise PackageError([("", _yaml_message(exc))]) from None
    except RecursionError:
        raise PackageError([("", _("not valid YAML: nested too deeply"))]) from None


def _check_events(text: str) -> None:
    """Refuse anchors, aliases and deep nesting before anything is built from the text."""
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, _("aliases (*name) are not supported in course packages"), event.start_mark,
            )
        if getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, _("anchors (&name) are not supported in course packages"), event.start_mark,
            )
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, _("nested more than %(max)s levels deep") % {"max": MAX_YAML_DEPTH}, event.start_mark,
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return _("not valid YAML: %(problem)s") % {"problem": problem}
    return _("not valid YAML at line %(line)d, column %(column)d: %(problem)s") % {
        "line": mark.line + 1, "column": mark.column + 1, "problem": problem,
    }
