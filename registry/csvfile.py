"""The register as a CSV file: written for the school, read back for an import.

A header line, then one tool a line; lists (failure modes, roles, departments, cohorts,
required training) separated by ``|`` inside their cell; ``high_risk`` yes/no (oui/non);
dates YYYY-MM-DD. UTF-8 with or without a BOM, or Windows-1252 (Excel), ``;`` or ``,``
between fields. Unknown columns and unreadable values are refused with their line and column.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from django.utils.translation import gettext as _

from training.errors import ApplicationError

from .services import DATE_FIELDS, FIELDS, LIST_FIELDS

COLUMNS = FIELDS  # the CSV's columns are the tool's fields, in that order
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
YES, NO = {"yes", "y", "oui", "o", "true", "1", "x"}, {"no", "n", "non", "false", "0", ""}


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "|".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def register_csv(tools) -> str:
    """The tools (``selectors.school_tools``) as CSV text, one tool a line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for t in tools:
        values = {
            "category": t.category.code, "failure_modes": [fm.code for fm in t.failure_modes.all()],
            "cohorts": [c.slug for c in t.cohorts.all()], "training": [r.reference for r in t.training.all()],
        }
        writer.writerow([_cell(values[c] if c in values else getattr(t, c)) for c in COLUMNS])
    return out.getvalue()


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ApplicationError(_("The file is empty."), {"file": [_("The file is empty.")]})
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ApplicationError(_("This is a spreadsheet workbook: save it as CSV."), {"file": [_("Not a CSV file.")]})
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise ApplicationError(_("This file is not text: save the register as CSV UTF-8."),
                               {"file": [_("Not a CSV file.")]})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse(data: bytes) -> list[dict]:
    """The rows of a register file, each ``{"line": n, field: value}`` with only the columns the
    file has (a column left out keeps a tool's value), or ``ApplicationError`` naming every
    problem by line and column."""
    if len(data) > MAX_BYTES:
        raise ApplicationError(_("The file is larger than 2 MB."), {"file": [_("Too large.")]})
    text = _decode(data)
    header_line = text.splitlines()[0] if text.splitlines() else ""
    separator = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = [h.strip().lower() for h in next(reader)]
    errors: dict[str, list[str]] = {}
    unknown = [f"{i + 1} ({h})" for i, h in enumerate(header) if h not in COLUMNS]
    if unknown:
        errors["line 1"] = [_("Unknown columns: %(cols)s. The columns are: %(all)s.") % {
            "cols": ", ".join(unknown), "all": ", ".join(COLUMNS)}]
    if "name" not in header:
        errors.setdefault("line 1", []).append(_("The file needs a “name” column."))
    if errors:
        raise ApplicationError(_("The file was not imported: nothing was written."), errors)
    rows = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= MAX_ROWS:
            raise ApplicationError(_("At most %(n)s tools in one file.") % {"n": MAX_ROWS},
                                   {"file": [_("Too many lines.")]})
        if len(record) > len(header):
            errors.setdefault(f"line {line}", []).append(_("More fields than columns in the header."))
            continue
        row: dict = {"line": line}
        for column, (name, cell) in enumerate(zip(header, record), start=1):
            cell = cell.strip()
            place = f"line {line}: {name}"
            if name in LIST_FIELDS:
                row[name] = [v.strip() for v in cell.split("|") if v.strip()]
            elif name in DATE_FIELDS:
                try:
                    row[name] = date.fromisoformat(cell) if cell else None
                except ValueError:
                    errors.setdefault(place, []).append(_("Column %(col)s: not a date (YYYY-MM-DD): “%(v)s”.") % {
                        "col": column, "v": cell})
            elif name == "high_risk":
                if cell.lower() not in YES | NO:
                    errors.setdefault(place, []).append(_("Column %(col)s: yes or no, not “%(v)s”.") % {
                        "col": column, "v": cell})
                row[name] = cell.lower() in YES
            else:
                row[name] = cell
        rows.append(row)
    if errors:
        raise ApplicationError(_("The file was not imported: nothing was written."), errors)
    if not rows:
        raise ApplicationError(_("The file has a header but no tool."), {"file": [_("No tool.")]})
    return rows
