from django.contrib import admin

from training.admin_mixins import RecordAdmin

from .models import AuditEvent, Assignment, Cohort, Enrollment, Membership, School


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


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = ["at", "actor", "action", "cohort", "subject"]
    list_filter = ["action"]
