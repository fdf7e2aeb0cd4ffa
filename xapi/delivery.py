"""Posting statements to an LRS over HTTP (the xAPI Statement API: POST …/statements).

What comes back is sorted into three outcomes: sent (200, 204), refused for good (400, 409:
the statement itself is wrong or conflicts, sending it again cannot help) and not yet
(anything else: the LRS down or overloaded, a network error, credentials being fixed),
which the outbox retries with backoff. Redirects are not followed, and no message keeps
the secret.

Every connection goes through the host policy (``xapi.hosts``): the endpoint is checked
before anything is sent, and the connection is made only to an address the policy lets
through. A refused host is "not yet" too (kept, tried again, its reason shown on the
school's page), since the operators or the admin may fix it. The LRS is reached directly:
an ``HTTP(S)_PROXY`` of the environment is not used, as the policy could not see past it.
"""
import base64
import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .hosts import HostRefused, connect_checked, endpoint_problem

REFUSED = frozenset({400, 409})


@dataclass(frozen=True)
class Outcome:
    sent: bool
    refused: bool = False
    error: str = ""
    status: int | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _Checked:
    """A connection of http.client whose socket is opened by ``hosts.connect_checked``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect_checked


class _CheckedHTTP(_Checked, http.client.HTTPConnection):
    pass


class _CheckedHTTPS(_Checked, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPS, req, context=self._context)


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect, _HTTPHandler, _HTTPSHandler)


def statements_url(endpoint: str) -> str:
    return endpoint.rstrip("/") + "/statements"


def post_statements(*, endpoint: str, key: str, secret: str, statements: list[dict]) -> Outcome:
    problem = endpoint_problem(endpoint)
    if problem:
        return Outcome(sent=False, error=str(problem)[:500])
    body = json.dumps(statements, separators=(",", ":")).encode()
    request = urllib.request.Request(statements_url(endpoint), data=body, method="POST", headers={
        "Content-Type": "application/json",
        "X-Experience-API-Version": "1.0.3",
        "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
    })
    try:
        with _opener.open(request, timeout=settings.VIGIL_XAPI_HTTP_TIMEOUT) as answer:
            answer.read()
            return Outcome(sent=answer.status in (200, 204), error="" if answer.status in (200, 204)
                           else f"HTTP {answer.status}")
    except urllib.error.HTTPError as exc:
        text = exc.read(300).decode(errors="replace") if exc.fp else ""
        return Outcome(sent=False, refused=exc.code in REFUSED, error=f"HTTP {exc.code} {exc.reason}: {text}"[:500],
                       status=exc.code)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, HostRefused):
            return Outcome(sent=False, error=str(reason)[:500])
        return Outcome(sent=False, error=f"{type(exc).__name__}: {reason}"[:500])
