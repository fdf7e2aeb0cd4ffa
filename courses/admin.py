"""Django admin for course content: a fallback editor for staff, not the authoring UI.

Published content is immutable, so every object that belongs to a version other than a
draft is shown read-only (no change, no delete, no inline add), and new rows can only be
attached to drafts. Publishing, withdrawing and drafting go through the services, as
admin actions, so the admin cannot skip the completeness check.
"""
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from training.errors import ApplicationError

from . import services
from .models import (
    Artifact, Case, Competency, Course, CourseVersion, FailureMode, Item, ItemKey, Lesson, MediaAsset, Module,
)

DRAFT = CourseVersion.Status.DRAFT


def _version_of(obj) -> CourseVersion | None:
    """The version an object belongs to (None for objects not yet saved)."""
    if obj is None or obj.pk is None:
        return None
    if isinstance(obj, CourseVersion):
        return obj
    if isinstance(obj, (Module, MediaAsset)):
        return obj.version
    if isinstance(obj, (Lesson, Case)):
        return obj.module.version
    if isinstance(obj, (Artifact, Item)):
        return obj.case.module.version
    if isinstance(obj, ItemKey):
        return obj.item.case.module.version
    return None


def _locked(obj) -> bool:
    version = _version_of(obj)
    return version is not None and version.status != DRAFT


class LockedUnlessDraftMixin:
    """Read-only for anything under a published or withdrawn version."""

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        # Inlines receive the parent object; top-level admins receive nothing.
        if obj is not None and _locked(obj):
            return False
        return super().has_add_permission(request, obj) if isinstance(self, admin.options.InlineModelAdmin) \
            else super().has_add_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """New content can only be attached to drafts."""
        related = {
            "version": CourseVersion.objects.filter(status=DRAFT),
            "module": Module.objects.filter(version__status=DRAFT),
            "case": Case.objects.filter(module__version__status=DRAFT),
        }
        if db_field.name in related:
            kwargs.setdefault("queryset", related[db_field.name])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Competency, FailureMode)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class CourseVersionInline(admin.TabularInline):
    model = CourseVersion
    fields = ("number", "status", "title", "language", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # versions are made by drafting, importing or publishing


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("slug", "school", "owner", "created_at")
    search_fields = ("slug", "versions__title")
    list_filter = ("school",)
    autocomplete_fields = ("owner", "coauthors")
    inlines = [CourseVersionInline]
    actions = ["create_draft"]

    @admin.action(description=gettext_lazy("Create a draft from the latest version"))
    def create_draft(self, request, queryset):
        for course in queryset:
            try:
                version = services.course_version_create_draft(course=course, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{course}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(version)s created.") % {"version": version}, messages.SUCCESS)


class ModuleInline(LockedUnlessDraftMixin, admin.TabularInline):
    model = Module
    fields = ("position", "slug", "title", "feedback_policy")
    extra = 0
    show_change_link = True


class MediaAssetInline(admin.TabularInline):
    model = MediaAsset
    fields = ("path", "file", "content_type", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # media arrive with a package; their type and size are checked there


@admin.register(CourseVersion)
class CourseVersionAdmin(LockedUnlessDraftMixin, admin.ModelAdmin):
    list_display = ("course", "number", "status", "title", "language", "published_at")
    list_filter = ("status", "language")
    search_fields = ("course__slug", "title")
    fields = ("course", "number", "status", "language", "title", "summary", "hours", "created_by", "published_at")
    readonly_fields = ("course", "number", "status", "created_by", "published_at")
    inlines = [ModuleInline, MediaAssetInline]
    actions = ["publish", "withdraw"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Publish the selected drafts"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.course_version_publish(version=version, user=request.user)
            except ApplicationError as exc:
                problems = [f"{path}: {'; '.join(found)}" for path, found in exc.errors.items()]
                self.message_user(request, " ".join([f"{version}: {exc.message}", *problems[:10]]), messages.ERROR)
            else:
                self.message_user(request, _("%(version)s published.") % {"version": version}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Withdraw the selected published versions"))
    def withdraw(self, request, queryset):
        for version in queryset:
            try:
                services.course_version_withdraw(version=version, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(version)s withdrawn.") % {"version": version}, messages.SUCCESS)


class LessonInline(LockedUnlessDraftMixin, admin.StackedInline):
    model = Lesson
    fields = ("position", "slug", "title", "body")
    extra = 0


class CaseInline(LockedUnlessDraftMixin, admin.TabularInline):
    model = Case
    fields = ("position", "slug", "title")
    extra = 0
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(LockedUnlessDraftMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "version", "position", "feedback_policy")
    list_filter = ("version__status",)
    search_fields = ("slug", "title", "version__course__slug")
    list_select_related = ("version__course",)
    inlines = [LessonInline, CaseInline]


class ArtifactInline(LockedUnlessDraftMixin, admin.StackedInline):
    model = Artifact
    fields = ("position", "slug", "kind", "title", "source", "content", "ai_correct", "failure_modes",
              "truth_explanation")
    filter_horizontal = ("failure_modes",)
    extra = 0
    show_change_link = True


class ItemInline(LockedUnlessDraftMixin, admin.TabularInline):
    model = Item
    fields = ("position", "slug", "type", "artifact", "prompt")
    extra = 0
    show_change_link = True


@admin.register(Case)
class CaseAdmin(LockedUnlessDraftMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "module", "position")
    search_fields = ("slug", "title")
    list_select_related = ("module__version__course",)
    inlines = [ArtifactInline, ItemInline]


class ItemKeyInline(LockedUnlessDraftMixin, admin.StackedInline):
    model = ItemKey
    fields = ("answer", "rationale")
    can_delete = False


@admin.register(Item)
class ItemAdmin(LockedUnlessDraftMixin, admin.ModelAdmin):
    list_display = ("slug", "type", "case", "position")
    list_filter = ("type", "case__module__version__status")
    search_fields = ("slug", "prompt", "case__slug")
    list_select_related = ("case__module__version",)
    filter_horizontal = ("competencies", "failure_modes")
    inlines = [ItemKeyInline]


@admin.register(Artifact)
class ArtifactAdmin(LockedUnlessDraftMixin, admin.ModelAdmin):
    list_display = ("slug", "kind", "case", "ai_correct")
    list_filter = ("kind", "ai_correct")
    search_fields = ("slug", "title", "case__slug")
    filter_horizontal = ("failure_modes",)


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ("path", "version", "content_type", "size")
    search_fields = ("path", "sha256")
    readonly_fields = ("version", "path", "file", "content_type", "size", "sha256")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
