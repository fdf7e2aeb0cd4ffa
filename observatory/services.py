"""Changes to practice reports: each one writes its row and its audit record, inside the
caller's transaction, and refuses bad input before writing anything."""
from __future__ import annotations

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses import authoring
from courses.models import Artifact, Case, FailureMode, Module
from schools.models import School
from schools.services import audit_record
from training.errors import ApplicationError
from training.transactions import in_callers_transaction

from .identifiers import Finding, find_identifiers
from .models import PracticeReport, Sharing, ToolCategory

TEXT_FIELDS = ("tool_name", "ai_output", "what_was_wrong", "clinician_action")
MAX_TEXT = 5000


def kind_label(kind: str) -> str:
    return {
        "nir": _("a French social security number (NIR)"),
        "nhs": _("an NHS number"),
        "date": _("a date (a date of birth identifies a patient)"),
        "phone": _("a telephone number"),
        "email": _("an e-mail address"),
    }[kind]


def identifier_message(finding: Finding) -> str:
    return _("Line %(line)s, character %(column)s: “%(text)s” looks like %(kind)s. Remove it: a report holds "
             "no patient data.") % {"line": finding.line, "column": finding.column, "text": finding.text,
                                    "kind": kind_label(finding.kind)}


def identifiers_in(fields: dict) -> dict[str, list[Finding]]:
    """The identifiers of each text field of a report (only fields that hold some)."""
    found = {}
    for name in TEXT_FIELDS:
        findings = find_identifiers(fields.get(name) or "")
        if findings:
            found[name] = findings
    return found


def _register_tool(tool_id: int, school: School):
    """The register's tool of that id in that school, or None (none without the register app).
    Looked up, not imported: the register is in the same layer as this app."""
    if not apps.is_installed("registry"):
        return None
    return apps.get_model("registry", "Tool").objects.filter(pk=tool_id, school=school).select_related("category").first()


@in_callers_transaction
def report_create(*, school: School, reporter: User, tool_name: str = "", tool_id: int | None = None,
                  tool_category: str = "", failure_mode: str | None = None, severity: str, ai_output: str,
                  what_was_wrong: str, clinician_action: str = "") -> PracticeReport:
    """Store a member's report, refused whole if a text holds an identifier (each named with its
    field and place), if the tool is not one of the school's register, or a choice is unknown."""
    errors: dict[str, list[str]] = {}
    fields = {"tool_name": (tool_name or "").strip(), "ai_output": (ai_output or "").strip(),
              "what_was_wrong": (what_was_wrong or "").strip(), "clinician_action": (clinician_action or "").strip()}
    for name, findings in identifiers_in(fields).items():
        errors[name] = [identifier_message(f) for f in findings]
    for name in ("ai_output", "what_was_wrong"):
        if not fields[name]:
            errors.setdefault(name, []).append(_("Say it in a few words."))
    for name, value in fields.items():
        if len(value) > MAX_TEXT:
            errors.setdefault(name, []).append(_("Use at most %(max)s characters.") % {"max": MAX_TEXT})
    if tool_id is not None:
        tool = _register_tool(tool_id, school)
        if tool is None:
            errors.setdefault("tool_id", []).append(_("This tool is not in your school's register."))
        else:
            fields["tool_name"] = tool.name
            # A category added to the register's taxonomy after this app's list counts as "other".
            tool_category = tool.category.code if tool.category.code in ToolCategory.values else ToolCategory.OTHER
    elif not fields["tool_name"]:
        errors.setdefault("tool_name", []).append(_("Name the tool, or choose it from the register."))
    if tool_category not in ToolCategory.values:
        errors.setdefault("tool_category", []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ToolCategory.values)})
    if severity not in PracticeReport.Severity.values:
        errors.setdefault("severity", []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(PracticeReport.Severity.values)})
    if failure_mode and not FailureMode.objects.filter(pk=failure_mode).exists():
        errors.setdefault("failure_mode", []).append(_("This failure mode is not in Vigil's taxonomy."))
    if errors:
        raise ApplicationError(_("The report was not saved; correct the fields named below."), errors)
    report = PracticeReport.objects.create(
        school=school, reporter=reporter, tool_id=tool_id, tool_category=tool_category,
        failure_mode_id=failure_mode or None, severity=severity, **fields,
    )
    audit_record(actor=reporter, action="observatory.report.create", school_id=school.pk,
                 detail={"report": report.pk})
    return report


TRANSITIONS = {
    PracticeReport.Status.NEW: {PracticeReport.Status.REVIEWED, PracticeReport.Status.CLOSED},
    PracticeReport.Status.REVIEWED: {PracticeReport.Status.NEW, PracticeReport.Status.CLOSED},
    PracticeReport.Status.CASE: {PracticeReport.Status.CLOSED},
    PracticeReport.Status.CLOSED: {PracticeReport.Status.REVIEWED},
}


