"""The register as a CSV file: written for the school, read back for an import.

A header line, then one tool a line; lists (failure modes, roles, departments, cohorts,
required training) separated by ``|`` inside their cell; ``high_risk`` yes/no (oui/non);
dates YYYY-MM-DD. The files spreadsheets write are read as every CSV upload of Vigil
(``training.csvtext``). Unknown columns refuse the file; an unreadable value refuses its line,
with its line and column.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from cohorts.attestations import safe_cell
from training import csvtext
from training.errors import ApplicationError

from .services import DATE_FIELDS, FIELDS, LIST_FIELDS

COLUMNS = FIELDS  # the CSV's columns are the tool's fields, in that order
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what safe_cell guards
YES, NO = {"yes", "y", "oui", "o", "true", "1", "x"}, {"no", "n", "non", "false", "0", ""}


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "|".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _unguarded(cell: str) -> str:
    """A text the export guarded against spreadsheets (``safe_cell``) reads back as written."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell


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
        writer.writerow([safe_cell(_cell(values[c] if c in values else getattr(t, c))) for c in COLUMNS])
    return out.getvalue()


@dataclass(frozen=True)
class Problem:
    """A problem of one cell or line of the file, where a spreadsheet shows it."""

    line: int
    column: int | None  # 1-based; None for the whole line
    name: str  # the column's name, "" for the whole line
    message: str

    @property
    def place(self) -> str:
        return f"line {self.line}: {self.name}" if self.name else f"line {self.line}"


@dataclass
class ParsedRegister:
    encoding: str
    separator: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def column_of(self, name: str) -> int | None:
        return self.columns.index(name) + 1 if name in self.columns else None


def _refused(message: str, place: str = "file") -> ApplicationError:
    return ApplicationError(_("The file was not imported: nothing was written."), {place: [message]})


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and encoding, or ``ApplicationError`` saying why it cannot be read."""
    if len(data) > MAX_BYTES:
        raise _refused(_("The file is larger than 2 MB."))
    try:
        return csvtext.decode(data)
    except csvtext.CsvRefused as exc:
        raise _refused(exc.message) from None


def parse(data: bytes) -> ParsedRegister:
    return parse_text(*decode(data))


def parse_text(text: str, encoding: str = "UTF-8") -> ParsedRegister:
    """The rows of a register file, each ``{"line": n, field: value}`` with only the columns the
    file has (a column left out keeps a tool's value), and the problems of each line by line and
    column (a line with one is not kept); ``ApplicationError`` for a file that cannot be read
    (a header of unknown columns, no "name", no tool)."""
    text = text.lstrip("\ufeff")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    try:
        separator = csvtext.sniff_separator(first_line, is_column=lambda h: h.strip().lower() in COLUMNS)
    except csvtext.CsvRefused as exc:
        raise _refused(exc.message, "line 1") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = [h.strip().lower() for h in next(reader)]
    errors: dict[str, list[str]] = {}
    unknown = [f"{i + 1} ({h})" for i, h in enumerate(header) if h not in COLUMNS]
    if unknown:
        errors["line 1"] = [_("Unknown columns: %(cols)s. The columns are: %(all)s.") % {
            "cols": ", ".join(unknown), "all": ", ".join(COLUMNS)}]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        errors.setdefault("line 1", []).append(_("Columns named twice: %(cols)s.") % {"cols": ", ".join(twice)})
    if "name" not in header:
        errors.setdefault("line 1", []).append(_("The file needs a “name” column."))
    if errors:
        raise ApplicationError(_("The file was not imported: nothing was written."), errors)
    parsed = ParsedRegister(encoding=encoding, separator=separator, columns=header)
    last_line = reader.line_num
    for record in reader:
        line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(parsed.rows) >= MAX_ROWS:
            raise _refused(_("At most %(n)s tools in one file.") % {"n": MAX_ROWS})
        row = _read_row(record, line, header, parsed)
        if row is not None:
            parsed.rows.append(row)
    if not parsed.rows and not parsed.problems:
        raise _refused(_("The file has a header but no tool."))
    return parsed


def _read_row(record: list[str], line: int, header: list[str], parsed: ParsedRegister) -> dict | None:
    problems: list[Problem] = []
    if len(record) > len(header) and any(cell.strip() for cell in record[len(header):]):
        problems.append(Problem(line, len(header) + 1, "", _("More fields than columns in the header.")))
    row: dict = {"line": line}
    for column, (name, cell) in enumerate(zip(header, record), start=1):
        cell = cell.strip()
        if name in LIST_FIELDS:
            row[name] = [v.strip() for v in cell.split("|") if v.strip()]
        elif name in DATE_FIELDS:
            try:
                row[name] = date.fromisoformat(cell) if cell else None
            except ValueError:
                problems.append(Problem(line, column, name, _("Not a date (YYYY-MM-DD): “%(v)s”.") % {"v": cell}))
        elif name == "high_risk":
            if cell.lower() not in YES | NO:
                problems.append(Problem(line, column, name, _("Yes or no, not “%(v)s”.") % {"v": cell}))
            row[name] = cell.lower() in YES
        else:
            row[name] = _unguarded(cell)
    if problems:
        parsed.problems.extend(problems)
        return None
    return row
