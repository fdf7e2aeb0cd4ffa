"""Show a member their school's privacy notice before anything else, after they sign in.

Only page views (GET, outside the API, the admin, static files and the sign-out) are sent to
the notice: a form posted or an answer submitted is never turned away, so nothing a member
sent is lost. Which notices are pending is read from the session (written at sign-in by
``privacy.signals``), so no page pays a query for it."""
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .signals import SESSION_KEY

EXEMPT_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/i18n/", "/accounts/logout/", "/privacy/",
                   "/verify/", "/sso/", "/lti/")


class PrivacyNoticeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method == "GET" and request.session.get(SESSION_KEY)
                and not request.path.startswith(EXEMPT_PREFIXES) and request.user.is_authenticated):
            url = reverse("privacy:notice")
            target = request.get_full_path()
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                url += "?" + urlencode({"next": target})
            return redirect(url)
        return self.get_response(request)
