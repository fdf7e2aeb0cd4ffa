"""The school admin's pages under /school/<school>/manage/ and /school/manage/cohorts/<id>/."""
from django.urls import path

from . import views

app_name = "administration"

urlpatterns = [
    path("school/<slug:school_slug>/manage/", views.school_home, name="school"),
    path("school/<slug:school_slug>/manage/cohorts/new/", views.cohort_new, name="cohort-new"),
    path("school/<slug:school_slug>/manage/members/", views.members, name="members"),
    path("school/<slug:school_slug>/manage/members/invite/", views.member_invite, name="member-invite"),
    path("school/<slug:school_slug>/manage/roster/", views.roster, name="roster"),
    path("school/<slug:school_slug>/manage/members/roles/", views.member_role, name="member-role"),
    path("school/<slug:school_slug>/manage/members/account/", views.member_account, name="member-account"),
    path("school/manage/cohorts/<int:cohort_id>/", views.cohort_edit, name="cohort"),
    path("school/manage/cohorts/<int:cohort_id>/archive/", views.cohort_archive, name="cohort-archive"),
    path("school/manage/cohorts/<int:cohort_id>/assignments/", views.assignment_add, name="assignment-add"),
    path("school/manage/cohorts/<int:cohort_id>/assignments/<slug:slug>/", views.assignment_change,
         name="assignment"),
]
