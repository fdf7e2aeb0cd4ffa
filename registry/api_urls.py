from django.urls import path

from . import apis

urlpatterns = [
    path("schools/<slug:slug>/tools/", apis.SchoolToolsApi.as_view(), name="school-tools"),
    path("schools/<slug:slug>/tools/coverage/", apis.SchoolToolCoverageApi.as_view(), name="school-tool-coverage"),
    path("schools/<slug:slug>/tools/<int:tool_id>/", apis.SchoolToolApi.as_view(), name="school-tool"),
]
