from django.contrib import admin

from .models import Attempt, Grade, Response


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["trainee", "course", "module_slug", "status", "started_at", "submitted_at"]
    list_filter = ["status", "course"]
    raw_id_fields = ["trainee", "module"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "attempt", "item", "state", "submitted_at", "grading_tries"]
    list_filter = ["state"]
    raw_id_fields = ["attempt", "item"]
    readonly_fields = ["initial_answer", "answer", "initial_at", "submitted_at", "failure_reason"]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["response", "score", "cbm_mark", "is_final", "grader_version", "graded_at"]
    list_filter = ["is_final", "grader_version"]
    raw_id_fields = ["response", "graded_by"]
    readonly_fields = ["detail", "feedback", "contribution"]
