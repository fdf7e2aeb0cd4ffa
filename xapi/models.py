"""Each school's Learning Record Store, and the outbox of the statements sent to it.

The outbox row is written in the transaction of the change it reports (a grade, an attempt
opened, a module completed, attestations issued), so a statement can be late but never
lost: a delivery claims due rows, posts them, and marks them sent; an LRS that is down
only moves ``next_attempt_at`` on (backoff), and the beat sweeper enqueues the delivery
again. The statement id is the primary key, so a statement written twice is one row, and
the LRS, which keeps one statement per id, takes a re-sent one as the same statement.
"""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_pseudonym_key() -> str:
    return secrets.token_hex(32)


class LrsSettings(models.Model):
    """Where a school's statements go, with what credentials, and how its trainees are named."""

    class ActorMode(models.TextChoices):
        LMS = "lms", _("Account: the trainee's identifier in the school's LMS (LTI)")
        SSO = "sso", _("Account: the trainee's single sign-on identifier (SAML)")
        PSEUDONYM = "pseudonym", _("Pseudonym: a stable code, not linkable across schools")

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="lrs_settings")
    enabled = models.BooleanField(_("send statements"), default=False)
    endpoint = models.URLField(_("LRS endpoint"), max_length=500, blank=True,
                               help_text=_("The LRS's xAPI base, e.g. https://lrs.example.org/xAPI/"))
    key = models.CharField(_("key (user name)"), max_length=200, blank=True)
    secret = models.CharField(_("secret (password)"), max_length=500, blank=True)
    actor_mode = models.CharField(_("trainees identified by"), max_length=12, choices=ActorMode.choices,
                                  default=ActorMode.PSEUDONYM)
    home_page = models.URLField(_("pseudonyms' home page"), max_length=500, blank=True,
                                help_text=_("The address pseudonyms are given under (Vigil's own when empty). "
                                            "LMS and SSO identifiers are given under their platform's issuer "
                                            "or their identity provider's entity id."))
    pseudonym_key = models.CharField(max_length=64, default=new_pseudonym_key, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LRS settings")
        verbose_name_plural = _("LRS settings")
        constraints = [
            models.CheckConstraint(condition=Q(enabled=False) | ~Q(endpoint=""), name="lrs_enabled_has_endpoint"),
        ]


class OutboxStatement(models.Model):
    """One xAPI statement to send to a school's LRS."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused by the LRS")

    id = models.UUIDField(primary_key=True, editable=False, help_text=_("The statement id."))
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    # Whom it is about (None: no one, e.g. a voiding statement): erasing a member deletes their rows.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True,
                             blank=True)
    verb = models.CharField(_("what it says"), max_length=32)
    statement = models.JSONField()
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["school", "status", "next_attempt_at"], name="outbox_due_idx"),
        ]


class PendingResult(models.Model):
    """A graded answer whose result (score, success, whether the AI was right) is not sent
    yet because its feedback is not due: the 'scored' statement follows once it is."""

    response = models.OneToOneField("quizzes.Response", on_delete=models.CASCADE, related_name="+", primary_key=True)
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class ReportedResult(models.Model):
    """The statement that told the LRS the result of an answer now, and that result: when a
    regrade, a key or truth fix or a changed manual grade changes it, that statement is
    voided and a new ``scored`` statement (``revision`` + 1) carries the new result."""

    response = models.OneToOneField("quizzes.Response", on_delete=models.CASCADE, related_name="+", primary_key=True)
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    statement_id = models.UUIDField()
    result = models.JSONField()
    revision = models.PositiveIntegerField(default=0)
