"""Retention: a school's identifying data is erased automatically a set time after its cohorts end.

A cohort ends when a school admin archives it. A trainee of the school whose cohorts there are
all archived, the last one ``retention_days`` ago, is due. Nothing is erased without warning:
the daily run first writes a notice to the school's admins listing who will be erased and on
which day (``NOTICE_DAYS`` ahead), and erases on that day those still due (a member enrolled
in a new cohort in the meantime, or whose school changed its policy, is spared). A member of
another school too is never erased automatically: the notice says so.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from schools.models import Enrollment, Membership, Role, School
from schools.services import audit_record

from .models import PrivacyPolicy, RetentionNotice
from .services import PSEUDONYM_PREFIX, member_erase

logger = logging.getLogger(__name__)

# Days between the notice to the admins and the erasure.
NOTICE_DAYS = 14


def members_due(*, school: School, retention_days: int, on: date) -> dict[int, bool]:
    """The trainees of the school due for erasure on that day, each with whether they may be
    erased automatically (False: a member of another school as well). 1 query."""
    cutoff = timezone.make_aware(timezone.datetime.combine(on - timedelta(days=retention_days),
                                                           timezone.datetime.max.time()))
    rows = (
        Enrollment.objects.filter(cohort__school=school, role=Enrollment.CohortRole.TRAINEE)
        .exclude(user__username__startswith=PSEUDONYM_PREFIX, user__is_active=False)
        .values("user_id")
        .annotate(open_cohorts=Count("pk", filter=Q(cohort__archived_at__isnull=True)),
                  last_end=Max("cohort__archived_at"),
                  schools=Count("user__memberships__school", distinct=True))
        .filter(open_cohorts=0, last_end__lte=cutoff)
    )
    return {row["user_id"]: row["schools"] <= 1 for row in rows}


def _admins_emails(school: School) -> list[str]:
    return sorted(set(
        Membership.objects.filter(school=school, role=Role.ADMIN, user__is_active=True).exclude(user__email="")
        .values_list("user__email", flat=True)))


def _notify(school: School, notice: RetentionNotice, kept: list[int]) -> None:
    """The e-mail to the school's admins (in the site's language); the notice's row and its
    audit record are the proof it was sent."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Vigil: identifying data of %(n)s members of %(school)s will be erased on %(date)s") % {
            "n": len(notice.member_ids), "school": school.name, "date": notice.erase_on.isoformat()}
        names = User.objects.filter(pk__in=notice.member_ids).order_by("last_name", "first_name", "username")
        lines = [_("Your school keeps identifying data %(days)s days after a cohort is archived. On %(date)s, "
                   "Vigil will erase the names, e-mail addresses, student numbers and written answers of:") % {
                       "days": school.privacy_policy.retention_days, "date": notice.erase_on.isoformat()}, ""]
        lines += [f"- {u.get_full_name() or u.username} ({u.username})" for u in names]
        if kept:
            lines += ["", _("Not erased automatically, as they are members of another school too: %(n)s.") % {
                "n": len(kept)}]
        lines += ["", _("Their grades stay, under a pseudonym, so your cohorts' figures do not change. "
                        "To keep someone, enrol them in a current cohort or change the retention period before then.")]
    recipients = _admins_emails(school)
    if recipients:
        send_mail(subject, "\n".join(lines), None, recipients, fail_silently=False)
    else:
        logger.warning("Retention notice %s of school %s: no admin has an e-mail address", notice.pk, school.pk)


def retention_apply(*, today: date | None = None) -> dict:
    """The daily run: erase what notices made due today, then warn of what falls due next."""
    today = today or timezone.localdate()
    erased, warned = 0, 0
    for policy in PrivacyPolicy.objects.filter(retention_days__isnull=False).select_related("school"):
        school = policy.school
        for notice in RetentionNotice.objects.filter(school=school, erase_on__lte=today, carried_out_at__isnull=True):
            due = members_due(school=school, retention_days=policy.retention_days, on=today)
            for member in User.objects.filter(pk__in=[m for m in notice.member_ids if due.get(m)]):
                with transaction.atomic():
                    member_erase(subject=member, school=school, actor=None, automatic=True,
                                 reason=_("Retention period of the school"))
                erased += 1
            RetentionNotice.objects.filter(pk=notice.pk).update(carried_out_at=timezone.now())
        upcoming = members_due(school=school, retention_days=policy.retention_days,
                               on=today + timedelta(days=NOTICE_DAYS))
        already = {m for n in RetentionNotice.objects.filter(school=school, carried_out_at__isnull=True)
                   for m in n.member_ids}
        new = sorted(m for m, automatic in upcoming.items() if automatic and m not in already)
        kept = sorted(m for m, automatic in upcoming.items() if not automatic)
        if new:
            with transaction.atomic():
                notice = RetentionNotice.objects.create(school=school, erase_on=today + timedelta(days=NOTICE_DAYS),
                                                        member_ids=new)
                audit_record(actor=None, action="privacy.retention.notice", school_id=school.pk, detail={
                    "members": len(new), "erase_on": notice.erase_on.isoformat(), "not_automatic": len(kept)})
            _notify(school, notice, kept)
            warned += len(new)
    return {"erased": erased, "warned": warned}
