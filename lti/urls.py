from django.urls import path

from . import school_views, views

urlpatterns = [
    path("lti/login/", views.oidc_login, name="lti-login"),
    path("lti/launch/", views.launch, name="lti-launch"),
    path("lti/deep-link/<str:token>/", views.deep_link, name="lti-deep-link"),
    path("lti/continue/<str:token>/", views.continue_in_window, name="lti-continue"),
    path("lti/jwks/<slug:school_slug>.json", views.jwks, name="lti-jwks"),
    path("school/<slug:school_slug>/lti/", school_views.platforms_page, name="lti-platforms"),
    path("school/<slug:school_slug>/lti/platforms/<uuid:platform_uuid>/", school_views.platform_page,
         name="lti-platform"),
    path("school/cohorts/<int:cohort_id>/lti/", views.cohort_lti, name="lti-cohort"),
]
