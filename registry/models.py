"""The AI tool register: the tools a school's people use, who uses them and the training each
requires (issue 15, parts 1 and 2)."""
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Model cards go to the staff-only storage, read through the view that checks who asks."""
    return storages["private"]


class ToolCategory(models.Model):
    """A category of use of an AI tool (seeded from ``registry.taxonomy``, editable)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    artifact_kinds = models.JSONField(
        _("kinds of AI output"), default=list, blank=True,
        help_text=_("The kinds of AI output (text, prediction, image, model_card, chat) such a tool produces: "
                    "modules whose cases show them are suggested as its training."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("category of use")
        verbose_name_plural = _("categories of use")

    def __str__(self) -> str:
        return self.name


class Tool(models.Model):
    class Status(models.TextChoices):
        EVALUATED = "evaluated", _("Evaluated")
        PILOT = "pilot", _("Pilot")
        DEPLOYED = "deployed", _("Deployed")
        RETIRED = "retired", _("Retired")

    class DeviceClass(models.TextChoices):
        NONE = "", _("Not a medical device")
        I = "I", _("Class I")  # noqa: E741
        IIA = "IIa", _("Class IIa")
        IIB = "IIb", _("Class IIb")
        III = "III", _("Class III")

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="ai_tools")
    name = models.CharField(_("name"), max_length=200)
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    version = models.CharField(_("version"), max_length=64, blank=True)
    category = models.ForeignKey(ToolCategory, on_delete=models.PROTECT, related_name="tools",
                                 verbose_name=_("category of use"))
    intended_use = models.TextField(_("intended use"), blank=True)
    intended_users = models.TextField(_("intended users"), blank=True)
    high_risk = models.BooleanField(_("high-risk under the AI Act"), default=False)
    device_class = models.CharField(_("medical-device class"), max_length=4, choices=DeviceClass.choices,
                                    blank=True, default="")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.EVALUATED)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    pilot_on = models.DateField(_("pilot from"), null=True, blank=True)
    deployed_on = models.DateField(_("deployed on"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    known_limits = models.TextField(_("known limits"), blank=True)
    model_card_url = models.URLField(_("model card (link)"), max_length=500, blank=True)
    # An attached model card (a PDF, or Markdown or plain text: registry.model_cards): its file
    # under a name of ours, and the name, type and size it was uploaded with.
    model_card_file = models.FileField(_("model card (file)"), upload_to="model-cards/%Y/%m/", blank=True,
                                       storage=private_storage)
    model_card_name = models.CharField(_("model card's file name"), max_length=200, blank=True)
    model_card_type = models.CharField(_("model card's type"), max_length=32, blank=True)
    model_card_size = models.PositiveIntegerField(_("model card's size in bytes"), default=0)
    failure_modes = models.ManyToManyField("courses.FailureMode", blank=True, related_name="tools",
                                           verbose_name=_("failure modes"))
    user_roles = models.JSONField(_("roles that use it"), default=list, blank=True)
    departments = models.JSONField(_("departments that use it"), default=list, blank=True)
    cohorts = models.ManyToManyField("schools.Cohort", blank=True, related_name="ai_tools",
                                     verbose_name=_("cohorts that use it"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("AI tool")
        verbose_name_plural = _("AI tools")
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="registry_tool_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def user_role_labels(self) -> list[str]:
        from schools.models import Role

        return [str(Role(r).label) for r in self.user_roles if r in Role.values]


class RequiredTraining(models.Model):
    """A course, or one module of it (by slug, across its versions), the tool's users must complete."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="training")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    module_slug = models.SlugField(_("module"), max_length=100, blank=True, default="")

    class Meta:
        ordering = ["course__slug", "module_slug"]
        constraints = [models.UniqueConstraint(fields=["tool", "course", "module_slug"],
                                               name="registry_training_unique")]

    @property
    def reference(self) -> str:
        """``course-slug`` or ``course-slug/module-slug``: how the CSV and the API name it."""
        return f"{self.course.slug}/{self.module_slug}" if self.module_slug else self.course.slug
