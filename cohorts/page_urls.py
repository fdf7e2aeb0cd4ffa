"""Pages of school staff under /school/ (cohorts by id, a school's audit log by its slug), and
the public attestation check at /verify/."""
from django.urls import path

from .views import attestations, audit, dashboard, exports, reliance, trainee, trends

app_name = "school"

urlpatterns = [
    path("school/", dashboard.cohort_index, name="index"),
    path("school/switch/", dashboard.cohort_switch, name="switch"),
    path("school/cohorts/<int:cohort_id>/", dashboard.dashboard, name="dashboard"),
    path("school/cohorts/<int:cohort_id>/reliance/", reliance.reliance, name="reliance"),
    path("school/cohorts/<int:cohort_id>/trends/", trends.trends, name="trends"),
    path("school/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/", trainee.trainee_detail, name="trainee"),
    path("school/cohorts/<int:cohort_id>/exports/", exports.exports, name="exports"),
    path("school/exports/<int:job_id>/", exports.export_detail, name="export-detail"),
    path("school/exports/<int:job_id>/status/", exports.export_status, name="export-status"),
    path("school/exports/<int:job_id>/download/", exports.export_download, name="export-download"),
    path("school/cohorts/<int:cohort_id>/attestations/", attestations.attestations, name="attestations"),
    path("school/cohorts/<int:cohort_id>/training-record.<str:fmt>", attestations.training_record,
         name="training-record"),
    path("school/attestations/<int:attestation_id>.pdf", attestations.attestation_download, name="attestation-pdf"),
    path("school/<slug:school_slug>/audit/", audit.audit_log, name="audit"),
    path("school/<slug:school_slug>/audit.csv", audit.audit_log_csv, name="audit-csv"),
    path("verify/", attestations.verify, name="verify"),
]
