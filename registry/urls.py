"""Pages of the AI tool register (/school/<slug>/ai-tools/…)."""
from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("school/<slug:school_slug>/ai-tools/", views.register, name="register"),
    path("school/<slug:school_slug>/ai-tools/new/", views.tool_new, name="tool-new"),
    path("school/<slug:school_slug>/ai-tools/import/", views.register_import, name="import"),
    path("school/<slug:school_slug>/ai-tools/register.csv", views.register_export, name="export"),
    path("school/<slug:school_slug>/ai-tools/coverage/", views.coverage, name="coverage"),
    path("school/<slug:school_slug>/ai-tools/map/", views.tool_map_page, name="map"),
    path("school/<slug:school_slug>/ai-tools/evidence.<str:fmt>", views.evidence_file, name="evidence"),
    path("school/<slug:school_slug>/ai-tools/<int:tool_id>/", views.tool_detail, name="tool"),
    path("school/<slug:school_slug>/ai-tools/<int:tool_id>/edit/", views.tool_edit, name="tool-edit"),
    path("school/<slug:school_slug>/ai-tools/<int:tool_id>/model-card/", views.model_card, name="model-card"),
    path("school/<slug:school_slug>/ai-tools/<int:tool_id>/model-card/remove/", views.model_card_remove,
         name="model-card-remove"),
    path("school/<slug:school_slug>/ai-tools/<int:tool_id>/delete/", views.tool_delete, name="tool-delete"),
]
