"""A register CSV file, previewed then applied: what the import page and the API share.

The preview reads the file and tells, line by line, what importing it would do (new, updated,
unchanged, error with its line and column) without writing anything; applying reads the same
text again, inside the caller's transaction, and writes only if no line has a problem
(``services.tools_import``: all or nothing).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from schools.models import School
from training import csvtext
from training.errors import ApplicationError

from . import csvfile, services

STATUSES = ("new", "updated", "unchanged", "error")


@dataclass
class Preview:
    parsed: csvfile.ParsedRegister
    rows: list[dict]
    problems: list[dict]
    counts: dict[str, int]
    digest: str

    @property
    def to_apply(self) -> int:
        return self.counts["new"] + self.counts["updated"]


def preview(*, school: School, text: str, encoding: str = "UTF-8") -> Preview:
    """What importing ``text`` would do (``ApplicationError`` for a file that cannot be read)."""
    parsed = csvfile.parse_text(text, encoding)
    plan = services.tools_plan(school=school, rows=parsed.rows)
    problems = [{"line": p.line, "column": p.column, "name": p.name, "message": p.message} for p in parsed.problems]
    # A line whose cells could not be read is not planned: it is shown in error, by its line.
    rows = [{"line": line, "name": "—", "status": "error", "changes": []}
            for line in sorted({p.line for p in parsed.problems if p.line > 1})]
    for planned in plan:
        for name, messages in planned.errors.items():
            problems.extend({"line": planned.line, "column": parsed.column_of(name), "name": name, "message": m}
                            for m in messages)
        rows.append({"line": planned.line, "name": planned.name, "status": planned.status,
                     "changes": planned.changes})
    rows.sort(key=lambda r: r["line"])
    problems.sort(key=lambda p: (p["line"], p["column"] or 0))
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    return Preview(parsed=parsed, rows=rows, problems=problems, counts=counts, digest=csvtext.digest(text))


def problems_as_errors(problems: list[dict]) -> dict[str, list[str]]:
    """The problems in the API's error shape: ``{"line 3, column 2 (category)": [...]}``."""
    errors: dict[str, list[str]] = {}
    for p in problems:
        place = f"line {p['line']}" + (f", column {p['column']}" if p["column"] else "") + (
            f" ({p['name']})" if p["name"] else "")
        errors.setdefault(place, []).append(p["message"])
    return errors


def apply(*, school: School, text: str, actor) -> dict[str, int]:
    """Import the previewed text, as the register is now: refused whole (``ApplicationError``,
    each problem at its place) if any line has a problem."""
    checked = preview(school=school, text=text)
    if checked.problems:
        raise ApplicationError(_("The file was not imported: nothing was written. Correct the lines marked."),
                               problems_as_errors(checked.problems))
    return services.tools_import(school=school, rows=checked.parsed.rows, actor=actor)
