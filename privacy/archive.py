"""The archive of one member's data: a ZIP holding ``data.json`` (every table, for a program:
portability, GDPR article 20), one CSV per table (for a person with a spreadsheet) and a
``README.txt`` saying what each table is. Cells a spreadsheet could run as formulas are
neutralised, as in every export."""
from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.attestations import safe_cell

# What each table holds, for the README of the archive (in the reader's language).
TABLES = {
    "profile": gettext_lazy("Your account: username, names, e-mail, when it was created and last used."),
    "memberships": gettext_lazy("The schools you belong to, your role there and your student number."),
    "enrolments": gettext_lazy("The cohorts you are or were enrolled in."),
    "attempts": gettext_lazy("Each time you worked through a module."),
    "answers": gettext_lazy("Every answer you gave, your unaided answer before seeing an AI output, its score and "
               "the feedback (feedback a module still holds back is added once it is due)."),
    "rater_marks": gettext_lazy("Marks faculty gave your written answers, criterion by criterion."),
    "module_progress": gettext_lazy("How far you are in each module."),
    "attestations": gettext_lazy("The attestations of training issued to you, revoked ones included."),
    "audit_events": gettext_lazy("Who at your school looked at or changed your record, and when."),
    "privacy_notices_read": gettext_lazy("The versions of your school's privacy notice you read."),
    "data_exports": gettext_lazy("The archives of your data asked for, this one included."),
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return safe_cell(json.dumps(value, ensure_ascii=False))
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(str(value))


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    if rows:
        writer = csv.writer(out)
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_cell(v) for v in row.values()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads it as UTF-8


def _readme(tables: dict[str, list[dict]], *, scope: str) -> str:
    lines = [
        _("Your data in Vigil"),
        "",
        _("Written on %(date)s. %(scope)s") % {"date": timezone.now().strftime("%Y-%m-%d %H:%M UTC"), "scope": scope},
        _("data.json holds every table below in one file, for a program; each CSV file holds one table."),
        "",
    ]
    for name, rows in tables.items():
        lines.append(f"{name}.csv ({len(rows)}): {TABLES[name]}")
    return "\n".join(lines) + "\n"


def build_archive(tables: dict[str, list[dict]], *, scope: str) -> File:
    """The ZIP in a temporary file (closed by the caller), ready for the storage."""
    handle = tempfile.TemporaryFile()
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(tables, ensure_ascii=False, indent=2))
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", _csv(rows))
        archive.writestr("README.txt", _readme(tables, scope=scope))
    handle.seek(0)
    return File(handle, name="personal-data.zip")
