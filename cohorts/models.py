"""Schools, their people and cohorts, course assignments, and per-trainee aggregates.

ModuleProgress and MeasureCounter are maintained incrementally by the grading task (in
the same transaction as the grade), so a dashboard reads sums, never raw responses.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    TRAINEE = "trainee", _("Trainee")
    FACULTY = "faculty", _("Faculty")
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("School admin")


class Membership(models.Model):
    """A person's role in a school: every permission check is scoped through it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "user", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.school}"


class Cohort(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    year = models.PositiveSmallIntegerField(_("academic year"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "slug"], name="cohort_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """A trainee taking, or a faculty member teaching, a cohort."""

    class CohortRole(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        FACULTY = "faculty", _("Faculty")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(_("role"), max_length=12, choices=CohortRole.choices, default=CohortRole.TRAINEE)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="enrollment_unique"),
        ]


class Assignment(models.Model):
    """A course assigned to a cohort; trainees take its latest published version."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="assignments")
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "course"], name="assignment_unique"),
        ]


class ModuleProgress(models.Model):
    """How far one trainee is in one module of a course (across the course's versions)."""

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    module_slug = models.SlugField(max_length=100)
    items_total = models.PositiveIntegerField(default=0)
    items_graded = models.PositiveIntegerField(default=0)
    score_sum = models.FloatField(default=0.0)
    started_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course", "module_slug"], name="module_progress_unique"),
            models.CheckConstraint(condition=Q(score_sum__gte=-1e-9), name="module_progress_score_nonnegative"),
        ]

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.items_graded if self.items_graded else None


class MeasureCounter(models.Model):
    """One named running sum of a trainee in a course (e.g. ``rel.W.accepted``).

    Counters are the additive parts of the reliance measures; measures are ratios of sums,
    so a cohort's figures are one GROUP BY away whatever its size.
    """

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="measure_counters")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=64)
    value = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course", "name"], name="measure_counter_unique"),
        ]


class AuditEvent(models.Model):
    """A record of staff reading identifiable trainee data or changing grades (who, what, when)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=64)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The trainee whose data was read or changed, when there is one."),
    )
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
