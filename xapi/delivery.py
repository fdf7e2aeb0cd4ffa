"""Posting statements to an LRS over HTTP (the xAPI Statement API: POST …/statements).

What comes back is sorted into three outcomes: sent (200, 204), refused for good (400, 409:
the statement itself is wrong or conflicts, sending it again cannot help) and not yet
(anything else: the LRS down or overloaded, a network error, credentials being fixed),
which the outbox retries with backoff. Redirects are not followed, and no message keeps
the secret.
"""
import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

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


_opener = urllib.request.build_opener(_NoRedirect)


def statements_url(endpoint: str) -> str:
    return endpoint.rstrip("/") + "/statements"


def post_statements(*, endpoint: str, key: str, secret: str, statements: list[dict]) -> Outcome:
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
        return Outcome(sent=False, error=f"{type(exc).__name__}: {reason}"[:500])
