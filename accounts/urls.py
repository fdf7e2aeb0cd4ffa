"""Django's sign-in pages under /accounts/, the password reset request throttled."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
