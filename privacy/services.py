"""Writes of a school's data-protection duties, each with its audit record; callers own the
transaction (the archive job excepted: it writes its progress as it goes, as export jobs do).

Erasure keeps the member's row, answers, grades and counters under a pseudonym: every cohort
figure stays what it was, while nothing that names the person (names, e-mail, username,
student number, written answers and comments that may hold them, their sign-in history) is
left. The erasure's own audit record names only the pseudonym.
"""
from __future__ import annotations

import logging
import secrets
import uuid
from datetime import datetime

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from accounts.models import ERASED_PREFIX, User
from cohorts.models import Attestation
from courses.models import Item
from quizzes.models import Grade, RaterMark, Response
from schools.models import AuditEvent, Membership, School
from schools.services import audit_record
from training.errors import ApplicationError, Conflict
from training.jobs import TRANSIENT_ERRORS, JobKind
from training.queue import enqueue_on_commit
from xapi.services import member_forget as xapi_member_forget

from .models import DataExport, NoticeAcknowledgement, PrivacyPolicy
from .selectors import WRITTEN_TYPES, erasure_preview, member_data, policy_of

logger = logging.getLogger(__name__)

DATA_EXPORT_TASK = "privacy.run_data_export_v1"
# Claimed, retried, failed and swept by the rules of every background job (training.jobs).
DATA_EXPORTS = JobKind(model=DataExport, task=DATA_EXPORT_TASK,
                       gave_up=gettext_lazy("The archive did not finish after several tries."))
# What replaces a written answer or a comment of an erased member.
ERASED_TEXT = ""
PSEUDONYM_PREFIX = ERASED_PREFIX


def policy_update(*, school: School, actor: User, retention_days: int | None, attestations_on_erasure: str,
                  notice_en: str, notice_fr: str, contact: str) -> PrivacyPolicy:
    """Change the school's policy; a changed notice gets a new version, read again by every
    member at their next sign-in."""
    policy = policy_of(school)
    changed = []
    notice_changed = (notice_en.strip(), notice_fr.strip()) != (policy.notice_en.strip(), policy.notice_fr.strip())
    for field, value in (("retention_days", retention_days), ("attestations_on_erasure", attestations_on_erasure),
                         ("notice_en", notice_en), ("notice_fr", notice_fr), ("contact", contact)):
        if getattr(policy, field) != value:
            setattr(policy, field, value)
            changed.append(field)
    if notice_changed:
        policy.notice_version += 1
    if not changed and policy.pk:
        return policy
    policy.save()
    audit_record(actor=actor, action="privacy.policy.update", school_id=school.pk, detail={
        "changed": changed, "notice_version": policy.notice_version,
        "retention_days": policy.retention_days, "attestations_on_erasure": policy.attestations_on_erasure,
    })
    return policy


def notices_to_read(user: User) -> list[int]:
    """The schools whose current privacy notice the member has not read yet (1 query)."""
    pending = []
    rows = (PrivacyPolicy.objects.filter(school__memberships__user=user, notice_version__gt=0)
            .values_list("school_id", "notice_version", "notice_en", "notice_fr").distinct())
    read = set(NoticeAcknowledgement.objects.filter(user=user).values_list("school_id", "version"))
    for school_id, version, notice_en, notice_fr in rows:
        if (notice_en.strip() or notice_fr.strip()) and (school_id, version) not in read:
            pending.append(school_id)
    return sorted(set(pending))


def notice_acknowledge(*, user: User, school: School) -> NoticeAcknowledgement:
    policy = policy_of(school)
    acknowledgement, created = NoticeAcknowledgement.objects.get_or_create(
        user=user, school=school, version=policy.notice_version)
    if created:
        audit_record(actor=user, action="privacy.notice.read", school_id=school.pk, subject=user,
                     detail={"version": policy.notice_version})
    return acknowledgement


# ---------------------------------------------------------------- archives of a member's data


