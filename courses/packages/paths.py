"""Paths into a package document, written the way authors read them.

``("modules", 2, "cases", 0)`` is ``modules[2].cases[0]``: list indexes in brackets, keys
after dots. The same form is used by the schema errors, the semantic checks, the graders'
FieldError paths (made relative to an item) and the publish check, so one place in the
file always has one name.
"""
import re
from collections.abc import Iterable

_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def join(prefix: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{prefix}[{part}]"
    return f"{prefix}.{part}" if prefix else str(part)


def format_path(parts: Iterable[str | int]) -> str:
    path = ""
    for part in parts:
        path = join(path, part)
    return path


def is_within(path: str, prefix: str) -> bool:
    """Whether ``path`` is ``prefix`` itself or a place inside it."""
    return path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")


def sort_key(path: str) -> tuple:
    """Order paths as they appear in the file (modules[2] before modules[10])."""
    key = []
    for index, name in _TOKEN.findall(path):
        key.append((0, int(index), "") if index else (1, 0, name))
    return tuple(key)
