"""API of the cohort's records: export jobs and their files, attestations (list, issue,
revoke, PDF, the public check) and the training record.

The rules are those of the pages (``cohorts.views.exports``, ``cohorts.views.attestations``):
a cohort, job or attestation the caller may not see answers 404; one they may see but not
act on answers 403. Reading per-trainee records and downloading files is audited.
"""
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as ApiResponse
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from training.errors import ApplicationError, Conflict
from training.api_files import FileNegotiation
from training.permissions import object_or_404

from . import services
from .attestations import MALFORMED_CODE, normalise_code
from .downloads import (
    TRAINING_RECORD_FORMATS, attestation_pdf_response, export_file_response, export_job_status,
    training_record_response, training_record_rows,
)
from .models import Attestation, ExportJob
from schools.models import Cohort
from .selectors.records import (
    attestation_by_code, cohort_attestations_with_courses, course_completion_counts, holder_attestations,
    staff_export_jobs,
)
from .access import cohort_for_staff
from .views.common import courses_of
from schools import services as school_services

PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}
ERROR = inline_serializer("ApiError", {
    "message": serializers.CharField(),
    "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
})


def error_responses(*codes: int) -> dict:
    """The project's error shape (training.api_errors) for these status codes, for the schema."""
    return {code: ERROR for code in codes}


def _cohort_managed(request, cohort_id: int) -> Cohort:
    """The cohort for staff who manage its school: 404 if they may not see it, 403 if they
    see it without managing the school (faculty)."""
    cohort = cohort_for_staff(request, cohort_id)
    if not request.user.has_perm("cohorts.manage_records", cohort):
        raise ApplicationError(_("Only reviewers and admins of the school may do this."), status_code=403)
    return cohort


def _assigned_course(cohort: Cohort, slug: str | None):
    """The cohort's assigned course of that slug (None without a slug); 400 for any other."""
    if not slug:
        return None
    course = next((c.course for c in courses_of(cohort) if c.course.slug == slug), None)
    if course is None:
        raise ApplicationError(_("This course is not assigned to the cohort."),
                               {"course": [_("Choose a course assigned to the cohort.")]})
    return course


# ---------------------------------------------------------------- exports

class ExportJobStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ExportJob.Kind.choices)
    format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    status = serializers.ChoiceField(choices=ExportJob.Status.choices)
    status_label = serializers.CharField()
    progress = serializers.IntegerField(help_text="Percent done.")
    rows = serializers.IntegerField(help_text="Rows written so far.")
    error = serializers.CharField(allow_null=True, help_text="Why the job failed; null unless it failed.")
    filename = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text="This job.")
    download_url = serializers.CharField(allow_null=True, help_text="The file; null until the job is done.")


def _job_status(job: ExportJob) -> dict:
    data = export_job_status(job, download_url=reverse("export-file", args=[job.pk]))
    return ExportJobStatusSerializer({**data, "url": reverse("export-detail", args=[job.pk])}).data


def _job(request, job_id: int) -> ExportJob:
    return object_or_404(request.user, "cohorts.download_export", ExportJob.objects.select_related("cohort", "school"),
                         pk=job_id)


class CohortExportsApi(APIView):
    """The caller's recent export jobs of the cohort; POST requests one (202, then poll the
    job). Research extracts are for school admins only."""

    @extend_schema_serializer(component_name="ExportRequest")
    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ExportJob.Kind.choices)
        format = serializers.ChoiceField(choices=ExportJob.Format.choices)
        course = serializers.SlugField(required=False, allow_blank=True, allow_null=True,
                                       help_text="Only this assigned course; all assigned courses without it.")

    @extend_schema(responses={200: inline_serializer("ExportJobs", {"results": ExportJobStatusSerializer(many=True)}),
                              **error_responses(404)})
    def get(self, request, cohort_id: int):
        cohort = cohort_for_staff(request, cohort_id)
        jobs = staff_export_jobs(user=request.user, cohort=cohort)
        return ApiResponse({"results": [_job_status(job) for job in jobs]})

    @extend_schema(request=Input, responses={202: ExportJobStatusSerializer, **error_responses(400, 403, 404, 429)})
    def post(self, request, cohort_id: int):
        cohort = cohort_for_staff(request, cohort_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_request(
            user=request.user, cohort=cohort, kind=data.validated_data["kind"], fmt=data.validated_data["format"],
            course=_assigned_course(cohort, data.validated_data.get("course")),
        )
        body = _job_status(job)
        return ApiResponse(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ExportJobApi(APIView):
    """An export job's status, for its requester and the school's admins."""

    @extend_schema(responses={200: ExportJobStatusSerializer, **error_responses(404)})
    def get(self, request, job_id: int):
        return ApiResponse(_job_status(_job(request, job_id)))


class ExportFileApi(APIView):
    """The export's file (409 while the job is not done); every download is audited."""

    content_negotiation_class = FileNegotiation

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **error_responses(404, 409)})
    def get(self, request, job_id: int):
        job = _job(request, job_id)
        response = export_file_response(user=request.user, job=job)
        if response is None:
            message = _("There is no file yet: the export is “%(status)s”.") % {"status": job.get_status_display()}
            raise Conflict(message, {"status": [job.status]})
        return response


