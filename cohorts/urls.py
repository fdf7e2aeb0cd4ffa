from django.urls import path

from . import apis

urlpatterns = [
    path("cohorts/", apis.CohortListApi.as_view(), name="cohort-list"),
    path("cohorts/<int:cohort_id>/enrollments/", apis.CohortEnrollApi.as_view(), name="cohort-enroll"),
    path("cohorts/<int:cohort_id>/assignments/", apis.CohortAssignApi.as_view(), name="cohort-assign"),
    path("cohorts/<int:cohort_id>/progress/", apis.CohortProgressApi.as_view(), name="cohort-progress"),
    path("cohorts/<int:cohort_id>/reliance/", apis.CohortRelianceApi.as_view(), name="cohort-reliance"),
]
