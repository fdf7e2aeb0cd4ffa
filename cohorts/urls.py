from django.urls import path

from . import apis, audit_apis, record_apis

urlpatterns = [
    path("cohorts/", apis.CohortListApi.as_view(), name="cohort-list"),
    path("cohorts/<int:cohort_id>/enrollments/", apis.CohortEnrollApi.as_view(), name="cohort-enroll"),
    path("cohorts/<int:cohort_id>/assignments/", apis.CohortAssignApi.as_view(), name="cohort-assign"),
    path("cohorts/<int:cohort_id>/progress/", apis.CohortProgressApi.as_view(), name="cohort-progress"),
    path("cohorts/<int:cohort_id>/reliance/", apis.CohortRelianceApi.as_view(), name="cohort-reliance"),
    path("cohorts/<int:cohort_id>/trends/", apis.CohortTrendsApi.as_view(), name="cohort-trends"),
    path("cohorts/<int:cohort_id>/dashboard/", apis.CohortDashboardApi.as_view(), name="cohort-dashboard"),
    path("cohorts/<int:cohort_id>/exports/", record_apis.CohortExportsApi.as_view(), name="cohort-exports"),
    path("cohorts/<int:cohort_id>/attestations/", record_apis.CohortAttestationsApi.as_view(),
         name="cohort-attestations"),
    path("cohorts/<int:cohort_id>/training-record/", record_apis.TrainingRecordApi.as_view(),
         name="cohort-training-record"),
    path("exports/<int:job_id>/", record_apis.ExportJobApi.as_view(), name="export-detail"),
    path("exports/<int:job_id>/file/", record_apis.ExportFileApi.as_view(), name="export-file"),
    path("attestations/verify/<str:code>/", record_apis.AttestationVerifyApi.as_view(), name="attestation-verify"),
    path("attestations/<int:attestation_id>/pdf/", record_apis.AttestationPdfApi.as_view(), name="attestation-pdf"),
    path("attestations/<int:attestation_id>/revoke/", record_apis.AttestationRevokeApi.as_view(),
         name="attestation-revoke"),
    path("me/attestations/", record_apis.MyAttestationsApi.as_view(), name="my-attestations"),
    path("schools/<slug:slug>/audit-events/", audit_apis.SchoolAuditEventsApi.as_view(), name="school-audit-events"),
]
