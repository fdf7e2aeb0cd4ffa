from django.urls import path

from . import apis

urlpatterns = [
    path("schools/<slug:slug>/tools/", apis.SchoolToolsApi.as_view(), name="school-tools"),
    path("schools/<slug:slug>/tools/coverage/", apis.SchoolToolCoverageApi.as_view(), name="school-tool-coverage"),
    path("schools/<slug:slug>/tools/export/", apis.SchoolToolsExportApi.as_view(), name="school-tools-export"),
    path("schools/<slug:slug>/tools/import/preview/", apis.SchoolToolsImportPreviewApi.as_view(),
         name="school-tools-import-preview"),
    path("schools/<slug:slug>/tools/import/", apis.SchoolToolsImportApi.as_view(), name="school-tools-import"),
    path("schools/<slug:slug>/tools/<int:tool_id>/", apis.SchoolToolApi.as_view(), name="school-tool"),
    path("schools/<slug:slug>/tools/<int:tool_id>/retire/", apis.SchoolToolRetireApi.as_view(),
         name="school-tool-retire"),
    path("schools/<slug:slug>/tools/<int:tool_id>/model-card/", apis.SchoolToolModelCardApi.as_view(),
         name="school-tool-model-card"),
]
