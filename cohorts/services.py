"""Writes of the cohorts app: export jobs and attestations, each with its audit record.

Schools, enrolment, assignments and the audit log itself are written by ``schools.services``;
the running sums a grade moves by ``progress.aggregates``."""
import logging
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from accounts.models import User
from courses.models import Competency, Course
from training.errors import ApplicationError, Conflict
from training.jobs import TRANSIENT_ERRORS, JobKind
from training.queue import enqueue_on_commit

from .models import Attestation, ExportJob
from .signals import attestations_issued
from schools.models import Cohort, Membership
from schools.services import audit_record


logger = logging.getLogger(__name__)

# The export task (cohorts.tasks.run_export): a new name if its arguments ever change.
EXPORT_TASK = "cohorts.run_export_v1"
# Claimed, retried, failed and swept by the rules of every background job (training.jobs); a
# database error puts it back to pending for the task's retry (training.retry), any other
# error, a time limit included, fails it.
EXPORT_JOBS = JobKind(model=ExportJob, task=EXPORT_TASK,
                      gave_up=gettext_lazy("The export did not finish after several tries."))
EXPORT_MAX_TRIES = EXPORT_JOBS.max_tries


def export_request(*, user: User, cohort: Cohort, kind: str, fmt: str, course: Course | None = None) -> ExportJob:
    """Record an export job and enqueue it after commit; the caller checked that the user may
    see the cohort. A research extract is for school admins only."""
    errors = {}
    if kind not in ExportJob.Kind.values:
        errors["kind"] = [_("Choose one of the export contents offered.")]
    if fmt not in ExportJob.Format.values:
        errors["format"] = [_("Choose CSV or XLSX.")]
    if errors:
        raise ApplicationError(_("The export request is not valid."), errors)
    if kind == ExportJob.Kind.RESEARCH and not user.has_perm("cohorts.export_research", cohort):
        raise ApplicationError(_("Only school admins may request a research extract."),
                               {"kind": [_("Not allowed for your role.")]}, status_code=403)
    with transaction.atomic():
        _export_limits(user)
        job = ExportJob.objects.create(
            school_id=cohort.school_id, cohort=cohort, course=course, requested_by=user, kind=kind, format=fmt,
            salt=secrets.token_hex(32) if kind == ExportJob.Kind.RESEARCH else "",
        )
        audit_record(actor=user, action="export.request", cohort=cohort,
                     detail={"job": job.pk, "kind": kind, "format": fmt, "course": course.slug if course else None})
        enqueue_on_commit(EXPORT_TASK, job.pk)  # a broker failure is logged; the sweeper retries
    return job