def data_export_request(*, subject: User, requested_by: User, school: School | None = None) -> DataExport:
    """Ask for the archive of a member's data, built by a worker; one at a time per member
    (a second request while one is waiting is refused, not queued twice)."""
    if DataExport.objects.filter(subject=subject, status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING]
                                 ).exists():
        raise Conflict(_("An archive of this member's data is already being written; it will be ready in a moment."))
    export = DataExport.objects.create(subject=subject, school=school, requested_by=requested_by)
    audit_record(actor=requested_by, action="privacy.export.request", school_id=school.pk if school else None,
                 subject=subject, detail={"export": export.pk, "scope": "school" if school else "all"})
    enqueue_on_commit(DATA_EXPORT_TASK, export.pk)
    return export


def data_export_run(*, export_id: int) -> DataExport | None:
    """Write the archive and store it; None when another worker has it or it is finished (a
    message delivered twice writes it once)."""
    from .archive import build_archive

    now = timezone.now()
    if not DATA_EXPORTS.claim(export_id, now=now):
        return None
    export = DataExport.objects.select_related("subject", "school").get(pk=export_id)
    scope = (_("The data of %(school)s only.") % {"school": export.school.name} if export.school
             else _("The data of every school you belong to."))
    filename = f"vigil-personal-data-{now:%Y%m%d}.zip"
    try:
        content = build_archive(member_data(subject=export.subject, school=export.school), scope=scope)
        with content:
            stored = DataExport._meta.get_field("file").storage.save(
                f"personal-data/{now:%Y/%m}/{uuid.uuid4().hex}/{filename}", content)
    except TRANSIENT_ERRORS:
        DATA_EXPORTS.release(export_id)
        raise
    except Exception as exc:  # noqa: BLE001 - a bug or bad data never succeeds on retry
        logger.exception("Personal data export %s failed", export_id)
        data_export_mark_failed(export_id=export_id, reason=f"{type(exc).__name__}: {exc}")
        export.refresh_from_db()
        return export
    DATA_EXPORTS.finish(export_id, file=stored, filename=filename)
    export.refresh_from_db()
    return export


def data_export_mark_failed(*, export_id: int, reason: str) -> None:
    DATA_EXPORTS.fail(export_id, reason)


def data_exports_sweep(*, now: datetime | None = None) -> list[int]:
    """Re-enqueue archives whose message was lost or whose worker died; fail those out of tries."""
    return DATA_EXPORTS.sweep(now=now)


def data_export_record_download(*, user: User, export: DataExport) -> None:
    audit_record(actor=user, action="privacy.export.download", school_id=export.school_id, subject=export.subject,
                 detail={"export": export.pk})


# ---------------------------------------------------------------- erasure


def _scrub(value, names: list[str], pseudonym: str):
    """The value with every occurrence of the member's names replaced by the pseudonym."""
    if isinstance(value, str):
        for name in names:
            value = value.replace(name, pseudonym)
        return value
    if isinstance(value, list):
        return [_scrub(v, names, pseudonym) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, names, pseudonym) for k, v in value.items()}
    return value


