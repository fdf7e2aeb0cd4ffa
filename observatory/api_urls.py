from django.urls import path

from . import apis

urlpatterns = [
    path("schools/<slug:school_slug>/practice-reports/", apis.SchoolReportsApi.as_view(), name="practice-reports"),
    path("observatory/cells/", apis.CrossSchoolCellsApi.as_view(), name="observatory-cells"),
]
