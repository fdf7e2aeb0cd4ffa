from django.contrib import admin

from training.admin_mixins import AuditedReadAdmin, RecordAdmin

from .models import Attempt, Grade, KeyFix, RaterMark, RegradeChange, RegradeJob, Response, TruthFix


@admin.register(Attempt)
class AttemptAdmin(AuditedReadAdmin, admin.ModelAdmin):
    list_display = ["trainee", "course", "module_slug", "status", "started_at", "submitted_at"]
    list_filter = ["status", "course"]
    raw_id_fields = ["trainee", "module"]


@admin.register(Response)
class ResponseAdmin(AuditedReadAdmin, admin.ModelAdmin):
    audit_via = "attempt"
    list_display = ["id", "attempt", "item", "state", "submitted_at", "grading_tries"]
    list_filter = ["state"]
    raw_id_fields = ["attempt", "item"]
    readonly_fields = ["initial_answer", "answer", "initial_at", "submitted_at", "failure_reason"]


@admin.register(Grade)
class GradeAdmin(AuditedReadAdmin, admin.ModelAdmin):
    audit_via = "response__attempt"
    list_display = ["response", "score", "cbm_mark", "is_final", "grader_version", "graded_at"]
    list_filter = ["is_final", "grader_version"]
    raw_id_fields = ["response", "graded_by"]
    readonly_fields = ["detail", "feedback", "contribution"]


@admin.register(KeyFix)
class KeyFixAdmin(RecordAdmin):
    list_display = ["item", "fixed_by", "fixed_at", "reason"]
    list_select_related = ["item", "fixed_by"]
    search_fields = ["item__slug", "reason"]


@admin.register(TruthFix)
class TruthFixAdmin(RecordAdmin):
    list_display = ["artifact", "old_correct", "new_correct", "fixed_by", "fixed_at", "reason"]
    list_select_related = ["artifact", "fixed_by"]
    search_fields = ["artifact__slug", "reason"]


class RegradeChangeInline(admin.TabularInline):
    model = RegradeChange
    fields = ["response", "old_score", "new_score", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RegradeJob)
class RegradeJobAdmin(RecordAdmin):
    list_display = ["id", "item", "status", "processed", "total", "changed", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["item", "created_by"]
    inlines = [RegradeChangeInline]


@admin.register(RaterMark)
class RaterMarkAdmin(AuditedReadAdmin, RecordAdmin):
    audit_via = "response__attempt"
    list_display = ["response", "rater", "marked_at"]
    list_select_related = ["rater"]
