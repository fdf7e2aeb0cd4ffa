"""Admin behaviour shared by the apps."""
from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """A record the product writes through its services (an audit trail, a job, a running
    sum): staff may read it in the admin, never add, edit or delete it there, since that would
    bypass the service that keeps it consistent with the rest."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
