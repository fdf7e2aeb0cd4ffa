"""Every REST endpoint of version 1, gathered from the apps."""
from django.urls import include, path

urlpatterns = [
    path("", include("quizzes.urls")),
    path("", include("cohorts.urls")),
    path("", include("courses.urls")),
    path("", include("registry.api_urls")),
    path("", include("observatory.api_urls")),
]
