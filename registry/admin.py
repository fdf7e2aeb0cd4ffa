from django.contrib import admin

from .models import ToolCategory


@admin.register(ToolCategory)
class ToolCategoryAdmin(admin.ModelAdmin):
    """The taxonomy of categories of use, seeded and editable by the platform's admins."""

    list_display = ("code", "name", "position")
    ordering = ("position", "code")
