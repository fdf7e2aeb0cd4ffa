"""Names and Role Provisioning Services: the LMS course's roster synced into its cohort.

Each active member gets their Vigil account (created in the school as on a first launch,
the role mapped the same way) and is enrolled in the cohort. A person whose enrolment came
from the LMS (a launch or an earlier sync: ``LtiEnrollment``) and whom the roster no longer
lists, or lists as Inactive or Deleted, is unenrolled: their work stays, and a later sync that
lists them again enrols them again. An enrolment an admin made by hand is never taken back.
A roster that lists nobody at all takes nobody back (an LMS answering an empty list is more
likely misconfigured, its privacy settings hiding members, than a course emptied).

Roles follow the roster, mapped as at a launch: an enrolment the LMS made takes the cohort
role the course now gives (Learner → trainee, Instructor → faculty), a higher school role is
added, and a staff role (faculty, admin) the LMS gave is taken back once none of the school's
LMS courses gives it. A staff role set in Vigil by hand is never taken back by a roster: the
roster manages only the roles it granted (the count ``kept`` says how many it left). On demand
from the cohort's LTI page, and for every bound course on the beat.
"""
from __future__ import annotations

from schools.services import audit_record

from . import grades, services
from .models import ContextBinding, LtiCourseRole, LtiEnrollment, LtiIdentity

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
    (inactive or deleted, no role Vigil maps, no user id), changed (roles changed: a cohort
    role, a school role added to an existing account or taken back) and kept (staff roles set
    in Vigil by hand, or the last admin's, that the roster no longer gives: left as they are)."""
    counts = {"members": 0, "created": 0, "added": 0, "removed": 0, "unchanged": 0, "skipped": 0,
              "changed": 0, "kept": 0}
    platform, listed, touched = binding.platform, set(), set()
    for member in _members(binding):
        counts["members"] += 1
        role = services.role_of(member.get("roles") or [])
        sub = str(member.get("user_id") or "")
        if member.get("status", "Active") != "Active" or role is None or not sub:
            counts["skipped"] += 1
            continue
        listed.add(sub)
        user, created, role_added = services.launch_account(platform=platform, sub=sub, claims=member, role=role)
        touched.add(user.pk)
        counts["created"] += created
        counts["changed"] += role_added and not created
        added = services.launch_enrol(binding=binding, user=user, role=role)
        counts["added" if added else "unchanged"] += 1
        if not added:
            counts["changed"] += services.lti_cohort_role_follow(binding=binding, user=user, role=role, actor=actor)
    if counts["members"]:
        still = LtiIdentity.objects.filter(platform=platform, sub__in=listed).values("user_id")
        gone = (LtiEnrollment.objects.filter(context=binding, removed_at__isnull=True).exclude(user_id__in=still)
                .select_related("user", "context__cohort", "context__platform"))
        for origin in gone:
            counts["removed"] += services.lti_unenrol(origin=origin, actor=actor)
        unlisted = LtiCourseRole.objects.filter(context=binding).exclude(user_id__in=still)
        touched.update(unlisted.values_list("user_id", flat=True))
        unlisted.delete()
        revoked, counts["kept"] = services.lti_staff_roles_follow(school=platform.school, user_ids=touched,
                                                                  actor=actor)
        counts["changed"] += revoked
    audit_record(actor=actor, action="lti.roster.sync", cohort=binding.cohort, detail=dict(counts))
    return counts
