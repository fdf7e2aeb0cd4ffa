"""Throttles outside DRF's views, on DRF's own machinery, so the API, the pages and
django-axes follow one rule for who the client is and one syntax for rates.

- ``client_ip(request)``: the client's address. ``REMOTE_ADDR``, unless the site runs behind
  ``REST_FRAMEWORK["NUM_PROXIES"]`` = n > 0 trusted proxies (``DJANGO_TRUSTED_PROXY_COUNT``):
  then the n-th address from the right of ``X-Forwarded-For``, the one the outermost trusted
  proxy saw. What a client writes in the header itself is never believed.
- ``throttle_wait(request, scope=..., key=...)``: counts one request against the rate
  ``DEFAULT_THROTTLE_RATES[scope]`` for ``key`` (the client's address unless given) and
  returns ``None``, or the seconds to wait when the request is over the limit (then it is
  not counted). The counters live in the default cache (``DJANGO_CACHE_URL``), like the API's.
"""
import hashlib
import math

from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, SimpleRateThrottle


def client_ip(request) -> str | None:
    """The client's address by DRF's rule (``NUM_PROXIES``); also django-axes's
    ``AXES_CLIENT_IP_CALLABLE``."""
    return BaseThrottle().get_ident(request)


class _KeyedThrottle(SimpleRateThrottle):
    """A scope's rate (``THROTTLE_RATES``, as DRF reads it) counted per a key of our choosing."""

    def __init__(self, scope: str, key: str):
        self.scope = scope
        self.key_ident = key
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.key_ident}


class _ScopedView:
    """What ``ScopedRateThrottle`` asks of a view: its scope."""

    def __init__(self, scope: str):
        self.throttle_scope = scope


def throttle_wait(request, *, scope: str, key: str | None = None) -> int | None:
    """``None`` when the request is within the scope's rate (and counts it), else the whole
    seconds to wait. Without ``key``, counted per client address in the very counter of the
    API views that have ``throttle_scope = scope``."""
    if key is None:
        throttle = ScopedRateThrottle()
        allowed = throttle.allow_request(request, _ScopedView(scope))
    else:
        digest = hashlib.sha256(key.encode()).hexdigest()  # no e-mail address in a cache key
        throttle = _KeyedThrottle(scope, digest)
        allowed = throttle.allow_request(request, None)
    if allowed:
        return None
    return max(1, math.ceil(throttle.wait() or 1))
