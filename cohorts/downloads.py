"""The HTTP side of what school staff and trainees download, shared by the pages and the API:
an export job's status and file, an attestation's PDF, the cohort's training record.

Who may download is decided before (the rules ``cohorts.download_export``,
``cohorts.download_attestation`` and ``cohorts.manage_records``); these functions
record the download in the audit log and build the response.
"""
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

from . import services
from .attestations import attestation_pdf, training_record_csv, training_record_pdf
from .models import Attestation, ExportJob
from schools.models import LOGO_MAX_BYTES, Cohort
from .selectors.records import cohort_training_record
from schools import services as school_services

TRAINING_RECORD_FORMATS = ("csv", "pdf")


def export_job_status(job: ExportJob, *, download_url: str) -> dict:
    """What a client polling a job needs; ``download_url`` is given only once the file is ready."""
    done = job.status == ExportJob.Status.DONE
    return {
        "id": job.pk, "kind": job.kind, "format": job.format, "status": job.status,
        "status_label": job.get_status_display(), "progress": job.progress, "rows": job.rows_written,
        "error": job.error if job.status == ExportJob.Status.FAILED else None, "filename": job.filename,
        "created_at": job.created_at, "finished_at": job.finished_at, "download_url": download_url if done else None,
    }


def export_file_response(*, user: User, job: ExportJob) -> FileResponse | None:
    """The job's file as an attachment, its download audited; None while there is no file yet."""
    if job.status != ExportJob.Status.DONE or not job.file:
        return None
    services.export_record_download(user=user, job=job)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _school_logo(school) -> bytes | None:
    """The school's logo file, or None when it has none or the file is gone."""
    if not school.logo:
        return None
    try:
        with school.logo.open("rb") as f:
            return f.read(LOGO_MAX_BYTES + 1)
    except OSError:
        return None


def attestation_pdf_response(*, request: HttpRequest, attestation: Attestation) -> HttpResponse:
    """The attestation's PDF, pointing at the public verification page; a download by
    anyone but the holder is audited."""
    if attestation.trainee_id != request.user.pk:
        school_services.audit_record(actor=request.user, action="attestation.download", cohort=attestation.cohort,
                              subject=attestation.trainee, detail={"code": attestation.code})
    verify_url = request.build_absolute_uri(reverse("school:verify")) + "?code=" + attestation.code
    pdf = attestation_pdf(attestation, school_name=attestation.school.name, verify_url=verify_url,
                          logo=_school_logo(attestation.school))
    return _attachment(pdf, content_type="application/pdf", filename=f"attestation-{attestation.code}.pdf")


def training_record_rows(*, user: User, cohort: Cohort, fmt: str) -> list[dict]:
    """The cohort's training record (``selectors.cohort_training_record``), its reading audited."""
    rows = cohort_training_record(cohort=cohort)
    school_services.audit_record(actor=user, action="cohort.training_record.download", cohort=cohort,
                          detail={"format": fmt, "rows": len(rows)})
    return rows


def training_record_response(*, user: User, cohort: Cohort, fmt: str) -> HttpResponse:
    """The training record as a CSV or PDF attachment (``fmt`` in TRAINING_RECORD_FORMATS), audited."""
    rows = training_record_rows(user=user, cohort=cohort, fmt=fmt)
    filename = f"training-record-{cohort.slug}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        return _attachment(training_record_csv(rows), content_type="text/csv; charset=utf-8", filename=filename)
    pdf = training_record_pdf(rows, school_name=cohort.school.name, cohort_name=cohort.name,
                              generated_at=timezone.now())
    return _attachment(pdf, content_type="application/pdf", filename=filename)
