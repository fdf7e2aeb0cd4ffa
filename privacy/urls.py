"""Pages of data protection: a member's notice and their own data (/privacy/), and a school
admin's (/school/<slug>/privacy/)."""
from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/notice/", views.notice, name="notice"),
    path("privacy/schools/<slug:school_slug>/", views.school_notice, name="school-notice"),
    path("privacy/my-data/", views.my_data, name="my-data"),
    path("privacy/my-data/<int:export_id>/download/", views.my_data_download, name="my-data-download"),
    path("school/<slug:school_slug>/privacy/", views.school_privacy, name="school"),
    path("school/<slug:school_slug>/privacy/record-of-processing.csv", views.record_of_processing,
         name="processing"),
    path("school/<slug:school_slug>/privacy/members/<int:member_id>/", views.member, name="member"),
    path("school/<slug:school_slug>/privacy/members/<int:member_id>/export/", views.member_export,
         name="member-export"),
    path("school/<slug:school_slug>/privacy/members/<int:member_id>/erase/", views.member_erase,
         name="member-erase"),
    path("school/<slug:school_slug>/privacy/exports/<int:export_id>/download/", views.export_download,
         name="export-download"),
]
