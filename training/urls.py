from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from administration import views as administration_views
from sso.views import SignOutView
from training.api_docs import api_docs_view

from training.media import serve_media

urlpatterns = [
    path("", include("quizzes.page_urls")),  # the trainee's pages, home included
    path("admin/", admin.site.urls),
    path("api-auth/", include("rest_framework.urls")),
    # before Django's own: the site's sign-out ends an SSO session at the identity provider too
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),  # Django's sign-in pages, the reset request throttled
    path("sso/", include("sso.urls")),  # single sign-on (SAML), per school
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("training.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("studio/", include("studio.urls")),  # the faculty authoring studio and grading queue
    path("invitations/<str:token>/", administration_views.invitation, name="invitation"),  # set one's password
    path("", include("administration.urls")),  # /school/<school>/manage/… the school admin's pages
    path("", include("privacy.urls")),  # /privacy/… a member's notice and data, /school/<slug>/privacy/
    path("", include("registry.urls")),  # /school/<slug>/ai-tools/… the AI tool register, coverage, evidence file
    path("", include("lti.urls")),  # LTI 1.3: login, launch, JWKS, the school's registrations page
    path("", include("observatory.urls")),  # /observatory/… practice reports, /school/<slug>/reports/
    path("", include("cohorts.page_urls")),  # /school/… staff pages, /verify/ public attestation check
    path("", include("xapi.urls")),  # /school/<slug>/xapi/: the school's LRS and its statements
]
# Production: the web server serves /media/ with the same headers (README), except from a bucket.
if settings.DEBUG or settings.VIGIL_S3_BUCKET:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media, name="media")]
if settings.VIGIL_BENCH:  # benchmarks only (bench/README.md)
    urlpatterns += [path("bench/", include("bench.bareapp.urls"))]
