"""Training attestations and the cohort training record: codes, PDF and CSV documents (pure).

An attestation's code is 16 characters of an unambiguous alphabet (no I, O, 0 or 1: 80
random bits), printed as XXXX-XXXX-XXXX-XXXX; anyone holding it can confirm, on the public
verification page, the holder's initials, the institution, the course and version with its
hours and competencies, the date and whether it is still valid, and nothing more. The documents are drawn with ReportLab from stored fields, so the
same attestation always renders the same content.
"""
import csv
import io
import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
MALFORMED_CODE = gettext_lazy("A verification code has 16 letters and digits, such as ABCD-EFGH-JKLM-NPQR.")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(raw: str | None) -> str | None:
    """What a person typed (any case, spaces or dashes) → the stored form, or None."""
    cleaned = re.sub(r"[\s\-]", "", (raw or "")).upper()
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return "-".join(cleaned[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def initials(*, first_name: str, last_name: str, username: str) -> str:
    """"Claire Martin" → "C. M."; a user without a name → the first letter of the username."""
    parts = [p for p in re.split(r"[\s\-]+", f"{first_name} {last_name}".strip()) if p]
    if not parts:
        parts = [username or "?"]
    return " ".join(f"{p[0].upper()}." for p in parts[:4])


def _styles():
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=20, leading=24, spaceAfter=6 * mm),
        "h": ParagraphStyle("h", parent=base["Heading2"], fontSize=13, leading=16),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=11, leading=15),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontSize=8.5, leading=11, textColor=colors.HexColor("#4a5562")),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontSize=9, leading=11),
        "code": ParagraphStyle("code", parent=base["BodyText"], fontName="Courier-Bold", fontSize=16, leading=20,
                               alignment=TA_CENTER),
        "revoked": ParagraphStyle("revoked", parent=base["Title"], textColor=colors.HexColor("#a3261b"), fontSize=18),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text), style)


def _date(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "DATE_FORMAT") if value else "—"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _logo(logo: bytes | None) -> list:
    """The school's logo, at most 60 × 25 mm; nothing when there is none or it cannot be read."""
    if not logo:
        return []
    try:
        reader = ImageReader(io.BytesIO(logo))
        width, height = reader.getSize()
    except Exception:  # noqa: BLE001 - a damaged logo never stops an attestation
        return []
    scale = min(60 * mm / width, 25 * mm / height)
    return [Image(io.BytesIO(logo), width=width * scale, height=height * scale, hAlign="LEFT"), Spacer(1, 3 * mm)]


def attestation_pdf(attestation, *, school_name: str, verify_url: str, logo: bytes | None = None) -> bytes:
    """The attestation as an A4 PDF: the institution (and its logo, PNG or JPEG bytes), the
    version the holder completed with its hours and competencies, the holder's own completion
    date and student number, and the school's signatory, all as stored at issue time."""
    s = _styles()
    institution = attestation.institution or school_name
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=18 * mm, title=_("Attestation of AI-literacy training"), author=institution,
                            subject=attestation.course_title)
    story = [
        *_logo(logo),
        _p(institution, s["h"]),
        _p(_("Attestation of AI-literacy training"), s["title"]),
    ]
    if attestation.revoked_at:
        story.append(_p(_("This attestation was revoked on %(date)s.") % {"date": _date(attestation.revoked_at)},
                        s["revoked"]))
    story += [
        _p(_("This attests that %(name)s completed the course “%(course)s” (version %(version)s) on %(date)s.") % {
            "name": attestation.holder_name, "course": attestation.course_title,
            "version": attestation.version_number, "date": _date(attestation.completed_at),
        }, s["body"]),
        Spacer(1, 5 * mm),
    ]
    competencies = "; ".join(f"{c['code']} — {c['name']}" for c in attestation.competencies) or "—"
    rows = [
        (_("Holder"), attestation.holder_name),
        *([(_("Student number"), attestation.student_number)] if attestation.student_number else []),
        (_("Institution"), institution),
        (_("Course"), attestation.course_title),
        (_("Version"), str(attestation.version_number)),
        (_("Completed on"), _date(attestation.completed_at)),
        (_("Score"), _score(attestation.score)),
        (_("Hours of training"), f"{attestation.hours}"),
        (_("Competencies covered"), competencies),
        (_("Issued on"), _date(attestation.issued_at)),
    ]
    table = Table([[_p(k, s["cell"]), _p(v, s["cell"])] for k, v in rows], colWidths=[45 * mm, 121 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#cfd6de")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f4f6f8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    code_box = Table([[_p(_("Verification code"), s["cell"])], [_p(attestation.code, s["code"])],
                      [_p(_("Check this attestation at %(url)s") % {"url": verify_url}, s["cell"])]],
                     colWidths=[166 * mm])
    code_box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#1b1f24")),
                                  ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    signatory = []
    if attestation.signatory_name:
        signatory = [
            _p(_("For %(institution)s:") % {"institution": institution}, s["body"]), Spacer(1, 10 * mm),
            _p(attestation.signatory_name, s["body"]),
            *([_p(attestation.signatory_title, s["small"])] if attestation.signatory_title else []),
            Spacer(1, 6 * mm),
        ]
    story += [
        table, Spacer(1, 8 * mm), *signatory, code_box, Spacer(1, 8 * mm),
        _p(_("This training in AI literacy is part of the measures a deployer of AI systems takes under Article 4 "
             "of Regulation (EU) 2024/1689 (the AI Act). The verification page confirms the holder's initials, "
             "the institution, the course and version, its hours and competencies, the date and whether the "
             "attestation is valid; it shows nothing else."), s["small"]),
    ]
    doc.build(story)
    return buffer.getvalue()


