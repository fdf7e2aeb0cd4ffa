"""A practice report (an AI failure or near miss seen at work) and a school's choice to share
its counts with the cross-school observatory."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ToolCategory(models.TextChoices):
    """The category of use of an AI tool: the codes of the register's seeded taxonomy
    (registry.taxonomy), until the register's ToolCategory replaces it."""

    IMAGING = "imaging", _("Imaging detection")
    TRIAGE = "triage", _("Triage and early warning")
    SCRIBE = "scribe", _("Documentation and ambient scribe")
    LLM = "llm", _("General-purpose LLM assistant")
    DOSING = "dosing", _("Decision support and dosing")
    PATIENT_CHAT = "patient-chat", _("Patient-facing chat")
    OTHER = "other", _("Other")


class PracticeReport(models.Model):
    class Severity(models.TextChoices):
        NEAR_MISS = "near_miss", _("Near miss: caught before it reached the patient")
        NO_HARM = "no_harm", _("Reached the patient, no harm")
        HARM = "harm", _("Harm to the patient")
        SEVERE = "severe", _("Severe harm")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        REVIEWED = "reviewed", _("Reviewed")
        CASE = "case", _("Turned into a case")
        CLOSED = "closed", _("Closed")

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="practice_reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="practice_reports")
    # The tool: one of the school's register or, for "other", only its name; its name and
    # category of use are kept with the report so the counts stay when the tool is removed.
    tool = models.ForeignKey("registry.Tool", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="practice_reports", verbose_name=_("tool of the register"))
    tool_name = models.CharField(_("tool"), max_length=200)
    tool_category = models.CharField(_("category of use"), max_length=32, choices=ToolCategory.choices)
    failure_mode = models.ForeignKey("courses.FailureMode", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="practice_reports", verbose_name=_("failure mode"))
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    ai_output = models.TextField(_("what the AI produced"))
    what_was_wrong = models.TextField(_("what was wrong"))
    clinician_action = models.TextField(_("what the clinician did"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    reply = models.TextField(_("reply to the reporter"), blank=True,
                             help_text=_("The reporter reads it on their page of reports."))
    replied_at = models.DateTimeField(_("replied on"), null=True, blank=True)
    case = models.ForeignKey("courses.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("draft case"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"]), models.Index(fields=["tool_category", "failure_mode"])]
        verbose_name = _("practice report")
        verbose_name_plural = _("practice reports")

    def __str__(self) -> str:
        return f"{self.tool_name}: {self.failure_mode_id or '—'} ({self.get_status_display()})"


class Sharing(models.Model):
    """A school's consent to count its reports in the cross-school observatory."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="observatory_sharing")
    share = models.BooleanField(_("count our reports in the cross-school observatory"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
