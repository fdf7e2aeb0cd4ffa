from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from training.admin_mixins import AuditedReadAdmin, RecordAdmin

from . import services
from .models import AuditEvent, Assignment, Cohort, Enrollment, Membership, School


@admin.register(User)
class VigilUserAdmin(AuditedReadAdmin, UserAdmin):
    """People; every list and page of them is audited (``admin.user.read``), a person's page
    in the log of each school they belong to. Registered here rather than in accounts, which
    sits below the audit log's app."""

    fieldsets = UserAdmin.fieldsets + ((None, {"fields": ("training_year",)}),)
    search_fields = ["username", "first_name", "last_name", "email"]

    def audit_about(self, obj) -> list[tuple[object, int | None]]:
        schools = sorted(set(obj.memberships.values_list("school_id", flat=True)))
        return [(obj, school_id) for school_id in schools or [None]]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    """A school, its people (with the student number it gives each) and what its attestations
    carry: the signatory's name and title and an optional PNG or JPEG logo."""

    list_display = ["name", "slug", "signatory_name"]
    search_fields = ["name", "slug"]
    fieldsets = (
        (None, {"fields": ("name", "slug")}),
        (_("Attestations"), {"fields": ("signatory_name", "signatory_title", "logo")}),
        (_("Sign-in"), {"fields": ("local_sign_in_allowed",)}),
    )
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        """The password sign-in switch goes through its service, for its audit record."""
        if change and "local_sign_in_allowed" in form.changed_data:
            allowed, obj.local_sign_in_allowed = obj.local_sign_in_allowed, not obj.local_sign_in_allowed
            super().save_model(request, obj, form, change)
            services.school_set_local_sign_in(school=obj, allowed=allowed, actor=request.user)
        else:
            super().save_model(request, obj, form, change)


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


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = ["at", "actor", "action", "cohort", "subject"]
    list_filter = ["action"]
