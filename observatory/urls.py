"""Pages of practice reports: /observatory/ (every member), /school/<slug>/reports/ (triage)."""
from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("observatory/", views.home, name="home"),
    path("observatory/across-schools/", views.across_schools, name="across"),
    path("observatory/my-reports/", views.mine, name="mine"),
    path("observatory/my-reports/<int:report_id>/withdraw/", views.withdraw, name="withdraw"),
    path("school/<slug:school_slug>/reports/new/", views.report_new, name="new"),
    path("school/<slug:school_slug>/reports/", views.report_list, name="list"),
    path("school/<slug:school_slug>/reports/reports.csv", views.reports_export, name="export"),
    path("school/<slug:school_slug>/reports/analytics/", views.report_analytics, name="analytics"),
    path("school/<slug:school_slug>/reports/sharing/", views.sharing, name="sharing"),
    path("school/<slug:school_slug>/reports/<int:report_id>/", views.report_detail, name="detail"),
    path("school/<slug:school_slug>/reports/<int:report_id>/to-case/", views.report_to_case, name="to-case"),
]
