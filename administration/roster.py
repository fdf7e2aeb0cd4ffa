"""Reading a roster CSV: its encoding, its separator, its header and each row, without the
database (what the rows mean for the school is ``schools.selectors.roster_plan``).

What spreadsheets write is accepted, and the rest refused, as for every CSV upload
(``training.csvtext``). Every problem of the header or of a row is reported
with its line and column; a row with a problem is not kept.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from training import csvtext
from training.csvtext import CsvRefused, decode

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
ROLES = ("trainee", "faculty", "reviewer", "admin")

# Column names as written in the header, lower-cased, spaces, dashes and underscores alike
# ("First name", "first_name", "prénom"): English and French.
COLUMNS = {
    "username": "username", "login": "username", "identifiant": "username",
    "email": "email", "e_mail": "email", "mail": "email", "courriel": "email", "adresse_e_mail": "email",
    "first_name": "first_name", "given_name": "first_name", "prénom": "first_name", "prenom": "first_name",
    "last_name": "last_name", "family_name": "last_name", "surname": "last_name", "nom": "last_name",
    "nom_de_famille": "last_name",
    "student_number": "student_number", "student_id": "student_number", "numéro_étudiant": "student_number",
    "numero_etudiant": "student_number", "matricule": "student_number",
    "training_year": "training_year", "year_of_training": "training_year", "année_de_formation": "training_year",
    "annee_de_formation": "training_year", "année": "training_year",
    "cohort": "cohort", "cohorte": "cohort",
    "role": "role", "rôle": "role",
}
ROLE_WORDS = {
    "trainee": "trainee", "apprenant": "trainee", "apprenante": "trainee", "student": "trainee", "étudiant": "trainee",
    "faculty": "faculty", "enseignant": "faculty", "enseignante": "faculty", "formateur": "faculty",
    "reviewer": "reviewer", "relecteur": "reviewer", "relectrice": "reviewer",
    "admin": "admin", "administrateur": "admin", "administratrice": "admin", "school admin": "admin",
}
COLUMN_LABELS = {
    "username": gettext_lazy("username"), "email": gettext_lazy("e-mail"), "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"), "student_number": gettext_lazy("student number"),
    "training_year": gettext_lazy("training year"), "cohort": gettext_lazy("cohort"), "role": gettext_lazy("role"),
}
LIMITS = {"username": 150, "email": 254, "first_name": 150, "last_name": 150, "student_number": 64, "cohort": 200}
_USERNAME = UnicodeUsernameValidator()
# A file the roster cannot read at all (its encoding, its separator, its header): the shared
# reader's refusal, under the name the roster's callers know.
RosterRefused = CsvRefused


@dataclass(frozen=True)
class RosterRow:
    line: int
    username: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    student_number: str = ""
    training_year: int | None = None
    cohort: str = ""
    role: str = "trainee"

    def as_entry(self) -> dict:
        return {k: getattr(self, k) for k in ("line", "username", "email", "first_name", "last_name",
                                             "student_number", "training_year", "cohort", "role")}


@dataclass(frozen=True)
class RosterError:
    line: int
    column: int | None  # 1-based, None for the whole line
    name: str  # the column's name, "" for the whole line
    message: str


@dataclass
class ParsedRoster:
    encoding: str
    separator: str
    columns: list[str]
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)


def _column_key(name: str) -> str:
    return re.sub(r"[\s\-_]+", "_", name.strip().lower()).strip("_")


def sniff_separator(header: str) -> str:
    """``;`` or ``,``: the one the header line uses (outside quotes), or ``RosterRefused``."""
    return csvtext.sniff_separator(header, is_column=lambda h: _column_key(h) in COLUMNS)


def parse(data: bytes) -> ParsedRoster:
    """The rows of a roster file and the problems of each line (``RosterRefused`` for a file
    that cannot be read at all)."""
    if len(data) > MAX_BYTES:
        raise RosterRefused(_("The file is larger than 2 MB: split the roster into several files."))
    text, encoding = decode(data)
    return parse_text(text, encoding=encoding)


def parse_text(text: str, *, encoding: str = "UTF-8") -> ParsedRoster:
    text = text.lstrip("\ufeff")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    separator = sniff_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header, header_line = None, 0
    for record in reader:
        if any(cell.strip() for cell in record):
            header, header_line = record, reader.line_num
            break
    parsed = ParsedRoster(encoding=encoding, separator=separator, columns=[])
    columns = _read_header(header or [], header_line, parsed)
    if parsed.errors:
        return parsed
    seen: dict[tuple[str, str], int] = {}
    last_line = header_line
    for record in reader:
        line = last_line + 1
        last_line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(parsed.rows) + len({e.line for e in parsed.errors}) >= MAX_ROWS:
            raise RosterRefused(_("The file has more than %(n)s rows: split the roster into several files.")
                                % {"n": MAX_ROWS})
        row = _read_row(record, line, columns, parsed, seen)
        if row is not None:
            parsed.rows.append(row)
    if not parsed.rows and not parsed.errors:
        raise RosterRefused(_("The file has a header but no row."))
    return parsed


def _read_header(header: list[str], line: int, parsed: ParsedRoster) -> list[str]:
    columns = []
    for index, name in enumerate(header, start=1):
        key = COLUMNS.get(_column_key(name))
        if key is None:
            parsed.errors.append(RosterError(line, index, name.strip(), _(
                "Unknown column “%(name)s”: the columns are username, email, first_name, last_name, "
                "student_number, training_year, cohort and role.") % {"name": name.strip()}))
        elif key in columns:
            parsed.errors.append(RosterError(line, index, name.strip(), _("The column “%(name)s” appears twice.")
                                             % {"name": name.strip()}))
        columns.append(key or "")
    if not parsed.errors and "username" not in columns and "email" not in columns:
        parsed.errors.append(RosterError(line, None, "", _("A column “username” or “email” is needed to say who each row is.")))
    parsed.columns = columns
    return columns


def _read_row(record: list[str], line: int, columns: list[str], parsed: ParsedRoster,
              seen: dict[tuple[str, str], int]) -> RosterRow | None:
    errors: list[RosterError] = []

    def error(key: str, message: str) -> None:
        index = columns.index(key) + 1 if key in columns else None
        errors.append(RosterError(line, index, str(COLUMN_LABELS.get(key, "")), message))

    if len(record) > len(columns) and any(cell.strip() for cell in record[len(columns):]):
        errors.append(RosterError(line, len(columns) + 1, "", _("This line has more fields than the header (%(n)s).")
                                  % {"n": len(columns)}))
    values = {key: (record[i].strip() if i < len(record) else "") for i, key in enumerate(columns)}
    for key, limit in LIMITS.items():
        if len(values.get(key, "")) > limit:
            error(key, _("At most %(n)s characters.") % {"n": limit})
    username, email = values.get("username", ""), values.get("email", "").lower()
    if not username and not email:
        error("username" if "username" in columns else "email", _("Give the person's username or e-mail."))
    if username:
        try:
            _USERNAME(username)
        except ValidationError:
            error("username", _("A username has letters, digits and @ . + - _ only."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            error("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
    year = None
    if values.get("training_year"):
        try:
            year = int(values["training_year"])
            if not 1 <= year <= 20:
                raise ValueError
        except ValueError:
            error("training_year", _("A training year is a whole number from 1 to 20."))
            year = None
    role = "trainee"
    if values.get("role"):
        role = ROLE_WORDS.get(values["role"].lower())
        if role is None:
            error("role", _("Unknown role “%(value)s”: trainee, faculty, reviewer or admin.") % {"value": values["role"]})
    for key, value in (("username", username.lower()), ("email", email)):
        if value:
            if (key, value) in seen:
                error(key, _("“%(value)s” is already on line %(line)s.") % {"value": value, "line": seen[key, value]})
            else:
                seen[key, value] = line
    if errors:
        parsed.errors.extend(errors)
        return None
    return RosterRow(line=line, username=username, email=email, first_name=values.get("first_name", ""),
                     last_name=values.get("last_name", ""), student_number=values.get("student_number", ""),
                     training_year=year, cohort=values.get("cohort", ""), role=role)
