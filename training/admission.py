"""Admission control for an exam start: when the web is saturated, a new arrival gets a short
"queue" answer (503 with Retry-After) at once instead of a timeout after a long wait, and a
trainee already in an attempt is never turned away.

Two signals, each off until set (with both unset the middleware only passes requests on):

- ``VIGIL_ADMISSION_MAX_QUEUE_MS``: how long the request waited before reaching this process,
  from the ``X-Request-Start`` header the reverse proxy sets when it accepts the connection
  (nginx: ``proxy_set_header X-Request-Start "t=${msec}";``). With sync gunicorn workers the
  wait happens in the listen queue, before any Python runs, so this is the signal that sees
  saturation; the proxy must overwrite the header (a client's own is never passed on).
- ``VIGIL_ADMISSION_MAX_CONCURRENT``: requests one process works on at once (threaded workers:
  gthread, or the ASGI server's), beyond which the next is answered 503 instead of queueing
  for the GIL and the database.

Who always goes through, saturated or not (decided only once the request would be refused, so
an unsaturated request pays nothing for it):

- **Every URL a started attempt uses**, named in ``ATTEMPT_URL_NAMES`` (URL names, not copies
  of their paths): the case page, its answers, the feedback it polls, the attempt's submit,
  the media its cases show, and their API twins; and anything under ``STATIC_URL``. The
  module page (``trainee-module``) is where the attempt is submitted and its results read, but
  it is also where arrivals come to start: it goes through for a browser that carries the
  signed ``ATTEMPT_COOKIE`` that starting an attempt and the case page of an open one set
  (``mark_in_attempt``), and only then: checking a signature reads no database.
- **A form we served**: an unsafe request (POST…) whose CSRF token matches its CSRF cookie
  got its form from a page of ours, so it was admitted at that GET; refusing it now would
  throw away what the person typed (the queue page's reload is a GET). So the sign-in POST,
  the "start attempt" POST and every other form of ours go through once their page did.

What is refused, and how nothing submitted is lost:

- A GET gets a page that shows the seconds left and then loads the same address again (a
  script; a ``<meta http-equiv="refresh">`` only inside ``<noscript>``: a refresh the person
  cannot stop is an accessibility failure, WCAG 2.2.1, when a script can do it), with a link to
  try at once.
- An unsafe request without a matching token, to a view that is CSRF-exempt because another
  site posts to it (the LMS's LTI login and launch, the identity provider's SAML answer: the
  exam-day arrivals), gets a page that posts the same fields again to the same address after
  the wait (a script, or a button without JavaScript), never if a field is a password or a
  file (neither can be put back in a page): those, and every other unsafe request without a
  matching token (which the CSRF check would refuse anyway), get a page that says to send it
  again after the wait, and no reload that would turn it into a GET.
- The API (``/api/``) gets its error shape with ``retry_after``: its client still holds what
  it sent, nothing of it was read, and it sends it again (the bench's client does).

The refusal reads nothing from the database (no session, no user): it must cost less than the
request it sheds. Retry-After is spread over [R, 2R) seconds so the refused do not all come
back in the same second.
"""
import random
import threading
import time

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, RejectRequest
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

# Every URL a trainee in a started attempt needs (pages and API), by name.
ATTEMPT_URL_NAMES = frozenset({
    "trainee-case", "trainee-answer", "trainee-unaided", "trainee-feedback", "trainee-attempt-submit",
    "media",
    "case-detail", "attempt-detail", "attempt-submit", "answer-unaided", "ai-output", "response-submit",
    "response-detail",
})
# The module page: an attempt's submit and results, and the arrivals' start; with the cookie only.
ATTEMPT_COOKIE_URL_NAMES = frozenset({"trainee-module"})
ATTEMPT_COOKIE = "vigil_attempt"
ATTEMPT_COOKIE_SALT = "training.admission.attempt"
ATTEMPT_COOKIE_MAX_AGE = 12 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def queued_ms(header: str, now: float) -> float | None:
    """Milliseconds since the proxy's ``X-Request-Start`` (``t=`` seconds, milliseconds or
    microseconds since the epoch, as nginx, HAProxy and Apache write it); None if unreadable."""
    try:
        stamp = float(header.strip().removeprefix("t="))
    except ValueError:
        return None
    if stamp > 1e14:
        stamp /= 1e6
    elif stamp > 1e11:
        stamp /= 1e3
    return (now - stamp) * 1000


def retry_after(base: int) -> int:
    return base + random.randrange(max(base, 1))  # noqa: S311 - spreading retries, not a secret


