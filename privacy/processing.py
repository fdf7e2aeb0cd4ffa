"""The record of processing (GDPR article 30) a school's DPO keeps: what personal data Vigil
holds, why, on which legal basis, for how long and who at the school can see it.

The rows are declared here, beside the models they describe, and completed with the school's
own settings (its retention period and contact); "who can see it" follows ``schools.rules``.
"""
from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.attestations import safe_cell
from schools.models import School

from .models import PrivacyPolicy
from .selectors import policy_of

ADMINS = gettext_lazy("the school's admins")
REVIEWERS = gettext_lazy("reviewers")
TEACHING_FACULTY = gettext_lazy("faculty teaching the member's cohort")
AUTHORS = gettext_lazy("the course's authors")
MEMBER = gettext_lazy("the member")

# (category, data held, purpose, who can see it)
ACTIVITIES = (
    (gettext_lazy("Identity and account"),
     gettext_lazy("username, first and last name, e-mail address, password hash, sign-in dates"),
     gettext_lazy("sign the member in; name them on the school's pages and attestations"),
     (MEMBER, ADMINS, REVIEWERS, TEACHING_FACULTY)),
    (gettext_lazy("School membership"),
     gettext_lazy("role in the school, student number, training year, cohorts"),
     gettext_lazy("organise training by cohort; match the school's student records"),
     (MEMBER, ADMINS, REVIEWERS, TEACHING_FACULTY)),
    (gettext_lazy("Answers and grades"),
     gettext_lazy("every answer (unaided answers before an AI output included), scores, feedback, faculty marks "
                  "and comments, written answers"),
     gettext_lazy("grade the training; give the member feedback; faculty confirm written answers"),
     (MEMBER, ADMINS, REVIEWERS, TEACHING_FACULTY, AUTHORS)),
    (gettext_lazy("Measures of reliance on AI"),
     gettext_lazy("derived figures: automation bias, appropriate reliance, calibration, detection of AI errors"),
     gettext_lazy("show the member and the school who needs more training"),
     (MEMBER, ADMINS, REVIEWERS, TEACHING_FACULTY)),
    (gettext_lazy("Attestations of training"),
     gettext_lazy("holder's name and initials, student number, course version, hours, competencies, dates"),
     gettext_lazy("prove the AI literacy of the school's people (EU AI Act, Article 4)"),
     (MEMBER, ADMINS, REVIEWERS, gettext_lazy("anyone holding the verification code (initials only)"))),
    (gettext_lazy("Audit log"),
     gettext_lazy("who read or changed a member's record, what and when"),
     gettext_lazy("accountability of the school's staff towards its members"),
     (ADMINS,)),
    (gettext_lazy("Sign-in security"),
     gettext_lazy("failed sign-ins: username, IP address, browser"),
     gettext_lazy("protect accounts against password guessing"),
     (gettext_lazy("the platform's operators"),)),
)


def _retention(policy: PrivacyPolicy) -> str:
    if policy.retention_days is None:
        return _("until a school admin erases the member (no automatic retention period is set)")
    return _("%(days)s days after the member's last cohort at the school is archived, then erased "
             "automatically (grades kept under a pseudonym)") % {"days": policy.retention_days}


def processing_rows(school: School) -> list[dict[str, str]]:
    policy = policy_of(school)
    retention = _retention(policy)
    rows = []
    for category, data, purpose, who in ACTIVITIES:
        rows.append({
            "category": str(category), "data": str(data), "purpose": str(purpose),
            "legal_basis": _("public task or legitimate interest of the school in training its members "
                             "(GDPR article 6(1)(e) or (f)); the school, as controller, states which"),
            "retention": retention if category != ACTIVITIES[-1][0] else _("as long as django-axes keeps them, "
                                                                            "and erased with the member"),
            "who_can_see_it": ", ".join(str(w) for w in who),
            "controller": school.name,
            "contact": policy.contact,
        })
    return rows


def processing_csv(school: School) -> bytes:
    rows = processing_rows(school)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow([safe_cell(v) for v in row.values()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
