"""Schools, their people and roles, cohorts, enrolments, course assignments, and the audit log.

The bottom of the school's world: courses, grading and analytics all scope what they do
through these rows, so they live below every app that asks "who may".
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    # Per-trainee charts, histograms and percentile ranks include a trainee only from this
    # many observations behind the figure (docs/measures.md, "Showing a measure").
    min_decisions = models.PositiveSmallIntegerField(
        _("minimum decisions for per-trainee figures"), default=10, db_default=10,
        help_text=_("A trainee appears in per-trainee charts, histograms and ranks only from this many decisions."),
    )

    class Meta:
        db_table = "cohorts_school"  # the table it had in cohorts, kept
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
        db_table = "cohorts_membership"  # the table it had in cohorts, kept
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
        db_table = "cohorts_cohort"  # the table it had in cohorts, kept
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
        db_table = "cohorts_enrollment"  # the table it had in cohorts, kept
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
        db_table = "cohorts_assignment"  # the table it had in cohorts, kept
        constraints = [
            models.UniqueConstraint(fields=["cohort", "course"], name="assignment_unique"),
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
        db_table = "cohorts_auditevent"  # the table it had in cohorts, kept
        ordering = ["-at"]
        # The school's audit log page and API: one school's events, newest first.
        indexes = [models.Index(fields=["school", "at"], name="audit_event_school_at")]
