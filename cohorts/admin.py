from django.contrib import admin

from training.admin_mixins import RecordAdmin

from .models import (
    AnswerAfterModule,
    AnswerDay,
    Assignment,
    Attestation,
    AuditEvent,
    Cohort,
    Enrollment,
    ExportJob,
    MeasureCounter,
    Membership,
    ModuleProgress,
    School,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["user"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "year"]
    list_filter = ["school", "year"]
    search_fields = ["name"]
    inlines = [EnrollmentInline, AssignmentInline]


@admin.register(ModuleProgress)
class ModuleProgressAdmin(RecordAdmin):
    list_display = ["trainee", "course", "module_slug", "items_graded", "items_total", "completed_at"]
    list_filter = ["course"]


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = ["at", "actor", "action", "cohort", "subject"]
    list_filter = ["action"]


@admin.register(ExportJob)
class ExportJobAdmin(RecordAdmin):
    list_display = ["id", "cohort", "kind", "format", "status", "progress", "requested_by", "created_at"]
    list_filter = ["status", "kind", "format"]
    list_select_related = ["cohort", "requested_by"]
    exclude = ["salt"]  # the research extract's pseudonym key stays out of sight

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "salt"]


@admin.register(Attestation)
class AttestationAdmin(RecordAdmin):
    """Revocation goes through the school's attestation page (audited), not here."""

    list_display = ["code", "holder_name", "course_title", "version_number", "completed_at", "issued_at", "revoked_at"]
    list_filter = ["school", "course"]
    search_fields = ["code", "holder_name", "trainee__username"]


@admin.register(MeasureCounter)
class MeasureCounterAdmin(RecordAdmin):
    list_display = ["trainee", "course", "name", "value"]
    search_fields = ["trainee__username", "name"]


@admin.register(AnswerDay)
class AnswerDayAdmin(RecordAdmin):
    list_display = ["trainee", "course", "module_slug", "day", "items_n", "rel_w_n", "rel_w_accepted"]
    date_hierarchy = "day"


@admin.register(AnswerAfterModule)
class AnswerAfterModuleAdmin(RecordAdmin):
    list_display = ["trainee", "module_course", "module_slug", "course", "rel_w_n", "rel_w_accepted"]
