"""Cookies of a session begun by an LTI launch: SameSite=None; Secure, so that Vigil keeps
working inside the LMS's iframe (a third-party context, where Lax cookies are not sent).

Only such sessions (and the LTI login and launch answers) are changed; every other visitor
keeps the site's SameSite=Lax. Placed before SessionMiddleware, so it sees the cookies that
middleware and CSRF set. Over plain HTTP (development, tests) a browser refuses
SameSite=None without Secure, so nothing changes there.
"""
from django.conf import settings

SESSION_FLAG = "lti_embedded"


class LtiEmbeddedCookiesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.is_secure():
            return response
        session = getattr(request, "session", None)
        embedded = getattr(request, "lti_cookies", False) or (session is not None and session.get(SESSION_FLAG))
        if embedded:
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
