"""Who a school's members are in the school's other systems (its LMS, its single sign-on).

The apps that know (``lti``, ``sso``) register a lookup here when they start; an app that
needs the identifiers but may not import them (``xapi`` sits beside ``lti`` in the layers of
``.importlinter``) asks here. A lookup takes the school and user ids and answers, for the
users it knows, ``(system, identifier)``: the system's own IRI (an LMS's issuer, an identity
provider's entity id) and the person's identifier there.
"""
from collections.abc import Callable, Iterable

Lookup = Callable[[int, list[int]], dict[int, tuple[str, str]]]

_lookups: dict[str, Lookup] = {}


def register(kind: str, lookup: Lookup) -> None:
    _lookups[kind] = lookup


def member_identifiers(kind: str, *, school_id: int, user_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{user id: (system, identifier)}`` of the members known to ``kind`` ("lms", "sso");
    none when no app registered that kind (one query when one did)."""
    lookup = _lookups.get(kind)
    ids = sorted(set(user_ids))
    return lookup(school_id, ids) if lookup and ids else {}
