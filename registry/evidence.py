"""The school's AI literacy evidence file (PDF and CSV, dated): its AI tools, the training each
requires, how many of their users completed it, who is overdue, the attestations held and a
statement of method — what a hospital shows an inspector (AI Act, articles 4 and 26)."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from progress.measures import Z95

from .selectors import COVERED, IN_TIME, NOT_ASSIGNED, OVERDUE, ToolCoverage


def status_labels() -> dict[str, str]:
    return {COVERED: _("trained"), IN_TIME: _("in training, not yet due"), OVERDUE: _("overdue"),
            NOT_ASSIGNED: _("not assigned the training")}


def method_statement(*, min_decisions: int) -> list[str]:
    """How the figures were obtained, in sentences (the page, the PDF and the CSV say the same)."""
    return [
        _("A tool's users are the school's members in the roles the register names for it and the members of "
          "the cohorts it names."),
        _("A user completed a required course when every question of every module of one published version of "
          "it has a graded answer of theirs (the completion rule of Vigil's training record); a required module "
          "when they completed it in any version."),
        _("A user not trained is overdue when a cohort of theirs is assigned a course they still need and its "
          "due date has passed, and not assigned when no cohort of theirs is assigned it."),
        _("Reliance figures are over the cohort's decisions about wrong AI outputs that show one of the tool's "
          "failure modes, and the errors of those failure modes to find in AI texts, in the courses assigned "
          "to the school's cohorts."),
        _("Each proportion is given with its count and its 95%% Wilson score interval (z = %(z)s); a cohort "
          "with fewer than %(n)s such decisions is marked as too few to judge.") % {"z": Z95, "n": min_decisions},
    ]


def _pct(p: dict) -> str:
    if p["value"] is None:
        return "—"
    return _("%(k)s of %(n)s (%(v)s%%; 95%% CI %(lo)s–%(hi)s%%)") % {
        "k": p["k"], "n": p["n"], "v": round(100 * p["value"]), "lo": round(100 * p["low"]),
        "hi": round(100 * p["high"])}


def _training(c: ToolCoverage) -> str:
    return ", ".join(r.reference for r in c.tool.training.all()) or _("none required")


def evidence_csv(*, school, coverage: list[ToolCoverage], at: datetime) -> str:
    """One line per tool and user, after a heading of the school, the date and the method."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([_("AI literacy evidence file"), school.name, at.date().isoformat()])
    for sentence in method_statement(min_decisions=school.min_decisions):
        w.writerow([_("method"), sentence])
    w.writerow([])
    w.writerow(["tool", "vendor", "version", "category", "status", "high_risk", "device_class", "failure_modes",
                "required_training", "users", "trained", "trained_low", "trained_high", "attested", "user",
                "username", "user_status", "missing_training", "due"])
    for c in coverage:
        t = c.tool
        head = [t.name, t.vendor, t.version, t.category.code, t.status, "yes" if t.high_risk else "no",
                t.device_class, "|".join(fm.code for fm in t.failure_modes.all()),
                "|".join(r.reference for r in t.training.all()), c.covered["n"], c.covered["k"],
                "" if c.covered["low"] is None else f"{c.covered['low']:.3f}",
                "" if c.covered["high"] is None else f"{c.covered['high']:.3f}", c.attested]
        if not c.users:
            w.writerow(head + ["", "", "", "", ""])
        for p in c.users:
            w.writerow(head + [p.name, p.username, p.status, "|".join(p.missing),
                               p.due_at.date().isoformat() if p.due_at else ""])
    return out.getvalue()


def evidence_pdf(*, school, coverage: list[ToolCoverage], at: datetime) -> bytes:
    base = getSampleStyleSheet()
    s = {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=18, leading=22),
        "h": ParagraphStyle("h", parent=base["Heading2"], fontSize=12.5, leading=15),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=9.5, leading=12.5),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontSize=8.5, leading=10.5),
    }
    p = lambda text, style="body": Paragraph(escape(str(text)), s[style])  # noqa: E731
    labels = status_labels()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=_("AI literacy evidence file"), author=school.name)
    story = [p(_("AI literacy evidence file"), "title"),
             p(_("%(school)s — drawn up on %(date)s") % {"school": school.name, "date": date_format(at, "DATE_FORMAT")}),
             p(_("The AI tools in use at the institution, the training their users must complete, and how many "
                 "did (AI Act, article 4: AI literacy; article 26: human oversight).")), Spacer(1, 4 * mm)]
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4ae")),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf0")), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    summary = [[p(h, "cell") for h in (_("Tool"), _("Category, status"), _("Required training"), _("Users trained"),
                                        _("Overdue"), _("Attested"))]]
    for c in coverage:
        summary.append([p(f"{c.tool.name} {c.tool.version}".strip(), "cell"),
                        p(f"{_(c.tool.category.name)}, {c.tool.get_status_display()}", "cell"),
                        p(_training(c), "cell"), p(_pct(c.covered), "cell"), p(len(c.overdue), "cell"),
                        p(c.attested, "cell")])
    table = Table(summary, colWidths=[32 * mm, 30 * mm, 40 * mm, 38 * mm, 16 * mm, 18 * mm], repeatRows=1)
    table.setStyle(grid)
    story += [p(_("Summary"), "h"), table]
    for c in coverage:
        t = c.tool
        story += [p(f"{t.name} — {t.vendor} {t.version}".strip(" —"), "h"),
                  p(_("Intended use: %(v)s") % {"v": t.intended_use or "—"}),
                  p(_("Risk: %(risk)s; medical device: %(cls)s") % {
                      "risk": _("high-risk under the AI Act") if t.high_risk else _("not high-risk under the AI Act"),
                      "cls": t.get_device_class_display()}),
                  p(_("Failure modes known or suspected: %(v)s") % {
                      "v": "; ".join(f"{fm.code} {fm.label}" for fm in t.failure_modes.all()) or "—"}),
                  p(_("Required training: %(v)s") % {"v": _training(c)}),
                  p(_("Users trained: %(v)s") % {"v": _pct(c.covered)})]
        for f in c.cohorts:
            story.append(p(_("%(cohort)s: wrong AI outputs of these failure modes accepted %(bias)s; errors of "
                             "these failure modes found %(found)s%(few)s") % {
                "cohort": f.name, "bias": _pct(f.automation_bias), "found": _pct(f.detection),
                "few": "" if f.enough else _(" (too few decisions to judge)")}))
        if c.users:
            rows = [[p(h, "cell") for h in (_("User"), _("Status"), _("Training missing"), _("Due"))]]
            rows += [[p(u.name, "cell"), p(labels[u.status], "cell"), p(", ".join(u.missing) or "—", "cell"),
                      p(date_format(u.due_at, "DATE_FORMAT") if u.due_at else "—", "cell")] for u in c.users]
            users = Table(rows, colWidths=[50 * mm, 40 * mm, 54 * mm, 30 * mm], repeatRows=1)
            users.setStyle(grid)
            story.append(users)
    story += [p(_("Method"), "h")] + [p(sentence) for sentence in method_statement(min_decisions=school.min_decisions)]
    doc.build(story)
    return buffer.getvalue()
