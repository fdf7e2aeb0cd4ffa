from django.contrib import admin

from training.admin_mixins import RecordAdmin

from .models import Attestation, ExportJob


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
