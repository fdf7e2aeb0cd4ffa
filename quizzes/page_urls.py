"""URLs of the trainee's pages (the API's are in quizzes/urls.py)."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("learn/modules/<int:module_id>/", views.module_page, name="trainee-module"),
    path("learn/modules/<int:module_id>/start/", views.attempt_start, name="trainee-attempt-start"),
    path("learn/attempts/<int:attempt_id>/submit/", views.attempt_submit, name="trainee-attempt-submit"),
    path("learn/cases/<int:case_id>/", views.case_page, name="trainee-case"),
    path("learn/attempts/<int:attempt_id>/items/<int:item_id>/unaided/", views.unaided_submit, name="trainee-unaided"),
    path("learn/attempts/<int:attempt_id>/items/<int:item_id>/answer/", views.answer_submit, name="trainee-answer"),
    path("learn/responses/<int:response_id>/feedback/", views.feedback_fragment, name="trainee-feedback"),
    path("learn/me/reliance/", views.reliance_profile, name="trainee-reliance"),
]
