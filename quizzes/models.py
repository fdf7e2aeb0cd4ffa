"""Attempts, responses and grades.

The Response row is the grading outbox: its state says what is left to do, so a lost
broker message or a killed worker only delays grading (the sweeper re-enqueues).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Attempt(models.Model):
    """A trainee working through one module of one published course version."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    module = models.ForeignKey("courses.Module", on_delete=models.PROTECT, related_name="attempts")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    module_slug = models.SlugField(max_length=100)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "course", "module_slug"], condition=Q(status="open"),
                name="attempt_one_open_per_module",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(submitted_at__isnull=False),
                name="attempt_submitted_has_date",
            ),
        ]


class Response(models.Model):
    """A trainee's answer to one item within an attempt."""

    class State(models.TextChoices):
        UNAIDED = "unaided", _("Unaided answer given")
        SUBMITTED = "submitted", _("Waiting for grading")
        REVIEW = "review", _("Waiting for a faculty member")
        GRADED = "graded", _("Graded")
        FAILED = "failed", _("Grading failed")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    item = models.ForeignKey("courses.Item", on_delete=models.PROTECT, related_name="responses")
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    initial_answer = models.JSONField(_("unaided answer"), null=True, blank=True)
    initial_at = models.DateTimeField(null=True, blank=True)
    answer = models.JSONField(_("answer"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    grading_tries = models.PositiveIntegerField(default=0)
    failure_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["attempt", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "item"], name="response_one_per_item"),
            models.CheckConstraint(
                condition=Q(state="unaided") | (Q(answer__isnull=False) & Q(submitted_at__isnull=False)),
                name="response_submitted_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(state="unaided") | Q(initial_answer__isnull=False),
                name="response_unaided_has_initial_answer",
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="response_pending_idx")]


class Grade(models.Model):
    """The result of grading a response; one per response, recomputing overwrites it."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="grade")
    score = models.FloatField(_("score"))
    cbm_mark = models.SmallIntegerField(_("certainty-based mark"), null=True, blank=True)
    feedback = models.JSONField(default=list)
    detail = models.JSONField(default=dict)
    grader_version = models.CharField(max_length=40)
    is_final = models.BooleanField(default=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The faculty member who confirmed a manual grade."),
    )
    comment = models.TextField(_("comment"), blank=True)
    contribution = models.JSONField(
        default=dict, help_text=_("What this grade added to the trainee's counters, to undo on regrade."),
    )
    graded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="grade_score_in_unit_interval"),
        ]
