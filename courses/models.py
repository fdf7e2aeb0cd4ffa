"""Course content: Course ─ CourseVersion ─ Module ─ Lesson / Case ─ Artifact / Item.

Every piece of content belongs to one CourseVersion. A published version is immutable
(services refuse to change it); editing makes a new draft by copying the tree, so attempts
keep pointing at the version they were taken on.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Competency(models.Model):
    """A competency of the AI-literacy framework (seeded, editable by admins)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FailureMode(models.Model):
    """A way an AI output fails (seeded, editable by admins)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("failure mode")
        verbose_name_plural = _("failure modes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        """Its name in the reader's language: a seeded name (``courses.taxonomy``) is in the
        catalogue; one changed in the Django admin shows as written."""
        return gettext(self.name) if self.name else ""


class Course(models.Model):
    """The identity of a course across its versions, named by its slug."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT,
        related_name="courses", verbose_name=_("school"),
        help_text=_("The school that owns the course; empty for platform-wide content."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_courses", verbose_name=_("owner"),
    )
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coauthored_courses",
        verbose_name=_("co-authors"),
    )
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="translations",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.slug


class CourseVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="course_version_number_unique"),
            models.UniqueConstraint(
                fields=["course"], condition=Q(status="draft"), name="course_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="course_version_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.slug} v{self.number} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Module(models.Model):
    class FeedbackPolicy(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately after grading")
        AFTER_ATTEMPT = "after_attempt", _("After the attempt is submitted")
        AFTER_DUE = "after_due", _("After the due date")

    version = models.ForeignKey(CourseVersion, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(_("slug"), max_length=100)
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    feedback_policy = models.CharField(
        _("feedback policy"), max_length=16, choices=FeedbackPolicy.choices,
        default=FeedbackPolicy.IMMEDIATE,
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="module_slug_unique"),
            models.UniqueConstraint(
                fields=["version", "position"], name="module_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField(_("slug"), max_length=100)
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_slug_unique"),
            models.UniqueConstraint(
                fields=["module", "position"], name="lesson_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Case(models.Model):
    """A synthetic patient vignette with the AI outputs to critique and the items asked."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="cases")
    slug = models.SlugField(_("slug"), max_length=100)
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    vignette = models.TextField(_("vignette (Markdown)"), blank=True)

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="case_slug_unique"),
            models.UniqueConstraint(
                fields=["module", "position"], name="case_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Artifact(models.Model):
    """An AI output shown in a case, with its ground truth (never shown before grading)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("AI-generated text")
        PREDICTION = "prediction", _("Prediction")
        IMAGE = "image", _("Image with AI overlay")
        MODEL_CARD = "model_card", _("Model card")
        CHAT = "chat", _("Chat with an LLM")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="artifacts")
    slug = models.SlugField(_("slug"), max_length=100)
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    source = models.TextField(_("source"), blank=True)
    content = models.JSONField(_("content"), default=dict)
    ai_correct = models.BooleanField(_("AI output is correct"))
    failure_modes = models.ManyToManyField(FailureMode, blank=True, related_name="artifacts")
    truth_explanation = models.TextField(_("ground truth explanation"), blank=True)

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "slug"], name="artifact_slug_unique"),
            models.UniqueConstraint(fields=["case", "position"], name="artifact_position_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """A question asked about a case. Its key lives in ItemKey, apart from what trainees see."""

    class Type(models.TextChoices):
        ERROR_SPANS = "error_spans", _("Find the errors")
        RELIANCE_DECISION = "reliance_decision", _("Accept or override the AI")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        NUMERIC = "numeric", _("Numeric")
        SCRIPT_CONCORDANCE = "script_concordance", _("Script concordance")
        FREE_TEXT = "free_text", _("Free text")
        SHORT_ANSWER = "short_answer", _("Short answer")
        MATCHING = "matching", _("Matching")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    slug = models.SlugField(_("slug"), max_length=100)
    position = models.PositiveIntegerField(_("position"))
    type = models.CharField(_("type"), max_length=24, choices=Type.choices)
    artifact = models.ForeignKey(
        Artifact, null=True, blank=True, on_delete=models.RESTRICT, related_name="items",
    )
    prompt = models.TextField(_("prompt (Markdown)"))
    spec = models.JSONField(_("what the trainee sees"), default=dict)
    competencies = models.ManyToManyField(Competency, related_name="items")
    failure_modes = models.ManyToManyField(FailureMode, blank=True, related_name="items")
    # What a question bank knew the question by: free tags and the bank's own id (Moodle's
    # ``<tags>`` and ``<idnumber>``), kept so that an export gives them back.
    tags = models.JSONField(_("tags"), default=list, blank=True)
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "slug"], name="item_slug_unique"),
            models.UniqueConstraint(
                fields=["case", "position"], name="item_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.slug}/{self.slug}"

    @property
    def decide_first(self) -> bool:
        return self.type == self.Type.RELIANCE_DECISION and bool(self.spec.get("decide_first"))


class ItemKey(models.Model):
    """The answer key and expert rationale of an item: staff-only until feedback is due."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="key", primary_key=True)
    answer = models.JSONField(_("answer key"), default=dict)
    rationale = models.TextField(_("expert rationale (Markdown)"), blank=True)
    # Moodle shows a hint after a wrong try; Vigil grades one try, so hints are shown with
    # the feedback, after grading, and wait for it as the key does.
    hints = models.JSONField(_("hints (Markdown)"), default=list, blank=True)

    def __str__(self) -> str:
        return f"key of {self.item_id}"


class MediaAsset(models.Model):
    """A file a version's artifacts reference by its package path (e.g. media/cxr.svg).

    Rows are copied with the version; files are stored once, named by their content hash.
    """

    version = models.ForeignKey(CourseVersion, on_delete=models.CASCADE, related_name="media")
    path = models.CharField(_("path in the package"), max_length=255)
    file = models.FileField(_("file"), upload_to="courses/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "path"], name="media_path_unique"),
        ]


def _private_storage():
    """Uploads waiting for their import job: staff-only storage (``STORAGES["private"]``),
    shared by web and workers, never served."""
    from training.storage import private_storage

    return private_storage


class ImportJob(models.Model):
    """A large upload imported by a Celery job (``courses.run_import``), not in the request.

    The row is the outbox, as for exports: ``pending`` until a worker claims it, ``running``
    (``progress`` in percent), then ``done`` with ``result`` (the questions' report, or the
    version a package became) or ``failed`` with the reason and ``result["problems"]`` (each
    problem with its place in the file; nothing was imported). The upload waits in private
    storage and is deleted once the job is finished. Only its requester sees the job.
    """

    class Kind(models.TextChoices):
        PACKAGE = "package", _("Course package")
        QUESTIONS = "questions", _("Moodle XML or GIFT questions")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    kind = models.CharField(_("content"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        CourseVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs",
        help_text=_("Questions: the draft they go into. Package: the version it became, once done."),
    )
    source_name = models.CharField(_("file name"), max_length=200)
    upload = models.FileField(upload_to="imports/%Y/%m/", blank=True, storage=_private_storage)
    options = models.JSONField(default=dict, blank=True, help_text=_("What the author chose with the upload."))
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("reason of the failure"), blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="import_job_progress_percent")]
        indexes = [models.Index(fields=["status", "created_at"], name="import_job_pending_idx")]

    def __str__(self) -> str:
        return f"import {self.pk} {self.kind} ({self.status})"
