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
    swept_at = models.DateTimeField(
        null=True, blank=True,
        help_text=_("When the sweeper last enqueued its grading again; it waits a full timeout before the next time."),
    )
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

    class Confidence(models.IntegerChoices):
        """How sure an automatic free-text suggestion is (``detail.confidence``), lowest first."""

        LOW = 1, _("low")
        MEDIUM = 2, _("medium")
        HIGH = 3, _("high")

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
    suggestion_confidence = models.PositiveSmallIntegerField(
        _("confidence of the suggestion"), choices=Confidence.choices, null=True, blank=True,
        help_text=_("Of a free-text suggestion (a copy of detail.confidence.rank, to sort the grading queue); "
                    "empty for other types and for suggestions made before it was measured."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="grade_score_in_unit_interval"),
        ]


# ---------------------------------------------------------------- key fixes and regrades
# (the faculty studio)


class TruthFix(models.Model):
    """An audited change of the ground truth of an AI output in a published version.

    Whether the AI output is right, and the failure modes it shows, are fixed here with a
    reason; the reliance decisions about it get the key that goes with the new truth (one
    KeyFix each, ``key_fixes``), and their regrade jobs move the trainees' reliance figures.
    """

    artifact = models.ForeignKey("courses.Artifact", on_delete=models.PROTECT, related_name="truth_fixes")
    old_correct = models.BooleanField(_("AI output correct before"))
    new_correct = models.BooleanField(_("AI output correct after"))
    old_failure_modes = models.JSONField(_("failure modes before"), default=list)
    new_failure_modes = models.JSONField(_("failure modes after"), default=list)
    reason = models.TextField(_("reason"))
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    fixed_at = models.DateTimeField(auto_now_add=True)
    draft_artifact = models.ForeignKey(
        "courses.Artifact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The same AI output in the course's draft, when its ground truth was fixed too."),
    )
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="twin_fixes",
        help_text=_("The fix this one repeats: the same AI output in another version, fixed with it at once."),
    )

    class Meta:
        ordering = ["-fixed_at", "-id"]


class KeyFix(models.Model):
    """An audited change of the answer key of an item in a published version.

    Published content is immutable except through this one path: the old and the new key,
    who changed it, when and why are kept, and a regrade job brings the grades in line.
    """

    item = models.ForeignKey("courses.Item", on_delete=models.PROTECT, related_name="key_fixes")
    old_answer = models.JSONField(_("key before"))
    new_answer = models.JSONField(_("key after"))
    reason = models.TextField(_("reason"))
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    fixed_at = models.DateTimeField(auto_now_add=True)
    draft_item = models.ForeignKey(
        "courses.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The same item in the course's draft, when its key was fixed too."),
    )
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="twin_fixes",
        help_text=_("The fix this one repeats: the same item in another version, fixed with it at once."),
    )
    truth_fix = models.ForeignKey(
        TruthFix, null=True, blank=True, on_delete=models.PROTECT, related_name="key_fixes",
        help_text=_("The ground-truth fix of the AI output this key follows from."),
    )

    class Meta:
        ordering = ["-fixed_at", "-id"]


class RegradeJob(models.Model):
    """Regrading the responses of one item with its current key: a dry run, then the run.

    The job row is the audit record (who asked, when, why, the key used, the dry-run
    figures, the grades before and after) and the progress of the run: ``cursor`` is the
    last response id done, so a run that stops resumes where it was, and a response done
    twice is graded to the same result (the grade is an upsert).
    """

    class Status(models.TextChoices):
        DRY_RUN = "dry_run", _("Dry run in progress")
        READY = "ready", _("Dry run done; waiting for confirmation")
        RUNNING = "running", _("Regrading")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    item = models.ForeignKey("courses.Item", on_delete=models.PROTECT, related_name="regrade_jobs")
    key_fix = models.ForeignKey(KeyFix, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRY_RUN)
    reason = models.TextField(_("reason"))
    key_answer = models.JSONField(_("key used"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    dry_run = models.JSONField(_("dry-run figures"), default=dict, blank=True)
    dry_run_seconds = models.FloatField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    cursor = models.BigIntegerField(default=0)
    before = models.JSONField(_("grades before"), default=dict, blank=True)
    after = models.JSONField(_("grades after"), default=dict, blank=True)
    error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status__in=["dry_run", "ready", "running"]),
                name="regrade_one_open_job_per_item",
            ),
        ]

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)


class RegradeChange(models.Model):
    """One grade a regrade changed: the score before and after (the per-response audit)."""

    job = models.ForeignKey(RegradeJob, on_delete=models.CASCADE, related_name="changes")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    old_score = models.FloatField(null=True)
    new_score = models.FloatField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "response"], name="regrade_change_once_per_job"),
        ]


class RaterMark(models.Model):
    """One faculty member's points per rubric criterion for a free-text response.

    The first mark confirms the grade; a second rater's mark is kept beside it, blind to
    the first, so the agreement between raters (Cohen's kappa) can be shown per item.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="rater_marks")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.JSONField(_("points per criterion"))
    comment = models.TextField(_("comment"), blank=True)
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["marked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "rater"], name="rater_mark_once_per_rater"),
        ]
