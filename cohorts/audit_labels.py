"""What a person reads of the audit log: a label for every action code, role and detail key.

Every ``audit_record(action=...)`` of the project has its label here (a test keeps it so);
the page, its CSV and the API take their labels from this module only.
"""
import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools.models import Role

ACTION_LABELS = {
    "cohort.dashboard.read": gettext_lazy("Viewed the progress of a cohort"),
    "cohort.progress.read": gettext_lazy("Read the progress of a cohort"),
    "cohort.reliance.read": gettext_lazy("Viewed the reliance on AI of a cohort"),
    "cohort.trends.read": gettext_lazy("Viewed the trends of a cohort"),
    "cohort.trainee.read": gettext_lazy("Opened a trainee's record"),
    "cohort.attestations.read": gettext_lazy("Viewed the attestations of a cohort"),
    "cohort.training_record.download": gettext_lazy("Downloaded the training record of a cohort"),
    "export.request": gettext_lazy("Requested an export"),
    "export.download": gettext_lazy("Downloaded an export"),
    "attestation.issue": gettext_lazy("Issued attestations to a cohort"),
    "attestation.revoke": gettext_lazy("Revoked an attestation"),
    "attestation.download": gettext_lazy("Downloaded an attestation"),
    "review.names_shown": gettext_lazy("Showed a trainee's name while grading"),
    "review.queue.names_shown": gettext_lazy("Showed trainees' names in the grading queue"),
    "grade.confirm": gettext_lazy("Confirmed the grade of a free-text answer"),
    "grade.change": gettext_lazy("Changed the final grade of a free-text answer"),
    "item.key_fix": gettext_lazy("Fixed an answer key"),
    "artifact.truth_fix": gettext_lazy("Fixed the ground truth of an AI output"),
    "item.regrade": gettext_lazy("Regraded the answers to an item"),
    "school.audit.read": gettext_lazy("Read the audit log"),
    "school.audit.download": gettext_lazy("Downloaded the audit log"),
    "school.member.add": gettext_lazy("Gave a person a role in the school"),
    "sso.idp.register": gettext_lazy("Registered an identity provider"),
    "sso.idp.change": gettext_lazy("Changed an identity provider"),
    "sso.idp.metadata_refresh": gettext_lazy("Refreshed the metadata of an identity provider"),
    "sso.member.create": gettext_lazy("Created a member at their first single sign-on"),
    "sso.member.link": gettext_lazy("Linked a member's existing account to their single sign-on"),
    "sso.member.update": gettext_lazy("Updated a member's name or e-mail from single sign-on"),
    "sso.sign_in": gettext_lazy("Signed in through single sign-on"),
    "sso.sign_in.refused": gettext_lazy("Refused a single sign-on"),
    "school.local_sign_in.change": gettext_lazy("Allowed or disallowed sign-in with a password"),
    "xapi.settings.change": gettext_lazy("Changed the school's xAPI (LRS) settings"),
    "xapi.failed.retry": gettext_lazy("Sent the statements the LRS refused again"),
    "cohort.create": gettext_lazy("Created a cohort"),
    "registry.tool.create": gettext_lazy("Added an AI tool to the register"),
    "registry.tool.update": gettext_lazy("Changed an AI tool of the register"),
    "registry.tool.delete": gettext_lazy("Removed an AI tool from the register"),
    "registry.tools.import": gettext_lazy("Imported AI tools from a CSV file"),
    "registry.model_card.attach": gettext_lazy("Attached a model card file to an AI tool"),
    "registry.model_card.remove": gettext_lazy("Removed the model card file of an AI tool"),
    "registry.coverage.read": gettext_lazy("Viewed the training coverage of the AI tools"),
    "registry.evidence.download": gettext_lazy("Downloaded the AI literacy evidence file"),
    "cohort.enroll": gettext_lazy("Enrolled people in a cohort"),
    "cohort.assign": gettext_lazy("Assigned a course to a cohort or changed its due date"),
    "cohort.update": gettext_lazy("Renamed a cohort or changed its year"),
    "cohort.archive": gettext_lazy("Archived a cohort"),
    "cohort.restore": gettext_lazy("Took a cohort out of the archive"),
    "cohort.unassign": gettext_lazy("Withdrew a course from a cohort"),
    "school.role.grant": gettext_lazy("Gave a member a staff role"),
    "school.role.revoke": gettext_lazy("Took a staff role away from a member"),
    "school.member.deactivate": gettext_lazy("Deactivated a member's account"),
    "school.member.reactivate": gettext_lazy("Reactivated a member's account"),
    "school.roster.apply": gettext_lazy("Applied a roster upload"),
    "school.roster.person": gettext_lazy("Added or updated a person from a roster upload"),
    "school.invitation.send": gettext_lazy("Sent an invitation to set a password"),
    "school.invitation.accept": gettext_lazy("Set a password from an invitation"),
    "school.invitation.refused": gettext_lazy("Refused an expired or used invitation link"),
    "privacy.policy.update": gettext_lazy("Changed the school's data-protection settings"),
    "privacy.notice.read": gettext_lazy("Read the school's privacy notice"),
    "privacy.export.request": gettext_lazy("Asked for an archive of a member's data"),
    "privacy.export.download": gettext_lazy("Downloaded an archive of a member's data"),
    "privacy.member.read": gettext_lazy("Opened a member's data-protection page"),
    "privacy.member.erase": gettext_lazy("Erased a member's identifying data"),
    "privacy.processing.download": gettext_lazy("Downloaded the record of processing"),
    "privacy.retention.notice": gettext_lazy("Warned the admins of an automatic erasure"),
    "lti.platform.register": gettext_lazy("Registered an LMS platform (LTI)"),
    "lti.platform.update": gettext_lazy("Changed an LMS platform's registration (LTI)"),
    "lti.platform.deactivate": gettext_lazy("Deactivated an LMS platform's registration (LTI)"),
    "lti.platform.reactivate": gettext_lazy("Reactivated an LMS platform's registration (LTI)"),
    "lti.deployment.add": gettext_lazy("Added an LTI deployment"),
    "lti.key.generate": gettext_lazy("Generated a tool key for LTI"),
    "lti.key.retire": gettext_lazy("Retired a tool key for LTI"),
    "lti.account.create": gettext_lazy("Created an account on a first LTI launch"),
    "lti.context.bind": gettext_lazy("Bound an LMS course to a cohort (LTI)"),
    "lti.placement.create": gettext_lazy("Placed a course or module in an LMS course (LTI deep linking)"),
    "lti.placement.remove": gettext_lazy("Removed an activity placed in an LMS course (LTI)"),
    "lti.roster.sync": gettext_lazy("Synced the LMS roster into a cohort (LTI)"),
    "lti.roster.unenrol": gettext_lazy("Unenrolled someone the LMS roster no longer lists (LTI)"),
    "lti.roster.role": gettext_lazy("Changed someone's role in a cohort as the LMS roster says (LTI)"),
    "lti.passbacks.read": gettext_lazy("Viewed the grades sent to the LMS (LTI)"),
    "observatory.report.create": gettext_lazy("Reported an AI failure seen in practice"),
    "observatory.report.status": gettext_lazy("Changed the triage status of a practice report"),
    "observatory.report.reply": gettext_lazy("Replied to the reporter of a practice report"),
    "observatory.report.withdraw": gettext_lazy("Withdrew a practice report of theirs"),
    "observatory.reports.export": gettext_lazy("Downloaded the practice reports as CSV"),
    "observatory.report.to_case": gettext_lazy("Turned a practice report into a draft case"),
    "observatory.sharing.update": gettext_lazy("Changed whether the school's reports count in the cross-school observatory"),
    # The Django admin's lists and pages of trainee data (training.admin_mixins.AuditedReadAdmin).
    "admin.attempt.read": gettext_lazy("Read attempts in the admin"),
    "admin.response.read": gettext_lazy("Read answers in the admin"),
    "admin.grade.read": gettext_lazy("Read grades in the admin"),
    "admin.ratermark.read": gettext_lazy("Read second marks in the admin"),
    "admin.moduleprogress.read": gettext_lazy("Read module progress in the admin"),
    "admin.measurecounter.read": gettext_lazy("Read measure counters in the admin"),
    "admin.answerday.read": gettext_lazy("Read answers per day in the admin"),
    "admin.answeraftermodule.read": gettext_lazy("Read answers after a module in the admin"),
    "admin.user.read": gettext_lazy("Read people's accounts in the admin"),
}

