from django.contrib import admin

from training.admin_mixins import AuditedReadAdmin, RecordAdmin

from .models import AnswerAfterModule, AnswerDay, MeasureCounter, ModuleProgress


@admin.register(ModuleProgress)
class ModuleProgressAdmin(AuditedReadAdmin, RecordAdmin):
    list_display = ["trainee", "course", "module_slug", "items_graded", "items_total", "completed_at"]
    list_filter = ["course"]


@admin.register(MeasureCounter)
class MeasureCounterAdmin(AuditedReadAdmin, RecordAdmin):
    list_display = ["trainee", "course", "name", "value"]
    search_fields = ["trainee__username", "name"]


@admin.register(AnswerDay)
class AnswerDayAdmin(AuditedReadAdmin, RecordAdmin):
    list_display = ["trainee", "course", "module_slug", "day", "items_n", "rel_w_n", "rel_w_accepted"]
    date_hierarchy = "day"


@admin.register(AnswerAfterModule)
class AnswerAfterModuleAdmin(AuditedReadAdmin, RecordAdmin):
    list_display = ["trainee", "module_course", "module_slug", "course", "rel_w_n", "rel_w_accepted"]
