"""Names and Role Provisioning Services: the LMS course's roster synced into its cohort.

Each active member gets their Vigil account (created in the school as on a first launch,
the role mapped the same way) and is enrolled in the cohort; members the LMS lists as
inactive or deleted are left as they are (Vigil keeps their work and never unenrols on the
LMS's word). On demand from the cohort's LTI page, and for every bound course on the beat.
"""
from __future__ import annotations

from schools.services import audit_record

from . import grades, services
from .models import ContextBinding

NRPS_ACCEPT = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 100


def _members(binding: ContextBinding):
    token = grades.access_token(binding.platform, [grades.NRPS_SCOPE])
    url, pages = binding.memberships_url, 0
    while url and pages < MAX_PAGES:
        answer = grades._http("get", url, headers={"Authorization": f"Bearer {token}", "Accept": NRPS_ACCEPT})
        yield from answer.json().get("members", [])
        url, pages = answer.links.get("next", {}).get("url"), pages + 1


def roster_sync(*, binding: ContextBinding, actor) -> dict[str, int]:
    """Sync the roster (the caller's transaction). Returns the counts: members read, accounts
    created, enrolled, skipped (inactive, or no role Vigil maps)."""
    from lti.models import LtiIdentity
    from schools.models import Enrollment

    counts = {"members": 0, "created": 0, "enrolled": 0, "skipped": 0}
    platform = binding.platform
    for member in _members(binding):
        counts["members"] += 1
        role = services.role_of(member.get("roles") or [])
        sub = str(member.get("user_id") or "")
        if member.get("status", "Active") != "Active" or role is None or not sub:
            counts["skipped"] += 1
            continue
        counts["created"] += not LtiIdentity.objects.filter(platform=platform, sub=sub).exists()
        user = services.launch_user(platform=platform, sub=sub, claims=member, role=role)
        was = Enrollment.objects.filter(cohort=binding.cohort, user=user).exists()
        services.launch_enrol(cohort=binding.cohort, user=user, role=role)
        counts["enrolled"] += not was and role != "admin"
    audit_record(actor=actor, action="lti.roster.sync", cohort=binding.cohort, detail=dict(counts))
    return counts