def member_erase(*, subject: User, school: School, actor: User | None, reason: str = "", automatic: bool = False) -> str:
    """Erase what identifies a member of the school and keep their results under a pseudonym,
    which is returned. Refused for a member of another school too (their identity is that
    school's to erase as well), for one's own account and for platform staff."""
    if actor is not None and subject.pk == actor.pk:
        raise ApplicationError(_("You cannot erase your own account."), {"member": [_("Choose another member.")]})
    if subject.is_superuser or subject.is_staff:
        raise ApplicationError(_("Platform administrators are not erased from a school's pages."),
                               {"member": [_("Ask the platform's operators.")]})
    if not Membership.objects.filter(user=subject, school=school).exists():
        raise ApplicationError(_("This person is not a member of the school."), {"member": [_("Not a member.")]})
    if subject.is_erased:
        raise Conflict(_("This member was erased already."))
    preview = erasure_preview(subject=subject, school=school)
    if preview.blocked:
        raise Conflict(_("This person is also a member of %(schools)s: each school must remove them first, "
                         "or the platform's operators erase them.") % {"schools": ", ".join(preview.other_schools)})
    pseudonym = f"{PSEUDONYM_PREFIX}{secrets.token_hex(6)}"
    names = [n for n in {subject.username, subject.email, subject.get_full_name(), subject.first_name,
                         subject.last_name} if n and len(n) >= 3]
    names.sort(key=len, reverse=True)  # "Ada Lovelace" before "Ada"
    old_username = subject.username

    responses = Response.objects.filter(attempt__trainee=subject)
    written = responses.filter(item__type__in=WRITTEN_TYPES)
    erased_answers = written.update(answer={"text": ERASED_TEXT})
    Grade.objects.filter(response__in=responses).exclude(comment="").update(comment=ERASED_TEXT)
    RaterMark.objects.filter(response__in=responses).exclude(comment="").update(comment=ERASED_TEXT)

    attestations = Attestation.objects.filter(trainee=subject)
    revoke = policy_of(school).attestations_on_erasure == PrivacyPolicy.OnErasure.REVOKE
    if revoke:
        attestations.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor, revoked_reason=_("The holder's data was erased."))
    attestations.update(holder_name=pseudonym, holder_initials="—", student_number="")

    for event in (AuditEvent.objects.annotate(text=Cast("detail", TextField()))
                  .filter(Q(school=school) | Q(cohort__school=school))
                  .filter(_any_contains("text", names)).only("pk", "detail")):
        AuditEvent.objects.filter(pk=event.pk).update(detail=_scrub(event.detail, names, pseudonym))

    Membership.objects.filter(user=subject).update(student_number="")
    subject.username, subject.first_name, subject.last_name, subject.email = pseudonym, "", "", ""
    subject.is_active = False
    subject.set_unusable_password()  # also ends every session: their hash no longer matches
    subject.save(update_fields=["username", "first_name", "last_name", "email", "is_active", "password"])
    _forget_sign_ins(subject, old_username)
    for export in DataExport.objects.filter(subject=subject).exclude(file=""):
        export.file.delete(save=False)
    DataExport.objects.filter(subject=subject).delete()
    statements = xapi_member_forget(subject=subject, school=school)

    audit_record(actor=None if automatic else actor, action="privacy.member.erase", school_id=school.pk,
                 subject=subject, detail={
                     "pseudonym": pseudonym, "answers_kept": preview.answers_kept,
                     "written_answers_erased": erased_answers, "attestations": "revoked" if revoke else "kept",
                     "automatic": automatic, "xapi_statements_forgotten": statements,
                     **({"reason": _scrub(reason, names, pseudonym)} if reason else {}),
                 })
    return pseudonym


def _any_contains(field: str, names: list[str]) -> Q:
    condition = Q()
    for name in names:
        condition |= Q(**{f"{field}__contains": name})
    return condition


def _forget_sign_ins(subject: User, old_username: str) -> None:
    """Their API tokens, django-axes' record of their sign-ins (username and address) and the
    identifiers an identity provider or an LMS knows them by go too: those identifiers name
    the person at their university, and a later sign-on or launch makes a new account rather
    than reaching the erased one. Scores not yet sent to the LMS are not sent."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from rest_framework.authtoken.models import Token

    from lti.models import LtiIdentity, ScorePassback
    from sso.models import SsoIdentity

    Token.objects.filter(user=subject).delete()
    SsoIdentity.objects.filter(user=subject).delete()
    LtiIdentity.objects.filter(user=subject).delete()
    ScorePassback.objects.filter(trainee=subject).exclude(status=ScorePassback.Status.SENT).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=old_username).delete()
