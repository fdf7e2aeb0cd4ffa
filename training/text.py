"""Text the database can store: the check for every place where users' text comes in.

PostgreSQL refuses the NUL character (U+0000) in ``text`` and ``jsonb`` columns, and a lone
surrogate (U+D800 to U+DFFF, which JSON's and YAML's ``"\\ud800"`` escapes produce) is not a
character at all: it cannot be encoded as UTF-8, neither for the database nor for a JSON reply
that echoes it. Either one, left in, becomes a server error; ``unstorable`` finds them, each
at its path (``answer.spans[0].correction``, ``modules[1].title``), so that the caller
answers 400 instead and writes nothing.

It is asked by the API's JSON parser (``training.parsers``: every JSON body, whatever the
endpoint), by the answer services (the trainee pages post forms), by course package
validation (imports, the studio's editors, publishing) and by the studio's other free-text
fields. Django's form ``CharField`` and DRF's ``CharField`` already refuse both.
"""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

# An answer or a package with thousands of bad strings needs no more than this many errors.
MAX_REPORTED = 20


def unstorable_character(text: str) -> str | None:
    """The first character of ``text`` that cannot be stored, as ``U+XXXX``; None if there is none."""
    if "\x00" in text:
        return "U+0000"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"U+{ord(text[exc.start]):04X}"
    return None


def visible(text: str) -> str:
    """``text`` with each character that cannot be stored written as ``U+XXXX``: safe to
    show in a message or a path that quotes what a user sent."""
    if unstorable_character(text) is None:
        return text
    return "".join(f"U+{ord(c):04X}" if c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def _join(prefix: str, part: str | int) -> str:
    if isinstance(part, int) and not isinstance(part, bool):
        return f"{prefix}[{part}]"
    return f"{prefix}.{part}" if prefix else str(part)


def unstorable(value: Any, path: str = "") -> list[tuple[str, str]]:
    """(path, message) for each string of ``value`` (nested dicts and lists, their keys
    included) that cannot be stored, in document order, at most ``MAX_REPORTED``.

    A bad key is reported at the path of its object, since the key cannot be shown. The walk
    uses its own stack, so any depth is safe.
    """
    problems: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack and len(problems) < MAX_REPORTED:
        where, item = stack.pop()
        if isinstance(item, str):
            code = unstorable_character(item)
            if code:
                problems.append((where, _("contains the character %(code)s, which cannot be stored") % {"code": code}))
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                code = unstorable_character(key) if isinstance(key, str) else None
                if code:
                    problems.append((where, _("has a field name with the character %(code)s, which cannot be stored")
                                     % {"code": code}))
                else:
                    children.append((_join(where, key if isinstance(key, str) else str(key)), child))
            stack.extend(reversed(children))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed([(_join(where, i), child) for i, child in enumerate(item)]))
    return problems[:MAX_REPORTED]


def unstorable_errors(value: Any, path: str = "") -> dict[str, list[str]]:
    """``unstorable`` in the error shape of ``ApplicationError``: {path: [messages]}."""
    errors: dict[str, list[str]] = {}
    for where, message in unstorable(value, path):
        errors.setdefault(where or "non_field_errors", []).append(message)
    return errors