PLATFORM_ADMIN = gettext_lazy("Platform admin")
FORMER_STAFF = gettext_lazy("No current role")

# Keys of ``AuditEvent.detail`` worth a word in the short summary, in the order shown; the
# others (answer keys, before/after figures) stay in the CSV's and the API's full detail.
DETAIL_LABELS = {
    "course": gettext_lazy("course"),
    "module": gettext_lazy("module"),
    "kind": gettext_lazy("content"),
    "format": gettext_lazy("format"),
    "rows": gettext_lazy("rows"),
    "job": gettext_lazy("export"),
    "code": gettext_lazy("attestation"),
    "version": gettext_lazy("version"),
    "issued": gettext_lazy("attestations issued"),
    "enrolled": gettext_lazy("enrolled"),
    "role": gettext_lazy("role"),
    "due": gettext_lazy("due"),
    "cohort": gettext_lazy("cohort"),
    "name": gettext_lazy("name"),
    "year": gettext_lazy("year"),
    "new": gettext_lazy("new"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
    "item": gettext_lazy("item"),
    "response": gettext_lazy("answer"),
    "reason": gettext_lazy("reason"),
    "filters": gettext_lazy("filters"),
    "idp": gettext_lazy("identity provider"),
    "fields": gettext_lazy("fields"),
    "allowed": gettext_lazy("allowed"),
    "tool": gettext_lazy("AI tool"),
    "changed": gettext_lazy("changed"),
    "created": gettext_lazy("new"),
    "tools": gettext_lazy("AI tools"),
    "people": gettext_lazy("people"),
}
SUMMARY_LENGTH = 160


def action_label(code: str) -> str:
    """The label of an action code; an unknown code is shown as it is."""
    return str(ACTION_LABELS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every action, by label, for a filter."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[1])


def role_label(roles, *, superuser: bool = False) -> str:
    """"Reviewer, School admin" from role codes; a platform superuser without a role in the
    school is a platform admin."""
    names = [str(Role(r).label) for r in sorted(set(roles)) if r in Role.values]
    if superuser and not names:
        return str(PLATFORM_ADMIN)
    return ", ".join(names) or str(FORMER_STAFF)


def _value(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return str(value)


def detail_summary(detail: dict) -> str:
    """A short line of the detail worth reading ("course: basics · format: csv"), or ""."""
    if not isinstance(detail, dict):
        return ""
    parts = [
        _("%(key)s: %(value)s") % {"key": label, "value": _value(detail[key])}
        for key, label in DETAIL_LABELS.items()
        if detail.get(key) not in (None, "", [], {})
    ]
    text = " · ".join(parts)
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1] + "…"


def detail_json(detail: dict) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