# ---------------------------------------------------------------- attestations

class AttestationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    course_slug = serializers.CharField(source="course.slug")
    course_title = serializers.CharField()
    version_number = serializers.IntegerField()
    completed_at = serializers.DateTimeField()
    score = serializers.FloatField(allow_null=True)
    hours = serializers.FloatField()
    competencies = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    institution = serializers.CharField()
    issued_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    valid = serializers.BooleanField(source="is_valid")
    replaces = serializers.CharField(source="replaces.code", allow_null=True, default=None,
                                     help_text="The code of the revoked attestation this one was issued after.")
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_url(self, attestation) -> str:
        return reverse("attestation-pdf", args=[attestation.pk])


class StaffAttestationSerializer(AttestationSerializer):
    trainee_id = serializers.IntegerField()
    trainee_username = serializers.CharField(source="trainee.username")
    trainee_name = serializers.CharField(source="holder_name")
    student_number = serializers.CharField()
    revoked_reason = serializers.CharField()


class HeldAttestationSerializer(AttestationSerializer):
    school = serializers.CharField(source="school.name")


class CohortAttestationsApi(APIView):
    """The cohort's issued attestations and, per assigned course, how many trainees completed
    it and how many of them wait for an attestation; POST issues them (school reviewers and
    admins)."""

    @extend_schema_serializer(component_name="AttestationIssueRequest")
    class Input(serializers.Serializer):
        course = serializers.SlugField(help_text="An assigned course.")

    @extend_schema(responses={200: inline_serializer("CohortAttestations", {
        "courses": inline_serializer("CourseCompletions", {
            "course": serializers.CharField(), "title": serializers.CharField(),
            "version_number": serializers.IntegerField(allow_null=True, help_text="The latest published version."),
            "completed": serializers.IntegerField(help_text="Completions of any version (trainee and version)."),
            "waiting": serializers.IntegerField(help_text="Completions without a valid attestation."),
            "versions": inline_serializer("VersionCompletions", {
                "version_number": serializers.IntegerField(), "completed": serializers.IntegerField(),
                "waiting": serializers.IntegerField(),
            }, many=True),
        }, many=True),
        "results": StaffAttestationSerializer(many=True),
    }), 404: ERROR})
    def get(self, request, cohort_id: int):
        cohort = cohort_for_staff(request, cohort_id)
        school_services.audit_record(actor=request.user, action="cohort.attestations.read", cohort=cohort)
        courses = []
        for c in courses_of(cohort):
            versions = [{"version_number": v["version"].number, "completed": v["completed"], "waiting": v["waiting"]}
                        for v in course_completion_counts(cohort=cohort, course=c)]
            courses.append({
                "course": c.course.slug, "title": c.title, "version_number": c.version.number if c.version else None,
                "completed": sum(v["completed"] for v in versions), "waiting": sum(v["waiting"] for v in versions),
                "versions": versions,
            })
        issued = cohort_attestations_with_courses(cohort=cohort)
        return ApiResponse({"courses": courses, "results": StaffAttestationSerializer(issued, many=True).data})

    @extend_schema(request=Input, responses={201: inline_serializer("AttestationsIssued", {
        "issued": serializers.IntegerField(), "codes": serializers.ListField(child=serializers.CharField()),
    }), **error_responses(400, 403, 404)})
    def post(self, request, cohort_id: int):
        cohort = _cohort_managed(request, cohort_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        course = _assigned_course(cohort, data.validated_data["course"])
        issued = services.attestations_issue(cohort=cohort, course=course, issued_by=request.user)
        return ApiResponse({"issued": len(issued), "codes": [a.code for a in issued]}, status=status.HTTP_201_CREATED)


def _attestation(request, attestation_id: int):
    return object_or_404(request.user, "cohorts.download_attestation",
                         Attestation.objects.select_related("school", "cohort", "course", "trainee"), pk=attestation_id)


class AttestationRevokeApi(APIView):
    """Revoke an attestation (admins of its school; 409 when it is already revoked)."""

    @extend_schema_serializer(component_name="AttestationRevokeRequest")
    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)

    @extend_schema(request=Input, responses={200: StaffAttestationSerializer, **error_responses(400, 403, 404, 409)})
    def post(self, request, attestation_id: int):
        attestation = _attestation(request, attestation_id)
        if not request.user.has_perm("cohorts.revoke_attestation", attestation):
            raise ApplicationError(_("Only admins of the school may revoke an attestation."), status_code=403)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        attestation = services.attestation_revoke(attestation=attestation, revoked_by=request.user,
                                                  reason=data.validated_data["reason"])
        return ApiResponse(StaffAttestationSerializer(attestation).data)


