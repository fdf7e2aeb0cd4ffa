"""Admission control for an exam start: when the web is saturated, a new arrival gets a short
"queue" answer (503 with Retry-After) at once instead of a timeout after a long wait, and a
trainee already in an attempt is never turned away.

Two signals, each off until set:

- ``VIGIL_ADMISSION_MAX_QUEUE_MS``: how long the request waited before reaching this process,
  from the ``X-Request-Start`` header the reverse proxy sets when it accepts the connection
  (nginx: ``proxy_set_header X-Request-Start "t=${msec}";``). With sync gunicorn workers the
  wait happens in the listen queue, before any Python runs, so this is the signal that sees
  saturation; the proxy must overwrite the header (a client's own is never passed on).
- ``VIGIL_ADMISSION_MAX_CONCURRENT``: requests one process works on at once (threaded workers:
  gthread, or the ASGI server's), beyond which the next is answered 503 instead of queueing
  for the GIL and the database.

Answers within an attempt (``/learn/attempts/…``, ``/api/v1/attempts/…``) always go through:
the trainees who started keep going, those who arrive wait. The refusal reads nothing from
the database: it must cost less than the request it sheds. Retry-After is spread over
[R, 2R) seconds so the refused do not all come back in the same second.
"""
import random
import re
import threading
import time

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

PRIORITY = re.compile(r"^/(?:api/v1/|learn/)attempts/\d+/")


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


def refusal(request, seconds: int):
    """The queue answer: JSON in the API's error shape, otherwise a page that reloads itself."""
    with translation.override(translation.get_language_from_request(request)):
        message = _("Many people are starting at the same moment. You are in the queue: "
                    "this page tries again by itself in %(seconds)s seconds.") % {"seconds": seconds}
        if request.path.startswith("/api/"):
            response = JsonResponse({"message": message, "errors": {}, "retry_after": seconds}, status=503)
        else:
            response = HttpResponse(render_to_string("queue.html", {"seconds": seconds, "message": message,
                                                                    "LANGUAGE_CODE": translation.get_language()}),
                                    status=503)
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
        if PRIORITY.match(request.path):
            return self.get_response(request)
        if self.max_queue_ms and (start := request.headers.get("X-Request-Start")):
            waited = queued_ms(start, time.time())
            if waited is not None and waited > self.max_queue_ms:
                return refusal(request, retry_after(self.retry_after))
        if self.slots is None:
            return self.get_response(request)
        if not self.slots.acquire(blocking=False):
            return refusal(request, retry_after(self.retry_after))
        try:
            return self.get_response(request)
        finally:
            self.slots.release()
