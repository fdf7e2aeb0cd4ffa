"""Writes of import jobs: a large upload (a course package, a Moodle XML or GIFT file) is
imported by a Celery job (``courses.tasks.run_import``) rather than in the request.

The request keeps the upload in private storage and records an ``ImportJob`` (the outbox);
the worker claims it once, runs the very service a small upload runs in the request
(``services.course_package_import``, ``question_import.questions_import``: all or nothing),
reporting its progress, and records the result, or every problem when the upload is
refused. The studio's job page polls it; the API answers 202 with the job to poll.
"""
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from training.errors import ApplicationError
from training.queue import enqueue_on_commit, publish_rollback_unsafe

from .models import Course, CourseVersion, ImportJob, Module
from .packages.archive import unpack_upload
from .packages.errors import PackageError
from .packages.loader import peek_slug
from .question_import import question_file_parse, questions_import
from .services import course_package_import


# The import task (courses.tasks.run_import): a new name if its arguments ever change.
IMPORT_TASK = "courses.run_import_v1"
IMPORT_MAX_TRIES = 3
# A running job whose worker died is taken again after this; a pending one whose message was
# lost is enqueued again after IMPORT_PENDING_AFTER.
IMPORT_STALE_AFTER = timedelta(minutes=30)
IMPORT_PENDING_AFTER = timedelta(minutes=2)
IMPORT_TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def import_in_background(size: int) -> bool:
    """Whether an upload of ``size`` bytes is imported by a job rather than in the request
    (``VIGIL_IMPORT_IN_REQUEST_BYTES``: a 49 MiB Moodle bank takes more than a minute)."""
    return size > settings.VIGIL_IMPORT_IN_REQUEST_BYTES


def import_job_request(*, user, kind: str, name: str, content: bytes, version: CourseVersion | None = None,
                       options: dict | None = None) -> ImportJob:
    """Keep the upload in private storage, record the job and enqueue it after commit.

    The caller checked that ``user`` may import (into ``version``, for questions)."""
    stored = ImportJob._meta.get_field("upload").storage.save(
        f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/upload", ContentFile(content),
    )
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, requested_by=user, version=version, source_name=PurePosixPath(name or "upload").name[:200],
            upload=stored, options=options or {},
        )
        enqueue_on_commit(IMPORT_TASK, job.pk)  # a broker failure is logged; the sweeper retries
    return job


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Import the job's upload; None when another worker has it or it is finished.

    Claimed by one guarded UPDATE (pending, or running but stale), so a second delivery does
    nothing. The import itself is the same all-or-nothing service as in a request: a refused
    upload marks the job failed with every problem and writes nothing else.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, tries__lt=IMPORT_MAX_TRIES).filter(
        models.Q(status=ImportJob.Status.PENDING)
        | models.Q(status=ImportJob.Status.RUNNING, started_at__lt=now - IMPORT_STALE_AFTER)
    ).update(status=ImportJob.Status.RUNNING, started_at=now, tries=models.F("tries") + 1, progress=0)
    if not claimed:
        return None
    job = ImportJob.objects.select_related("version", "requested_by").get(pk=job_id)

    def on_progress(percent: int) -> None:
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(progress=max(0, min(99, percent)))

    try:
        with job.upload.open("rb") as file:
            data = file.read()
        if job.kind == ImportJob.Kind.PACKAGE:
            version, result = _import_package(job, data, on_progress), {}
        else:
            version, result = job.version, _import_questions(job, data, on_progress)
    except IMPORT_TRANSIENT_ERRORS:
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(status=ImportJob.Status.PENDING)
        raise
    except PackageError as exc:
        _import_refused(job_id, exc.message or _("The file is not valid; nothing was imported."), exc.errors)
    except ApplicationError as exc:
        problems = [(path, message) for path, messages in exc.errors.items() for message in messages]
        _import_refused(job_id, exc.message, problems)
    else:
        if version is not None:
            result["version"] = {"slug": version.course.slug, "number": version.number, "status": version.status}
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.DONE, progress=100, result=result, version=version, finished_at=timezone.now(),
            upload="",  # in the same statement: a job seen finished no longer names its upload
        )
    _import_upload_delete(job)
    return ImportJob.objects.get(pk=job_id)


def _import_package(job: ImportJob, data: bytes, on_progress) -> CourseVersion:
    with tempfile.TemporaryDirectory() as folder:
        path = unpack_upload(data=data, folder=Path(folder))
        on_progress(10)
        existing = Course.objects.filter(slug=peek_slug(path / "course.yaml")).first()
        if existing and not job.requested_by.has_perm("courses.edit_course", existing):
            raise ApplicationError(_("A course with this slug belongs to other authors; change the slug in "
                                     "course.yaml to import it as a new course."), status_code=403)
        on_progress(20)
        return course_package_import(path=path, user=job.requested_by, publish=bool(job.options.get("publish")))


def _import_questions(job: ImportJob, data: bytes, on_progress) -> dict:
    if job.version is None or job.version.status != CourseVersion.Status.DRAFT:
        raise ApplicationError(_("The draft these questions were for is no longer a draft; nothing was imported."))
    options = job.options
    parsed = question_file_parse(data=data, name=job.source_name, competency=options.get("competency", ""))
    on_progress(30)
    module = Module.objects.filter(pk=options.get("module"), version=job.version).first() if options.get("module") else None
    report = questions_import(
        version=job.version, parsed=parsed, module=module, module_title=options.get("module_title", ""),
        on_progress=lambda done, total: on_progress(30 + 65 * done // max(total, 1)),
    )
    return report.as_json()


def _import_refused(job_id: int, message: str, problems) -> None:
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED, error=message[:2000], finished_at=timezone.now(),
        result={"problems": [[path, problem] for path, problem in problems]}, upload="",
    )


def _import_upload_delete(job: ImportJob) -> None:
    """The stored upload of a finished job. Its row stops naming it in the update that
    finishes it (a poll never sees a finished job still holding its file); cleared here again
    for a job whose final update found it no longer running."""
    if job.upload:
        job.upload.storage.delete(job.upload.name)
        ImportJob.objects.filter(pk=job.pk).update(upload="")


def import_job_mark_failed(*, job_id: int, reason: str) -> None:
    """A job whose task failed permanently (not a refused upload: an error of ours)."""
    job = ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.DONE).first()
    if job is None:
        return
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.DONE).update(
        status=ImportJob.Status.FAILED, error=reason[:2000], finished_at=timezone.now(),
    )
    _import_upload_delete(job)


def imports_sweep(*, now=None) -> list[int]:
    """Enqueue again the jobs whose message was lost or whose worker died; fail those out of tries."""
    now = now or timezone.now()
    stuck = models.Q(status=ImportJob.Status.PENDING) | models.Q(
        status=ImportJob.Status.RUNNING, started_at__lt=now - IMPORT_STALE_AFTER)
    for job in ImportJob.objects.filter(stuck, tries__gte=IMPORT_MAX_TRIES):
        import_job_mark_failed(job_id=job.pk, reason=_("The import did not finish after several tries."))
    ids = list(ImportJob.objects.filter(
        models.Q(status=ImportJob.Status.PENDING, created_at__lt=now - IMPORT_PENDING_AFTER)
        | models.Q(status=ImportJob.Status.RUNNING, started_at__lt=now - IMPORT_STALE_AFTER),
    ).order_by("created_at").values_list("pk", flat=True)[:100])
    for job_id in ids:  # outside any transaction of ours: published now
        publish_rollback_unsafe(IMPORT_TASK, job_id)
    return ids