class AttestationPdfApi(APIView):
    """The attestation's PDF, for its holder and for staff who may see the holder's cohort or
    manage the school (a staff download is audited)."""

    content_negotiation_class = FileNegotiation

    @extend_schema(responses={**PDF, **error_responses(404)})
    def get(self, request, attestation_id: int):
        return attestation_pdf_response(request=request, attestation=_attestation(request, attestation_id))


class AttestationVerifyApi(APIView):
    """Public: is this code a valid attestation? The holder's initials, the institution, the
    course and the version completed, its hours and competencies, the date and the validity,
    nothing more. No sign-in; throttled per client address."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "attestation_verify"

    @extend_schema_serializer(component_name="AttestationVerification")
    class Output(serializers.Serializer):
        valid = serializers.BooleanField(source="is_valid")
        code = serializers.CharField()
        holder_initials = serializers.CharField()
        institution = serializers.CharField()
        course_title = serializers.CharField()
        version_number = serializers.IntegerField()
        completed_at = serializers.DateTimeField()
        hours = serializers.FloatField()
        competencies = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
        revoked_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(auth=[], responses={200: Output, **error_responses(400, 404, 429)})
    def get(self, request, code: str):
        if normalise_code(code) is None:
            raise ApplicationError(str(MALFORMED_CODE), {"code": [str(MALFORMED_CODE)]})
        attestation = attestation_by_code(code=code)
        if attestation is None:
            raise ApplicationError(_("No attestation has this code."), status_code=404)
        return ApiResponse(self.Output(attestation).data)


class MyAttestationsApi(APIView):
    """The signed-in trainee's own attestations, in every school."""

    @extend_schema(responses=inline_serializer("MyAttestations", {"results": HeldAttestationSerializer(many=True)}))
    def get(self, request):
        held = holder_attestations(trainee=request.user)
        return ApiResponse({"results": HeldAttestationSerializer(held, many=True).data})


# ---------------------------------------------------------------- training record

class TrainingRecordRowSerializer(serializers.Serializer):
    trainee_id = serializers.IntegerField()
    name = serializers.CharField()
    username = serializers.CharField()
    course_slug = serializers.CharField()
    course_title = serializers.CharField()
    version = serializers.IntegerField(allow_null=True, help_text="The version the trainee completed, else the latest.")
    status = serializers.ChoiceField(choices=["completed", "due", "in_progress", "not_started"], help_text=(
        "due: an older version completed (still valid for it) and the assignment asks for the new one."))
    due_version = serializers.IntegerField(allow_null=True, help_text="The version the trainee is due to take.")
    modules_completed = serializers.IntegerField()
    modules_total = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    hours = serializers.FloatField()
    attestation_code = serializers.CharField(allow_null=True)
    attestation_revoked = serializers.BooleanField()


class TrainingRecordApi(APIView):
    """One row per trainee and assigned course, for the AI Act file (school reviewers and
    admins; audited). ``?format=csv`` or ``?format=pdf`` downloads it as a file."""

    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", *TRAINING_RECORD_FORMATS], required=False)],
        responses={(200, "application/json"): inline_serializer(
                       "TrainingRecord", {"results": TrainingRecordRowSerializer(many=True)}),
                   (200, "text/csv"): OpenApiTypes.BINARY, **PDF, **error_responses(400, 403, 404)},
    )
    def get(self, request, cohort_id: int):
        cohort = _cohort_managed(request, cohort_id)
        fmt = request.query_params.get("format") or "json"
        if fmt in TRAINING_RECORD_FORMATS:
            return training_record_response(user=request.user, cohort=cohort, fmt=fmt)
        if fmt != "json":
            raise ApplicationError(_("Choose the format json, csv or pdf."), {"format": [_("Unknown format.")]})
        return ApiResponse({"results": training_record_rows(user=request.user, cohort=cohort, fmt=fmt)})