@in_callers_transaction
def report_set_status(*, report: PracticeReport, actor: User, status: str, reply: str | None = None) -> PracticeReport:
    """Move a report along its triage (new, reviewed, closed; "turned into a case" only by
    ``report_to_case``), and say or change the reply its reporter reads (``reply``; None leaves
    it). Keeping the status while changing the reply is allowed."""
    report = PracticeReport.objects.select_for_update().get(pk=report.pk)
    reply = None if reply is None else reply.strip()
    if reply is not None:
        errors = [identifier_message(f) for f in find_identifiers(reply)]
        if len(reply) > MAX_TEXT:
            errors.append(_("Use at most %(max)s characters.") % {"max": MAX_TEXT})
        if errors:
            raise ApplicationError(_("The reply was not saved; correct it."), {"reply": errors})
    replied = reply is not None and reply != report.reply
    if status != report.status and status not in TRANSITIONS.get(report.status, set()):
        allowed = sorted(TRANSITIONS.get(report.status, set()))
        raise ApplicationError(_("A report that is “%(now)s” can be moved to: %(allowed)s.") % {
            "now": report.get_status_display(), "allowed": ", ".join(allowed)}, {"status": [_("Not allowed now.")]},
            status_code=409)
    before = report.status
    if status == before and not replied:
        return report
    report.status = status
    if replied:
        report.reply, report.replied_at = reply, timezone.now()
    report.save(update_fields=["status", "reply", "replied_at", "updated_at"])
    if status != before:
        audit_record(actor=actor, action="observatory.report.status", school_id=report.school_id,
                     detail={"report": report.pk, "from": before, "to": status})
    if replied:
        audit_record(actor=actor, action="observatory.report.reply", school_id=report.school_id,
                     detail={"report": report.pk})
    return report


@in_callers_transaction
def report_withdraw(*, report: PracticeReport, actor: User) -> None:
    """The reporter takes back a report no one has triaged yet: it is deleted (its audit record
    says that it was, not what it said)."""
    report = PracticeReport.objects.select_for_update().get(pk=report.pk)
    if report.status != PracticeReport.Status.NEW:
        raise ApplicationError(_("Only a report that is still new can be withdrawn; this one is “%(now)s”.") % {
            "now": report.get_status_display()}, {"status": [_("Not allowed now.")]}, status_code=409)
    audit_record(actor=actor, action="observatory.report.withdraw", school_id=report.school_id,
                 detail={"report": report.pk})
    report.delete()


def draft_vignette(report: PracticeReport) -> str:
    """The case's starting text: what was reported, for the author to replace with a synthetic
    vignette."""
    mode = report.failure_mode.code if report.failure_mode_id else _("not given")
    return "\n".join([
        _("> From a practice report (%(tool)s, failure mode %(mode)s, %(severity)s). Replace this text with a "
          "synthetic vignette: no detail of the real patient.") % {
            "tool": report.tool_name, "mode": mode, "severity": report.get_severity_display()},
        "",
        "**" + _("What was wrong") + "**",
        "",
        report.what_was_wrong,
        "",
        "**" + _("What the clinician did") + "**",
        "",
        report.clinician_action or "—",
    ])


@in_callers_transaction
def report_to_case(*, report: PracticeReport, actor: User, module: Module) -> Case:
    """A draft case in ``module`` (of a draft the actor may edit, checked by the caller),
    prefilled with the tool, the failure mode and the report's text: its AI output becomes the
    case's artifact, marked wrong with the report's failure mode, and the author writes the
    vignette and the keys."""
    report = PracticeReport.objects.select_for_update(of=("self",)).select_related("failure_mode").get(pk=report.pk)
    if report.status in (PracticeReport.Status.CASE, PracticeReport.Status.CLOSED):
        raise ApplicationError(_("This report is already “%(now)s”.") % {"now": report.get_status_display()},
                               {"status": [_("Not allowed now.")]}, status_code=409)
    title = _("Practice report: %(tool)s") % {"tool": report.tool_name}
    case = authoring.case_create(module=module, title=title[:200], vignette=draft_vignette(report))
    authoring.artifact_create(case=case, data=authoring.ArtifactInput(
        title=_("Output of %(tool)s") % {"tool": report.tool_name[:150]}, kind=Artifact.Kind.TEXT,
        content={"text": report.ai_output}, ai_correct=False,
        failure_modes=[report.failure_mode_id] if report.failure_mode_id else [],
        source=report.tool_name[:200], explanation=report.what_was_wrong,
    ))
    report.status = PracticeReport.Status.CASE
    report.case = case
    report.save(update_fields=["status", "case", "updated_at"])
    audit_record(actor=actor, action="observatory.report.to_case", school_id=report.school_id,
                 detail={"report": report.pk, "case": case.pk, "course": module.version.course.slug})
    return case


@in_callers_transaction
def sharing_set(*, school: School, actor: User, share: bool) -> Sharing:
    sharing, _created = Sharing.objects.select_for_update().get_or_create(school=school)
    sharing.share = share
    sharing.updated_by = actor
    sharing.save()
    audit_record(actor=actor, action="observatory.sharing.update", school_id=school.pk, detail={"share": share})
    return sharing
