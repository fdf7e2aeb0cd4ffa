"""Reads of the LTI app."""
from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Placement, Platform, ToolKey


def school_platforms(*, school) -> QuerySet[Platform]:
    return (Platform.objects.filter(school=school).annotate(n_contexts=Count("contexts", distinct=True))
            .prefetch_related("deployments").order_by("name"))


def school_placements(*, school) -> list[Placement]:
    """The activities placed in the school's LMS courses and not removed, with their LMS
    course, cohort and registration (one query)."""
    return list(Placement.objects.filter(context__platform__school=school, removed_at__isnull=True)
                .select_related("context__platform", "context__cohort", "course")
                .order_by("context__title", "title", "pk"))


def school_keys(*, school) -> list[ToolKey]:
    return list(ToolKey.objects.filter(school=school))


def jwks(*, school_id: int) -> dict:
    """The school's published public keys as a JSON Web Key Set."""
    import json

    from jwcrypto.jwk import JWK

    keys = []
    for key in ToolKey.objects.filter(school_id=school_id, is_active=True).only("kid", "public_pem"):
        jwk = json.loads(JWK.from_pem(key.public_pem.encode()).export_public())
        keys.append({**jwk, "kid": key.kid, "alg": "RS256", "use": "sig"})
    return {"keys": keys}
