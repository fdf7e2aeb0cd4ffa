"""The members' single sign-on identifiers (``schools.member_identifiers``, kind "sso")."""
from .models import SsoIdentity


def sso_identifiers(school_id: int, user_ids: list[int]) -> dict[int, tuple[str, str]]:
    """``{user id: (identity provider's entity id, identifier)}``; of a member known to several
    of the school's identity providers, the one they were first known to."""
    rows = (SsoIdentity.objects.filter(idp__school_id=school_id, user_id__in=user_ids)
            .order_by("user_id", "pk").values_list("user_id", "idp__entity_id", "identifier"))
    found: dict[int, tuple[str, str]] = {}
    for user_id, entity_id, identifier in rows:
        found.setdefault(user_id, (entity_id, identifier))
    return found
