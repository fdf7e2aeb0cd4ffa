"""Schools, their people and roles, cohorts, enrolments, course assignments, and the audit log.

The bottom of the school's world: courses, grading and analytics all scope what they do
through these rows, so they live below every app that asks "who may".
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 512 * 1024
_LOGO_SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}


def validate_logo(file) -> None:
    """A school's logo is a PNG or JPEG file (its name and first bytes agree) of at most 512 KB."""
    name = (getattr(file, "name", "") or "").lower()
    ext = next((e for e in _LOGO_SIGNATURES if name.endswith(e)), None)
    if ext is None:
        raise ValidationError(_("The logo must be a PNG or JPEG image."), code="logo_type")
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be at most 512 KB."), code="logo_size")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if not any(head.startswith(sig) for sig in _LOGO_SIGNATURES[ext]):
        raise ValidationError(_("The logo must be a PNG or JPEG image."), code="logo_type")


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    signatory_name = models.CharField(
        _("signatory"), max_length=200, blank=True, db_default="",
        help_text=_("The person who signs the school's training attestations."),
    )
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True, db_default="")
    logo = models.FileField(
        _("logo"), upload_to="schools/logos/", blank=True, db_default="", validators=[validate_logo],
        help_text=_("Printed on the attestations: a PNG or JPEG image of at most 512 KB."),
    )
    # Per-trainee charts, histograms and percentile ranks include a trainee only from this
    # many observations behind the figure (docs/measures.md, "Showing a measure").
    min_decisions = models.PositiveSmallIntegerField(
        _("minimum decisions for per-trainee figures"), default=10, db_default=10,
        help_text=_("A trainee appears in per-trainee charts, histograms and ranks only from this many decisions."),
    )
    # Off: the school's members sign in only through its identity providers (sso/); their
    # passwords are refused on every password sign-in page (sso.backends.LocalPasswordBackend).
    local_sign_in_allowed = models.BooleanField(
        _("local sign-in allowed"), default=True, db_default=True,
        help_text=_("Members may sign in with a Vigil password. Turn off to allow single sign-on only."),
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
    student_number = models.CharField(
        _("student number"), max_length=64, blank=True, db_default="",
        help_text=_("The number the school gives the trainee, printed on their attestations."),
    )

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
    # An archived cohort stays readable (its pages, records and attestations) but takes no new
    # answers: its assignments no longer count for starting or answering (schools.selectors).
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

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
    """A course assigned to a cohort; trainees take its latest published version.

    A completion is of one version and stays valid for it whatever is published later;
    ``retake_new_versions`` says whether a trainee who completed an older version is due for
    the new one (off: any completed version fulfils the assignment)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="assignments")
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    retake_new_versions = models.BooleanField(
        _("new versions must be retaken"), default=False, db_default=False,
        help_text=_("When a new version of the course is published, trainees who completed an older one "
                    "are due for it; their older completion stays valid for its version."),
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cohorts_assignment"  # the table it had in cohorts, kept
        constraints = [
            models.UniqueConstraint(fields=["cohort", "course"], name="assignment_unique"),
        ]


class Invitation(models.Model):
    """A link sent by e-mail for a new member to set their password: single use, expiring.

    Only a digest of the token is stored; the token itself is in the e-mail alone."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    token_digest = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-sent_at"]


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
