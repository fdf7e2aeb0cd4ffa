"""What a registration's addresses and deployment ids must look like (pure: the form asks,
the hypothesis tests try).

The issuer and the platform's URLs are HTTPS: a launch's trust rests on the key set fetched
from ``keyset_url`` and on the issuer the token names, and plain HTTP lets anyone on the way
substitute their own. Plain HTTP is allowed only to a loopback host, and only where the
settings say so (``VIGIL_LTI_ALLOW_HTTP_LOOPBACK``: on with DEBUG, for a platform on the
developer's machine or the tests' platform on 127.0.0.1).

A deployment id is what the LMS generated (Moodle: a number; Canvas ``12:8865aa05...``): the
spec makes it a case-sensitive string of at most 255 ASCII characters; Vigil also refuses
whitespace and control characters inside one (a paste that joined two ids, or a stray tab,
would otherwise register an id no launch ever names).
"""
from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

MAX_DEPLOYMENT_ID = 255
LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str, *, allow_loopback_http: bool) -> str | None:
    """None if the address may be registered, else what is wrong with it."""
    try:
        URLValidator(schemes=["http", "https"])(url.strip())
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except (ValueError, ValidationError):
        return _("Enter a valid URL.")
    if parts.scheme not in ("https", "http") or not host:
        return _("Enter a valid URL.")
    if parts.scheme == "http" and not (allow_loopback_http and is_loopback(host)):
        return _("Must start with https:// (the LMS's keys and tokens are not trusted over plain HTTP).")
    if parts.username or parts.password:
        return _("Must not hold a user name or password.")
    return None


def deployment_ids_parse(text: str) -> tuple[list[str], list[str]]:
    """The ids of a one-a-line text (blank lines ignored), and the problems, each naming its
    line."""
    ids, problems, seen = [], [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.strip()
        if not value:
            continue
        if len(value) > MAX_DEPLOYMENT_ID:
            problems.append(_("Line %(n)s: a deployment id is at most 255 characters.") % {"n": number})
        elif not value.isascii() or not value.isprintable() or any(c.isspace() for c in value):
            problems.append(_("Line %(n)s: a deployment id holds no spaces, tabs or characters outside ASCII.")
                            % {"n": number})
        elif value in seen:
            problems.append(_("Line %(n)s: %(id)s is given twice.") % {"n": number, "id": value})
        else:
            seen.add(value)
            ids.append(value)
    if not ids and not problems:
        problems.append(_("Give at least one deployment id."))
    return ids, problems