TRAINING_RECORD_HEADER = ("name", "username", "course", "version", "status", "modules_completed", "modules_total",
                          "completed_on", "score", "hours", "attestation_code", "attestation_status", "due_version")


def _status_label(status: str) -> str:
    return {"completed": _("Completed"), "due": _("Completed; due for the new version"),
            "in_progress": _("In progress"), "not_started": _("Not started")}.get(status, status)


def _hours(row: dict):
    """A completed version's hours count, the older one of a trainee due for a new version too."""
    return row["hours"] if row["completed_at"] else 0


def _attestation_status(row: dict) -> str:
    if not row.get("attestation_code"):
        return ""
    return _("Revoked") if row.get("attestation_revoked") else _("Valid")


def training_record_csv(rows: Iterable[dict]) -> bytes:
    """One line per trainee and assigned course (UTF-8 with a byte-order mark, for spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TRAINING_RECORD_HEADER)
    for r in rows:
        writer.writerow([safe_cell(v) for v in (
            r["name"], r["username"], r["course_title"], r["version"] or "", r["status"], r["modules_completed"],
            r["modules_total"], timezone.localtime(r["completed_at"]).date().isoformat() if r["completed_at"] else "",
            "" if r["score"] is None else round(r["score"], 4), _hours(r),
            r.get("attestation_code") or "", "revoked" if r.get("attestation_revoked") else (
                "valid" if r.get("attestation_code") else ""), r.get("due_version") or "",
        )])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def training_record_pdf(rows: Sequence[dict], *, school_name: str, cohort_name: str, generated_at: datetime) -> bytes:
    """The cohort's training record (landscape A4): who completed which course, when, with which score."""
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm,
                            topMargin=14 * mm, bottomMargin=14 * mm, title=_("AI-literacy training record"),
                            author=school_name)
    completed = sum(1 for r in rows if r["status"] == "completed")
    story = [
        _p(school_name, s["h"]),
        _p(_("AI-literacy training record of %(cohort)s") % {"cohort": cohort_name}, s["title"]),
        _p(_("Generated on %(date)s. %(completed)s of %(total)s course assignments are completed.") % {
            "date": _date(generated_at), "completed": completed, "total": len(rows)}, s["body"]),
        Spacer(1, 4 * mm),
    ]
    header = [_("Name"), _("Course"), _("Version"), _("Status"), _("Modules"), _("Completed on"), _("Score"),
              _("Hours"), _("Attestation")]
    data = [[_p(h, s["cell"]) for h in header]]
    for r in rows:
        attestation = r.get("attestation_code") or "—"
        if r.get("attestation_code"):
            attestation = f"{attestation} ({_attestation_status(r)})"
        data.append([_p(str(v), s["cell"]) for v in (
            r["name"], r["course_title"], r["version"] or "—", _status_label(r["status"]) + (
                " (" + _("version %(n)s") % {"n": r["due_version"]} + ")" if r.get("due_version") else ""),
            f"{r['modules_completed']}/{r['modules_total']}", _date(r["completed_at"]), _score(r["score"]),
            _hours(r), attestation,
        )])
    table = Table(data, repeatRows=1, colWidths=[50 * mm, 55 * mm, 16 * mm, 24 * mm, 18 * mm, 28 * mm, 16 * mm,
                                                 14 * mm, 48 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cfd6de")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 6 * mm), _p(_(
        "Record kept as evidence of the AI literacy of staff under Article 4 of Regulation (EU) 2024/1689 "
        "(the AI Act). Each attestation code can be checked on the public verification page."), s["small"])]
    doc.build(story)
    return buffer.getvalue()


def safe_cell(value):
    """A spreadsheet cannot run text as a formula: text starting with = + - @ (or a tab or
    carriage return) gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
