from django.urls import path

from . import views

app_name = "xapi"
urlpatterns = [
    path("school/<slug:school_slug>/xapi/", views.lrs_page, name="lrs"),
]
