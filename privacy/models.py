"""What Vigil keeps to meet a school's data-protection duties (GDPR).

A school's policy (how long identifying data is kept after a cohort ends, what becomes of
attestations when a member is erased, its privacy notice), the members' acknowledgements of
that notice, the archives of a member's data (access and portability, built by a Celery job),
and the notices of an automatic erasure sent to the school's admins before it runs.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.storage import private_storage as private_storage_proxy


def private_storage():
    """Archives of personal data go to the staff-only storage, never to served media."""
    return private_storage_proxy


class PrivacyPolicy(models.Model):
    """One school's data-protection settings; a school without a row keeps data until erased by
    hand, keeps attestations on erasure and shows no notice."""

    class OnErasure(models.TextChoices):
        KEEP = "keep", _("Keep them valid under the pseudonym")
        REVOKE = "revoke", _("Revoke them")

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="privacy_policy")
    retention_days = models.PositiveIntegerField(
        _("days identifying data is kept after a cohort is archived"), null=True, blank=True,
        help_text=_("Empty: kept until a school admin erases the member."),
    )
    attestations_on_erasure = models.CharField(
        _("attestations of an erased member"), max_length=8, choices=OnErasure.choices, default=OnErasure.KEEP,
    )
    notice_en = models.TextField(_("privacy notice (English)"), blank=True)
    notice_fr = models.TextField(_("privacy notice (French)"), blank=True)
    notice_version = models.PositiveIntegerField(
        _("notice version"), default=0,
        help_text=_("Raised whenever the notice changes, so that members read it again at their next sign-in."),
    )
    contact = models.CharField(_("data-protection contact"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("privacy policy")
        verbose_name_plural = _("privacy policies")

    def __str__(self) -> str:
        return f"privacy policy of {self.school}"

    @property
    def has_notice(self) -> bool:
        return bool(self.notice_en.strip() or self.notice_fr.strip())


class NoticeAcknowledgement(models.Model):
    """A member read a version of their school's privacy notice (shown at their first sign-in
    and again when it changes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "version"], name="notice_ack_once_per_version"),
        ]


class DataExport(models.Model):
    """An archive of everything Vigil holds about one member (GDPR articles 15 and 20).

    Asked by the member (every school's data) or by an admin of a school for a member who
    asked in writing (that school's data). The row is the outbox, as export jobs are:
    ``pending`` until a worker claims it, then ``done`` with the file or ``failed`` with the
    reason; only the member and the admins of its school may download it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("Only this school's data; empty when the member asked for all of theirs."),
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="personal-data/%Y/%m/", blank=True, storage=private_storage)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("reason of the failure"), blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="data_export_done_has_file"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="data_export_pending_idx")]

    def __str__(self) -> str:
        return f"personal data export {self.pk} ({self.status})"


class RetentionNotice(models.Model):
    """The warning sent to a school's admins that identifying data of these members will be
    erased on ``erase_on``; the automatic erasure runs only after its notice was sent."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    erase_on = models.DateField(_("erased on"))
    member_ids = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)
    carried_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