def _export_limits(user: User) -> None:
    """At most VIGIL_EXPORTS_AT_ONCE jobs waiting or being written per requester, and
    VIGIL_EXPORTS_PER_HOUR requests an hour; else a 429. The requester's row is locked so
    that two requests at the same moment are counted one after the other."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    mine = ExportJob.objects.filter(requested_by=user)
    at_once = settings.VIGIL_EXPORTS_AT_ONCE
    if mine.filter(status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]).count() >= at_once:
        raise ApplicationError(
            _("You already have %(count)s exports waiting or being written; wait until one is ready, then ask again.")
            % {"count": at_once}, status_code=429,
        )
    per_hour = settings.VIGIL_EXPORTS_PER_HOUR
    if mine.filter(created_at__gte=timezone.now() - timedelta(hours=1)).count() >= per_hour:
        raise ApplicationError(
            _("You have asked for %(count)s exports in the last hour, the most allowed; try again later.")
            % {"count": per_hour}, status_code=429,
        )


def export_run(*, job_id: int) -> ExportJob | None:
    """Build the job's file and store it; None when another worker has it or it is finished
    (a twice-delivered message writes the file once). Progress is written as it goes, outside
    any long transaction, so the page sees it move.
    """
    from . import exports

    now = timezone.now()
    if not EXPORT_JOBS.claim(job_id, now=now, progress=0, rows_written=0):
        return None
    job = ExportJob.objects.select_related("cohort", "school", "course").get(pk=job_id)

    def on_progress(done: int, total: int) -> None:
        EXPORT_JOBS.running(job_id).update(progress=min(99, done * 100 // max(total, 1)), rows_written=done)

    try:
        filename, content = exports.build(job, on_progress=on_progress)
        with content:
            stored = ExportJob._meta.get_field("file").storage.save(
                f"exports/{now:%Y/%m}/{uuid.uuid4().hex}/{filename}", content,
            )
    except TRANSIENT_ERRORS:
        EXPORT_JOBS.release(job_id)
        raise
    except Exception as exc:  # noqa: BLE001 - a bug or bad data never succeeds on retry
        logger.exception("Export job %s failed", job_id)
        export_mark_failed(job_id=job_id, reason=f"{type(exc).__name__}: {exc}")
        job.refresh_from_db()
        return job
    EXPORT_JOBS.finish(job_id, file=stored, filename=filename, progress=100)
    job.refresh_from_db()
    return job


def export_mark_failed(*, job_id: int, reason: str) -> None:
    EXPORT_JOBS.fail(job_id, reason)


def exports_sweep(*, now: datetime | None = None) -> list[int]:
    """Re-enqueue jobs whose message was lost or whose worker died; fail those out of tries."""
    return EXPORT_JOBS.sweep(now=now)


def export_record_download(*, user: User, job: ExportJob) -> None:
    audit_record(actor=user, action="export.download", cohort=job.cohort,
                 detail={"job": job.pk, "kind": job.kind, "format": job.format})


@transaction.atomic
def attestations_issue(*, cohort: Cohort, course: Course, issued_by: User) -> list[Attestation]:
    """Issue an attestation for every completion of the course by a trainee of the cohort
    (a trainee and a published version they completed, ``selectors.records.version_completions``)
    that has no valid attestation yet. Each names the version the trainee took, its hours and
    competencies and the trainee's own completion date; one after a revoked attestation of the
    same version replaces it, and the revoked one stays as the history."""
    from .attestations import initials, new_code
    from .selectors.dashboard import cohort_courses
    from .selectors.records import course_completions

    assigned = next((c for c in cohort_courses(cohort=cohort) if c.course.pk == course.pk), None)
    if assigned is None:
        raise ApplicationError(_("This course is not assigned to the cohort."), {"course": [_("Unknown course.")]})
    if assigned.version is None or not assigned.modules:
        raise ApplicationError(_("This course has no published version with modules."), {"course": [_("Not published.")]})
    completions = course_completions(cohort=cohort, course=assigned)
    trainee_ids = sorted({r["trainee"].pk for r in completions})
    version_ids = sorted({r["version"].pk for r in completions})
    previous: dict[tuple[int, int], Attestation] = {}
    valid = set()
    # Lock the trainees' attestations of these versions: two issues at once issue once.
    for a in (Attestation.objects.select_for_update().filter(trainee_id__in=trainee_ids, version_id__in=version_ids)
              .order_by("issued_at", "id")):
        if a.revoked_at is None:
            valid.add((a.trainee_id, a.version_id))
        else:
            previous[(a.trainee_id, a.version_id)] = a
    competencies: dict[int, list[dict]] = {v: [] for v in version_ids}
    for version_id, code, name in (
            Competency.objects.filter(items__case__module__version_id__in=version_ids)
            .values_list("items__case__module__version_id", "code", "name").distinct()
            .order_by("items__case__module__version_id", "code")):
        competencies[version_id].append({"code": code, "name": name})
    numbers = dict(Membership.objects.filter(school_id=cohort.school_id, user_id__in=trainee_ids)
                   .exclude(student_number="").order_by("user_id", "-student_number")
                   .values_list("user_id", "student_number"))
    school = cohort.school
    new = []
    for r in completions:
        trainee, version = r["trainee"], r["version"]
        if (trainee.pk, version.pk) in valid:
            continue
        new.append(Attestation(
            code=new_code(), trainee=trainee, school_id=cohort.school_id, cohort=cohort, course=course,
            version=version, holder_name=trainee.display_name,
            holder_initials=initials(first_name=trainee.first_name, last_name=trainee.last_name,
                                     username=trainee.username),
            student_number=numbers.get(trainee.pk, ""), institution=school.name,
            signatory_name=school.signatory_name, signatory_title=school.signatory_title,
            course_title=version.title, version_number=version.number,
            completed_at=r["completed_at"], score=None if r["score"] is None else min(max(r["score"], 0.0), 1.0),
            hours=version.hours, competencies=competencies[version.pk], issued_by=issued_by,
            replaces=previous.get((trainee.pk, version.pk)),
        ))
    Attestation.objects.bulk_create(new)
    attestations_issued.send(sender=Attestation, attestations=new)
    audit_record(actor=issued_by, action="attestation.issue", cohort=cohort,
                 detail={"course": course.slug, "versions": sorted({a.version_number for a in new}),
                         "issued": len(new)})
    return new


def attestation_revoke(*, attestation: Attestation, revoked_by: User, reason: str) -> Attestation:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the attestation is revoked."), {"reason": [_("This field is required.")]})
    with transaction.atomic():
        updated = Attestation.objects.filter(pk=attestation.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=revoked_by, revoked_reason=reason[:2000],
        )
        if not updated:
            raise Conflict(_("This attestation was already revoked."))
        audit_record(actor=revoked_by, action="attestation.revoke", cohort=attestation.cohort,
                     subject=attestation.trainee, detail={"code": attestation.code, "reason": reason[:200]})
    attestation.refresh_from_db()
    return attestation
