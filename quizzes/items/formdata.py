"""Reading posted forms: numbered rows, check boxes, lines and numbers, with unreadable values
reported at their paths (``key.spans[2].end``), shared by the units' editors and the studio's
artifact editors.

Editors post numbered rows (``options-0-text``, ``spans-2-end``…); blank rows are ignored,
so the pages can always offer a few empty rows to fill in.
"""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .numbers import parse_integer, parse_number

Errors = dict[str, list[str]]
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"


def rows(data, prefix: str, fields: tuple[str, ...], *, ignore: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """The non-blank numbered rows ``prefix-N-field`` of a POST, in the order of N."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-")
    indices = sorted({int(m.group(1)) for name in data.keys() if (m := pattern.match(name))})
    out = []
    for i in indices:
        row = {f: (data.get(f"{prefix}-{i}-{f}") or "") for f in fields}
        if any(row[f].strip() for f in fields if f not in ignore):
            row["_posted"] = str(i)
            out.append(row)
    return out


def number_field(errors: Errors, value: str, path: str, *, integer: bool = False, required: bool = False):
    """The number typed in a field (``numbers.parse_number``'s rules), or None with the reason
    at ``path`` in ``errors``; an empty field is None, and an error only when ``required``."""
    value = (value or "").strip()
    if not value:
        if required:
            errors.setdefault(path, []).append(_("this field is required"))
        return None
    number = parse_integer(value) if integer else parse_number(value)
    if number is None:
        errors.setdefault(path, []).append(_("must be a whole number") if integer else _("must be a number"))
    return number


def lines(value: str) -> list[str]:
    """The non-blank lines of a text area, stripped."""
    return [line.strip() for line in (value or "").replace("\r\n", "\n").split("\n") if line.strip()]


def checked(data, name: str) -> bool:
    return data.get(name) in ("on", "1", "true", "yes")


def posted_index(data, name: str, kept: list[dict]) -> int | None:
    """The row (in the kept order) a radio button named ``name`` points at."""
    value = data.get(name)
    for i, row in enumerate(kept):
        if row["_posted"] == value:
            return i
    return None


def option_rows(data, *, more: tuple[str, ...] = ()) -> list[dict]:
    """The options an editor posted, each given the first free letter when its id is blank;
    ``more`` are further fields of a row (``feedback``): a row with only those filled is kept
    (its missing text is then reported) rather than silently dropped."""
    kept = rows(data, "options", ("id", "text", *more))
    used = {row["id"].strip() for row in kept if row["id"].strip()}
    free = (c for c in OPTION_IDS if c not in used)
    for row in kept:
        if not row["id"].strip():
            row["id"] = next(free, "")
    return kept


def options_spec(kept: list[dict]) -> list[dict]:
    """The ``spec.options`` of posted option rows."""
    return [{"id": row["id"].strip(), "text": row["text"].strip()} for row in kept]


def option_feedback(kept: list[dict], ids: list[str]) -> dict[str, str]:
    """The ``key.feedback`` of posted option rows read with ``more=("feedback",)``: each
    option's text (Markdown, line breaks normalised), options left blank left out."""
    texts = {oid: _text(row.get("feedback", "")) for oid, row in zip(ids, kept)}
    return {oid: text for oid, text in texts.items() if text}


def percent_fraction(errors: Errors, raw: str, path: str, *, blank: int) -> int | float | None:
    """A share of the marks typed in per cent (``blank`` when left empty) as a fraction of
    1 (rounded to 6 places, whole when it is), or None with the reason at ``path``."""
    raw = (raw or "").strip()
    share = number_field(errors, raw, path) if raw else blank
    if share is None:
        return None
    fraction = round(share / 100, 6)
    return int(fraction) if float(fraction).is_integer() else fraction


def _text(value: str) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
