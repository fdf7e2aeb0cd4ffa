"""Where Vigil may post statements: the LRS host policy (``VIGIL_XAPI_ALLOWED_HOSTS``).

A school's admin types the LRS address, and Vigil's workers then open connections to it:
without a policy, an admin could make the server post to a service of its own network (a
metadata endpoint, an internal API). So an address must be https on a host whose every
address is public, unless the server's operators list the host (a name, or ``*.domain``
for its subdomains) in ``VIGIL_XAPI_ALLOWED_HOSTS``: a listed host may be on a private
network and use plain http. The form checks what it can without the network (scheme,
literal addresses, ``localhost``); the delivery checks the addresses the name resolves to,
and connects to the address it checked, so a name that changes between the check and the
connection cannot slip through.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

SETTING = "VIGIL_XAPI_ALLOWED_HOSTS"


class HostRefused(OSError):
    """The LRS host, or an address it resolves to, is not one Vigil may post to."""


def _normal(host: str) -> str:
    return host.strip().lower().rstrip(".").strip("[]")


def allowed_explicitly(host: str, allowed: list[str] | None = None) -> bool:
    """Whether the operators listed the host (exactly, or under a ``*.domain`` entry)."""
    host = _normal(host)
    for entry in (settings.VIGIL_XAPI_ALLOWED_HOSTS if allowed is None else allowed):
        entry = _normal(entry)
        if entry.startswith("*."):
            if host.endswith(entry[1:]) and host != entry[2:]:
                return True
        elif entry and host == entry:
            return True
    return False


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(_normal(text).split("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address) -> bool:
    """Neither private, loopback, link-local, shared, reserved, multicast nor unspecified."""
    return address.is_global and not address.is_multicast


def endpoint_problem(url: str) -> str | None:
    """What refuses the endpoint before any network is used (None: nothing)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return _("Give the LRS's web address, starting with https://.")
    if allowed_explicitly(host):
        return None
    if parts.scheme != "https":
        return _("Use https:// for the LRS: a plain http:// address is accepted only for a host the "
                 "server's operators allow (%(setting)s).") % {"setting": SETTING}
    address = _address(host)
    local_name = host == "localhost" or host.endswith(".localhost")
    if local_name or (address is not None and not is_public(address)):
        return _("This address is on a private, loopback or link-local network: Vigil posts there only "
                 "if the server's operators allow the host (%(setting)s).") % {"setting": SETTING}
    return None


def checked_addresses(host: str, port: int) -> list[tuple]:
    """The addresses of ``host`` Vigil may connect to (``getaddrinfo`` entries), or
    ``HostRefused`` naming the first address that is not public."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"{host}: {exc.strerror}") from exc
    if allowed_explicitly(host):
        return found
    for *_rest, sockaddr in found:
        address = _address(sockaddr[0])
        if address is None or not is_public(address):
            raise HostRefused(_("refused: %(host)s resolves to %(address)s, a private, loopback or link-local "
                                "address; the server's operators may allow the host (%(setting)s).")
                              % {"host": host, "address": sockaddr[0], "setting": SETTING})
    return found


def connect_checked(address: tuple, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """``socket.create_connection`` to an address of the host that the policy lets through."""
    host, port = address
    error: OSError | None = None
    for family, kind, proto, _name, sockaddr in checked_addresses(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError(f"{host}: no address")
