"""Single sign-on, per school: /sso/ (which school), /sso/<school_slug>/login/, acs/,
metadata/ (the school's SP entity id), logout/ and ls/ (single logout)."""
from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    path("", views.choose_school, name="choose_school"),
    path("<slug:school_slug>/login/", views.LoginView.as_view(), name="login"),
    path("<slug:school_slug>/acs/", views.AssertionConsumerView.as_view(), name="acs"),
    path("<slug:school_slug>/metadata/", views.MetadataView.as_view(), name="metadata"),
    path("<slug:school_slug>/logout/", views.LogoutInitView.as_view(), name="logout"),
    path("<slug:school_slug>/ls/", views.LogoutView.as_view(), name="sls"),
    path("<slug:school_slug>/ls/post/", views.LogoutView.as_view(), name="sls_post"),
]