def _resolved(request):
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


def _has_attempt_cookie(request) -> bool:
    return request.get_signed_cookie(ATTEMPT_COOKIE, default=None, salt=ATTEMPT_COOKIE_SALT,
                                     max_age=ATTEMPT_COOKIE_MAX_AGE) is not None


def within_attempt(request, match) -> bool:
    """Whether the request is one a started attempt makes (module docstring)."""
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    if match is None:
        return False
    return match.view_name in ATTEMPT_URL_NAMES or (
        match.view_name in ATTEMPT_COOKIE_URL_NAMES and _has_attempt_cookie(request))


_CSRF = CsrfViewMiddleware(lambda request: None)


def has_our_form_token(request) -> bool:
    """An unsafe request whose CSRF token (form field or header) matches its CSRF cookie: its
    form came from a page of ours. Reads the cookie and the body only."""
    try:
        _CSRF._check_token(request)
    except RejectRequest:
        return False
    return True


def _resend_fields(request, match) -> list[tuple[str, str]] | None:
    """The fields to post again, for a CSRF-exempt view another site posts to; None when the
    request cannot be sent again from a page (not exempt, a password or a file in it)."""
    if match is None or not getattr(match.func, "csrf_exempt", False) or request.FILES:
        return None
    fields = list(request.POST.lists())
    if any("password" in name.lower() for name, _values in fields):
        return None
    return [(name, value) for name, values in fields for value in values]


def mark_in_attempt(response) -> None:
    """Let the module page through for this browser, saturated or not (module docstring): set
    by the pages of an open attempt, while admission control is on."""
    if settings.VIGIL_ADMISSION_MAX_QUEUE_MS or settings.VIGIL_ADMISSION_MAX_CONCURRENT:
        response.set_signed_cookie(ATTEMPT_COOKIE, "1", salt=ATTEMPT_COOKIE_SALT, max_age=ATTEMPT_COOKIE_MAX_AGE,
                                   secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")


def _same_site(path: str) -> str:
    """The address asked, as a path of this site: ``//host/…`` or ``/\\host/…`` would send the
    queue page's link and its script to another site."""
    return "/" + path.lstrip("/\\")


def refusal(request, seconds: int, match=None):
    """The queue answer: JSON in the API's error shape, otherwise the queue page (module docstring)."""
    with translation.override(translation.get_language_from_request(request)):
        if request.path.startswith("/api/"):
            message = _("Many people are starting at the same moment. You are in the queue: "
                        "send the same request again in %(seconds)s seconds.") % {"seconds": seconds}
            response = JsonResponse({"message": message, "errors": {}, "retry_after": seconds}, status=503)
        else:
            context = {"seconds": seconds, "LANGUAGE_CODE": translation.get_language(), "mode": "reload",
                       "action": _same_site(request.get_full_path())}
            if request.method not in SAFE_METHODS:
                fields = _resend_fields(request, match)
                context.update(mode="resend" if fields is not None else "again", fields=fields or [])
            response = HttpResponse(render_to_string("queue.html", context), status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


class AdmissionMiddleware:
    """After the security headers, before sessions, users and views: the queue answer carries
    the site's headers and costs no query."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.max_queue_ms = settings.VIGIL_ADMISSION_MAX_QUEUE_MS
        self.max_concurrent = settings.VIGIL_ADMISSION_MAX_CONCURRENT
        self.retry_after = settings.VIGIL_ADMISSION_RETRY_AFTER_SECONDS
        self.slots = threading.BoundedSemaphore(self.max_concurrent) if self.max_concurrent else None

    def __call__(self, request):
        if not self.max_queue_ms and self.slots is None:
            return self.get_response(request)
        if self._waited_too_long(request):
            return self._admit_or_refuse(request)
        if self.slots is None:
            return self.get_response(request)
        if not self.slots.acquire(blocking=False):
            return self._admit_or_refuse(request)
        try:
            return self.get_response(request)
        finally:
            self.slots.release()

    def _waited_too_long(self, request) -> bool:
        if not self.max_queue_ms or not (start := request.headers.get("X-Request-Start")):
            return False
        waited = queued_ms(start, time.time())
        return waited is not None and waited > self.max_queue_ms

    def _admit_or_refuse(self, request):
        match = _resolved(request)
        if within_attempt(request, match) or (request.method not in SAFE_METHODS and has_our_form_token(request)):
            return self.get_response(request)
        return refusal(request, retry_after(self.retry_after), match)
