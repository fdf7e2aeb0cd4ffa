from django.urls import path

from . import views

urlpatterns = [
    path("bare/", views.BareInsertApi.as_view(), name="bench-bare"),
    path("bare-anon/", views.BareAnonInsertApi.as_view(), name="bench-bare-anon"),
]
