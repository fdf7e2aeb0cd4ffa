"""Admin behaviour shared by the apps."""
from django.contrib import admin

from schools.selectors import trainee_course_school_id
from schools.services import audit_record


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


class AuditedReadAdmin:
    """A ModelAdmin mixin for rows of identifiable trainee data (answers, grades, attempts,
    progress, people): every list and every page of one row that the admin shows writes an
    audit record ``admin.<model>.read`` (labelled in ``cohorts.audit_labels``), as the
    school's own pages do.

    A row's page names the trainee it is about and belongs to the log of the trainee's school
    for that course (``trainee_course_school_id``); a list is about many trainees of any
    school, so it is recorded with its filters and number of rows, in no school's log.
    ``audit_via`` is the path from the row to what has the ``trainee`` and the ``course``
    ("" when the row has them itself); a model without them overrides ``audit_about``.
    """

    audit_via = ""

    @property
    def audit_action(self) -> str:
        return f"admin.{self.model._meta.model_name}.read"

    def audit_about(self, obj) -> list[tuple[object, int | None]]:
        """(trainee, school id) of each audit record a page of the row writes."""
        holder = obj
        for part in filter(None, self.audit_via.split("__")):
            holder = getattr(holder, part)
        return [(holder.trainee, trainee_course_school_id(trainee_id=holder.trainee_id, course=holder.course))]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            audit_record(actor=request.user, action=self.audit_action, detail={
                "page": "list", "filters": request.GET.urlencode() or None, "rows": changelist.result_count})
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            for subject, school_id in self.audit_about(obj):
                audit_record(actor=request.user, action=self.audit_action, subject=subject, school_id=school_id,
                             detail={"page": "change", "object": obj.pk})
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
