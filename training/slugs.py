"""Slugs made from any name: always valid (``^[a-z0-9][a-z0-9-]*$``, at most 100 characters)
and unique among the slugs given.

Django's ``slugify`` keeps underscores and may leave nothing (a name in another script,
only punctuation); a slug with an underscore is then refused by the package schema and the
studio, which blocked publishing imported questions and made exported packages fail to
re-import. Every place where a name becomes a slug asks ``slug_from``.
"""
from __future__ import annotations

import re

from django.utils.text import slugify

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_LENGTH = 100


def _base(name: str, limit: int) -> str:
    # Separators that slugify would drop ("Cardiology/Week 1", "bank.gift", "v2.1") part words.
    text = slugify(re.sub(r"[_/\\.:]+", "-", name or ""))
    text = re.sub(r"[^a-z0-9-]+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-")
    return text[:limit].strip("-")


def slug_from(name: str, taken: set[str] | frozenset[str] = frozenset(), *, fallback: str = "item",
              limit: int = 90) -> str:
    """A valid slug made from ``name`` (else from ``fallback``), not in ``taken``: ``base``,
    ``base-2``, ``base-3``… It does not add the slug to ``taken``."""
    base = _base(name, limit) or _base(fallback, limit) or "item"
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug, n = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix, n + 1
    return slug
