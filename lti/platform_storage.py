"""LTI client-side OIDC with platform storage (1EdTech "LTI Client Side postMessages" and its
OIDC profile): when the LMS's login initiation names an ``lti_storage_target``, the state and
nonce are also kept in the LMS's frame by ``lti.put_data`` postMessages
(``static/lti/storage.js``), for browsers that drop the state cookie inside the LMS's iframe.

At the launch, when the state cookie did not come back and the launch names the storage
target, Vigil answers a page that reads them back (``lti.get_data``) and, when they match,
posts the launch again from Vigil's own page, marked checked. That second post is accepted in
place of the cookie only when it is same-origin (a page of another site cannot make it: it is
what the cookie proved) and only for a state this login issued and kept here with its nonce,
spent once. The script talks only to the registered platform's origin (the origin of its
authentication request URL) and believes only answers from it, so a page of another site
framing Vigil cannot answer in the platform's place.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from .models import LaunchState, Platform

KEY = "storage-state-{}"
STATE_SECONDS = 300  # as long as pylti1p3's state cookie
COOKIE_PREFIX = "lti1p3-"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def remember(*, redirect_url: str, platform: Platform) -> dict[str, str]:
    """Keep the state and nonce of the authentication request (its URL holds them) for a
    launch checked through the platform's storage; returns what the login page's script
    needs."""
    query = parse_qs(urlsplit(redirect_url).query)
    state, nonce = query["state"][0], query["nonce"][0]
    LaunchState.objects.update_or_create(key=KEY.format(state), defaults={
        "value": {"nonce": nonce, "platform": platform.pk},
        "expires_at": timezone.now() + timedelta(seconds=STATE_SECONDS)})
    return {"state": state, "nonce": nonce, "platform_origin": origin_of(platform.auth_login_url)}


def cookie_holds_state(request) -> bool:
    state = request.POST.get("state") or ""
    return bool(state) and request.COOKIES.get(COOKIE_PREFIX + state) == state


def same_origin(request) -> bool:
    """The post came from a page of Vigil itself (browsers send Origin with every POST)."""
    return request.headers.get("Origin") == f"{request.scheme}://{request.get_host()}"


def check_page(request, body: dict) -> dict | None:
    """What the page that reads the state and nonce back from the platform's storage needs, or
    None when the launch names no registered platform (the launch's validation then refuses)."""
    aud = body.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    platform = Platform.objects.filter(issuer=body.get("iss") or "", client_id__in=[a for a in auds if a]).first()
    if platform is None or not isinstance(body.get("nonce"), str):
        return None
    return {"state": request.POST.get("state", ""), "nonce": body["nonce"],
            "platform_origin": origin_of(platform.auth_login_url),
            "storage_target": request.POST.get("lti_storage_target", ""),
            "id_token": request.POST.get("id_token", "")}


def spend(*, state: str, nonce: str, platform: Platform) -> bool:
    """The state was issued by a login of this platform, with this nonce, and not spent yet."""
    row = LaunchState.objects.filter(key=KEY.format(state), expires_at__gt=timezone.now()).first()
    if row is None or row.value != {"nonce": nonce, "platform": platform.pk}:
        return False
    row.delete()
    return True
