"""What a school takes out of Vigil about its cohorts: export jobs and attestations."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.storage import private_storage as private_storage_proxy


def private_storage():
    """Where staff-only files go (``STORAGES["private"]``), out of the served media folder."""
    return private_storage_proxy


class ExportJob(models.Model):
    """A file of cohort data built by a Celery job (``cohorts.run_export``) and kept in storage.

    The row is the outbox: ``pending`` until a worker claims it, ``running`` while it writes
    (``progress`` in percent), then ``done`` with the file or ``failed`` with the reason. Only
    the requesting staff member and the school's admins may download the file.
    """

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress by module")
        GRADES = "grades", _("Grades of every response")
        MEASURES = "measures", _("Reliance measures by trainee")
        RESEARCH = "research", _("Pseudonymised research extract")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel workbook (XLSX)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey("schools.Cohort", on_delete=models.CASCADE, related_name="export_jobs")
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Only this course's data; empty for every course assigned to the cohort."),
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("content"), max_length=16, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    rows_written = models.PositiveIntegerField(default=0)
    salt = models.CharField(
        max_length=64, blank=True,
        help_text=_("Random key of the pseudonyms of a research extract; pseudonyms are stable within one export only."),
    )
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True, storage=private_storage)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("reason of the failure"), blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_job_progress_percent"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="export_job_done_has_file"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="export_job_pending_idx")]

    def __str__(self) -> str:
        return f"export {self.pk} {self.kind}.{self.format} ({self.status})"


class Attestation(models.Model):
    """Evidence that a trainee completed a course version (EU AI Act, Article 4 records).

    What the PDF shows is stored here at issue time (the version the trainee completed, its
    hours and competencies, the trainee's own completion date, the institution, its signatory
    and the student number), so the document and the public verification stay the same
    whatever happens to the course, the school or the progress later. A revoked attestation
    stays; re-issuing creates a new row that ``replaces`` it.
    """

    code = models.CharField(_("verification code"), max_length=24, unique=True)
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attestations")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey("schools.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="attestations")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("courses.CourseVersion", on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(_("holder"), max_length=300)
    holder_initials = models.CharField(_("holder's initials"), max_length=12)
    student_number = models.CharField(_("student number"), max_length=64, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    course_title = models.CharField(_("course"), max_length=200)
    version_number = models.PositiveIntegerField(_("version"))
    completed_at = models.DateTimeField(_("completed"))
    score = models.FloatField(_("score"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    competencies = models.JSONField(_("competencies covered"), default=list, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_reason = models.TextField(_("reason of the revocation"), blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by",
        help_text=_("The revoked attestation of the same trainee and version this one was issued after."),
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One valid attestation per trainee and version; revoked ones stay, as the history.
            models.UniqueConstraint(fields=["trainee", "version"], condition=Q(revoked_at__isnull=True),
                                    name="attestation_one_valid_per_version"),
            models.CheckConstraint(condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=1)),
                                   name="attestation_score_in_unit_interval"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.course_title} v{self.version_number}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
