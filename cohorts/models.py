"""Schools, their people and cohorts, course assignments, and per-trainee aggregates.

ModuleProgress and MeasureCounter are maintained incrementally by the grading task (in
the same transaction as the grade), so a dashboard reads sums, never raw responses.
"""
from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Where staff-only files go (``STORAGES["private"]``), out of the served media folder."""
    return storages["private"]


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
        # The school's audit log page and API: one school's events, newest first.
        indexes = [models.Index(fields=["school", "at"], name="audit_event_school_at")]


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

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="export_jobs")
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

    What the PDF shows is stored here at issue time, so the document and the public
    verification stay the same whatever happens to the course or the progress later.
    """

    code = models.CharField(_("verification code"), max_length=24, unique=True)
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attestations")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="attestations")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("courses.CourseVersion", on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(_("holder"), max_length=300)
    holder_initials = models.CharField(_("holder's initials"), max_length=12)
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

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "version"], name="attestation_one_per_version"),
            models.CheckConstraint(condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=1)),
                                   name="attestation_score_in_unit_interval"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.course_title} v{self.version_number}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


# ---------------------------------------------------------------- trends
# The reliance counters of DESIGN.md that the trend pages plot, kept per day of answering
# and per module completed beforehand, so a trend is a GROUP BY over a few rows per trainee
# instead of a walk over every grade (10,000 trainees: 400,000 grades).

TREND_COUNTERS = (
    "items.n", "items.score", "rel.R.n", "rel.R.accepted", "rel.R.correct", "rel.W.n", "rel.W.accepted",
    "rel.W.correct", "conf.n", "conf.brier", "rair.num", "rair.den", "rsr.num", "rsr.den",
    "sw.right.right", "sw.right.wrong", "sw.wrong.right", "sw.wrong.wrong",
)
# The counters only a decision on an AI output adds (``cohorts.contributions._reliance``).
RELIANCE_TREND_COUNTERS = tuple(name for name in TREND_COUNTERS if not name.startswith("items."))


def trend_column(name: str) -> str:
    """The column of a trend counter: ``rel.W.accepted`` → ``rel_w_accepted``."""
    return name.replace(".", "_").lower()


class TrendCounters(models.Model):
    """One float column per name of ``TREND_COUNTERS``, each a running sum (0 in the database
    by default, so an upsert names only the counters it moves)."""

    items_n = models.FloatField(db_default=0.0)
    items_score = models.FloatField(db_default=0.0)
    rel_r_n = models.FloatField(db_default=0.0)
    rel_r_accepted = models.FloatField(db_default=0.0)
    rel_r_correct = models.FloatField(db_default=0.0)
    rel_w_n = models.FloatField(db_default=0.0)
    rel_w_accepted = models.FloatField(db_default=0.0)
    rel_w_correct = models.FloatField(db_default=0.0)
    conf_n = models.FloatField(db_default=0.0)
    conf_brier = models.FloatField(db_default=0.0)
    rair_num = models.FloatField(db_default=0.0)
    rair_den = models.FloatField(db_default=0.0)
    rsr_num = models.FloatField(db_default=0.0)
    rsr_den = models.FloatField(db_default=0.0)
    sw_right_right = models.FloatField(db_default=0.0)
    sw_right_wrong = models.FloatField(db_default=0.0)
    sw_wrong_right = models.FloatField(db_default=0.0)
    sw_wrong_wrong = models.FloatField(db_default=0.0)

    class Meta:
        abstract = True


class AnswerDay(TrendCounters):
    """What a trainee's final grades added, by the day they answered, in one module.

    The day is that of the answer (``Response.submitted_at``, in the site's time zone), so a
    late manual grade or a regrade moves the figures of the week the trainee answered in.
    """

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    module_slug = models.SlugField(max_length=100)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course", "module_slug", "day"], name="answer_day_unique"),
        ]


class AnswerAfterModule(TrendCounters):
    """What a trainee's decisions on AI outputs added after they had completed a module.

    Written when a decision is graded, for every module the trainee had completed before
    answering it (other than the decision's own module). A module's completion time never
    changes once set, so the split stays exact through regrades; "before" is the
    trainee's total in the other modules minus this.
    """

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+",
                               help_text=_("The course of the decisions."))
    module_course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+",
                                      help_text=_("The course of the module completed before."))
    module_slug = models.SlugField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trainee", "module_course", "module_slug", "course"],
                                    name="answer_after_module_unique"),
        ]
