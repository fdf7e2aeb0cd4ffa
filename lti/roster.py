"""Names and Role Provisioning Services: the LMS course's roster synced into its cohort.

Each active member gets their Vigil account (created in the school as on a first launch,
the role mapped the same way) and is enrolled in the cohort. A person whose enrolment came
from the LMS (a launch or an earlier sync: ``LtiEnrollment``) and whom the roster no longer
lists, or lists as Inactive or Deleted, is unenrolled: their work stays, and a later sync that
lists them again enrols them again. An enrolment an admin made by hand is never taken back.
A roster that lists nobody at all takes nobody back (an LMS answering an empty list is more
likely misconfigured, its privacy settings hiding members, than a course emptied). On demand
from the cohort's LTI page, and for every bound course on the beat.
"""
from __future__ import annotations

from schools.services import audit_record

from . import grades, services
from .models import ContextBinding, LtiEnrollment, LtiIdentity

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
    """Sync the roster (the caller's transaction: the LMS failing halfway writes nothing).
    Returns the counts: members read, accounts created, added (enrolled now), removed
    (unenrolled now), unchanged (listed and already enrolled, or a school admin), skipped
    (inactive or deleted, no role Vigil maps, no user id)."""
    counts = {"members": 0, "created": 0, "added": 0, "removed": 0, "unchanged": 0, "skipped": 0}
    platform, listed = binding.platform, set()
    for member in _members(binding):
        counts["members"] += 1
        role = services.role_of(member.get("roles") or [])
        sub = str(member.get("user_id") or "")
        if member.get("status", "Active") != "Active" or role is None or not sub:
            counts["skipped"] += 1
            continue
        listed.add(sub)
        counts["created"] += not LtiIdentity.objects.filter(platform=platform, sub=sub).exists()
        user = services.launch_user(platform=platform, sub=sub, claims=member, role=role)
        added = services.launch_enrol(binding=binding, user=user, role=role)
        counts["added" if added else "unchanged"] += 1
    if counts["members"]:
        still = LtiIdentity.objects.filter(platform=platform, sub__in=listed).values("user_id")
        gone = (LtiEnrollment.objects.filter(context=binding, removed_at__isnull=True).exclude(user_id__in=still)
                .select_related("user", "context__cohort", "context__platform"))
        for origin in gone:
            counts["removed"] += services.lti_unenrol(origin=origin, actor=actor)
    audit_record(actor=actor, action="lti.roster.sync", cohort=binding.cohort, detail=dict(counts))
    return counts
