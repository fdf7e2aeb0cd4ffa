"""The members' LMS identifiers (``schools.member_identifiers``, kind "lms")."""
from .models import LtiIdentity


def lms_identifiers(school_id: int, user_ids: list[int]) -> dict[int, tuple[str, str]]:
    """``{user id: (platform issuer, sub)}``; of a member known to several of the school's
    platforms, the one registered first (the same one every time)."""
    rows = (LtiIdentity.objects.filter(platform__school_id=school_id, user_id__in=user_ids)
            .order_by("user_id", "platform_id", "pk").values_list("user_id", "platform__issuer", "sub"))
    found: dict[int, tuple[str, str]] = {}
    for user_id, issuer, sub in rows:
        found.setdefault(user_id, (issuer, sub))
    return found
