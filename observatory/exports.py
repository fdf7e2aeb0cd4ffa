"""The school's practice reports as a CSV file, for its faculty, reviewers and admins.

A row per report, as the triage page filters them, with what was reported and its triage; no
identifier of anyone: the reporter is a pseudonym drawn for this file (the same person twice in
it has the same one, two files cannot be linked), unless the reader may see who reports
(``observatory.view_reporters``), who reads their username. A cell a spreadsheet would run as a
formula is neutralised.
"""
from __future__ import annotations

import csv
import io
import secrets

from cohorts.attestations import safe_cell
from cohorts.exports import pseudonym

COLUMNS = ("reported_on", "tool", "in_register", "category_of_use", "failure_mode", "severity", "status",
           "ai_output", "what_was_wrong", "clinician_action", "reply", "draft_case", "reporter")


def reporter_of(report, *, names: bool, salt: str) -> str:
    if report.reporter_id is None:
        return ""
    return report.reporter.username if names else pseudonym(salt, report.reporter_id)


def reports_csv(reports, *, names: bool) -> str:
    salt = secrets.token_hex(16)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for r in reports:
        writer.writerow([safe_cell(v) for v in (
            r.created_at.date().isoformat(), r.tool_name, "yes" if r.tool_id else "no", r.tool_category,
            r.failure_mode_id or "", r.severity, r.status, r.ai_output, r.what_was_wrong, r.clinician_action,
            r.reply, "yes" if r.case_id else "no", reporter_of(r, names=names, salt=salt))])
    return out.getvalue()
