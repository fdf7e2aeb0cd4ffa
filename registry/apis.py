"""The AI tool register's REST API (/api/v1/schools/<slug>/tools/…).

Faculty, reviewers and admins of a school read its register, its model card files and its CSV
export; its admins change it (create, update, retire, remove, attach, replace or remove a model
card file, the CSV import: a preview, then the confirmation naming the preview's digest); reviewers and admins read the coverage (names of
people: audited). Another school's register answers 404.
"""
from django.db import IntegrityError, transaction
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from schools.models import Role, School
from schools.services import audit_record
from training.api_files import FileNegotiation, FileUploadNegotiation
from training.api_schema import CONFLICT
from training.errors import ApplicationError
from training.permissions import object_or_404

from . import csvfile, importing, model_cards, services
from .models import Tool
from .selectors import school_coverage, school_tool, school_tools

_names = lambda: serializers.ListField(  # noqa: E731
    child=serializers.CharField(max_length=200), max_length=services.MAX_LIST, required=False)


@extend_schema_serializer(component_name="AiToolInput")
class ToolInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    vendor = serializers.CharField(max_length=200, required=False, allow_blank=True)
    version = serializers.CharField(max_length=64, required=False, allow_blank=True)
    category = serializers.SlugField(max_length=32, required=False, help_text="A code of the categories of use.")
    intended_use = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    intended_users = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    high_risk = serializers.BooleanField(required=False)
    device_class = serializers.ChoiceField(choices=Tool.DeviceClass.choices, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Tool.Status.choices, required=False)
    evaluated_on = serializers.DateField(required=False, allow_null=True)
    pilot_on = serializers.DateField(required=False, allow_null=True)
    deployed_on = serializers.DateField(required=False, allow_null=True)
    retired_on = serializers.DateField(required=False, allow_null=True)
    known_limits = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    model_card_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    failure_modes = _names()
    user_roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False,
                                       max_length=len(Role.choices))
    departments = _names()
    cohorts = _names()
    training = serializers.ListField(child=serializers.CharField(max_length=201), max_length=services.MAX_LIST,
                                     required=False, help_text="course-slug or course-slug/module-slug")


TOOL = inline_serializer("AiTool", {
    "id": serializers.IntegerField(), "name": serializers.CharField(), "vendor": serializers.CharField(),
    "version": serializers.CharField(), "category": serializers.CharField(), "status": serializers.CharField(),
    "high_risk": serializers.BooleanField(), "device_class": serializers.CharField(),
    "intended_use": serializers.CharField(), "intended_users": serializers.CharField(),
    "known_limits": serializers.CharField(), "model_card_url": serializers.CharField(),
    "model_card_file": inline_serializer("AiToolModelCard", {
        "name": serializers.CharField(), "type": serializers.CharField(), "size": serializers.IntegerField(),
        "download_url": serializers.CharField()}, allow_null=True),
    "evaluated_on": serializers.DateField(allow_null=True), "pilot_on": serializers.DateField(allow_null=True),
    "deployed_on": serializers.DateField(allow_null=True), "retired_on": serializers.DateField(allow_null=True),
    "failure_modes": serializers.ListField(child=serializers.CharField()),
    "user_roles": serializers.ListField(child=serializers.CharField()),
    "departments": serializers.ListField(child=serializers.CharField()),
    "cohorts": serializers.ListField(child=serializers.CharField()),
    "training": serializers.ListField(child=serializers.CharField()),
})


def tool_json(t: Tool) -> dict:
    return {
        "id": t.pk, "name": t.name, "vendor": t.vendor, "version": t.version, "category": t.category.code,
        "status": t.status, "high_risk": t.high_risk, "device_class": t.device_class, "intended_use": t.intended_use,
        "intended_users": t.intended_users, "known_limits": t.known_limits, "model_card_url": t.model_card_url,
        "model_card_file": {
            "name": t.model_card_name, "type": t.model_card_type, "size": t.model_card_size,
            "download_url": reverse("school-tool-model-card", args=[t.school.slug, t.pk]),
        } if t.model_card_file else None,
        **{name: getattr(t, name) for name in services.DATE_FIELDS},
        "failure_modes": [fm.code for fm in t.failure_modes.all()], "user_roles": list(t.user_roles),
        "departments": list(t.departments), "cohorts": [c.slug for c in t.cohorts.all()],
        "training": [r.reference for r in t.training.all()],
    }


def _school(request, slug: str, perm: str = "registry.view_register") -> School:
    return object_or_404(request.user, perm, School.objects.all(), slug=slug)


def _managed(request, school: School) -> None:
    if not request.user.has_perm("registry.manage_register", school):
        raise ApplicationError(_("Only the school's admins change its register."), status_code=403)


def _validated(request) -> dict:
    data = ToolInput(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class SchoolToolsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="v1_schools_tools_list", responses=inline_serializer("AiTools", {"results": serializers.ListField(child=TOOL)}))
    def get(self, request, slug: str):
        school = _school(request, slug)
        return ApiResponse({"results": [tool_json(t) for t in school_tools(school=school)]})

    @extend_schema(request=ToolInput, responses={201: TOOL})
    def post(self, request, slug: str):
        school = _school(request, slug)
        _managed(request, school)
        data = _validated(request)
        with transaction.atomic():
            tool = services.tool_create(school=school, data=data, actor=request.user)
        return ApiResponse(tool_json(school_tool(school=school, tool_id=tool.pk)), status=status.HTTP_201_CREATED)


def _tool_of(request, slug: str, tool_id: int) -> tuple[School, Tool]:
    school = _school(request, slug)
    tool = school_tool(school=school, tool_id=tool_id)
    if tool is None:
        raise ApplicationError(_("No such tool in this school's register."), status_code=404)
    return school, tool


def _managed_tool(request, slug: str, tool_id: int) -> tuple[School, Tool]:
    school, tool = _tool_of(request, slug, tool_id)
    _managed(request, school)
    return school, tool


class SchoolToolApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TOOL)
    def get(self, request, slug: str, tool_id: int):
        _school_, tool = _tool_of(request, slug, tool_id)
        return ApiResponse(tool_json(tool))

    @extend_schema(request=ToolInput, responses=TOOL)
    def patch(self, request, slug: str, tool_id: int):
        school, tool = _managed_tool(request, slug, tool_id)
        data = _validated(request)
        with transaction.atomic():
            services.tool_update(tool=tool, data=data, actor=request.user)
        return ApiResponse(tool_json(school_tool(school=school, tool_id=tool.pk)))

    @extend_schema(responses={204: OpenApiResponse(description="Removed from the register.")})
    def delete(self, request, slug: str, tool_id: int):
        _school_, tool = _managed_tool(request, slug, tool_id)
        with transaction.atomic():
            services.tool_delete(tool=tool, actor=request.user)
        return ApiResponse(status=status.HTTP_204_NO_CONTENT)


_PROPORTION = inline_serializer("Proportion", {
    "k": serializers.IntegerField(), "n": serializers.IntegerField(),
    "value": serializers.FloatField(allow_null=True), "low": serializers.FloatField(allow_null=True),
    "high": serializers.FloatField(allow_null=True)})


class SchoolToolCoverageApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=inline_serializer("AiToolCoverage", {"results": serializers.ListField(
        child=inline_serializer("AiToolCoverageRow", {
            "tool": serializers.IntegerField(), "name": serializers.CharField(), "users": serializers.IntegerField(),
            "trained": _PROPORTION, "attested": serializers.IntegerField(),
            "overdue": serializers.ListField(child=serializers.CharField()),
            "not_assigned": serializers.ListField(child=serializers.CharField()),
            "cohorts": serializers.ListField(child=inline_serializer("AiToolCohortReliance", {
                "cohort": serializers.CharField(), "trainees": serializers.IntegerField(),
                "automation_bias": _PROPORTION, "errors_found": _PROPORTION, "enough": serializers.BooleanField()})),
        }))}))
    def get(self, request, slug: str):
        school = _school(request, slug, "registry.view_coverage")
        with transaction.atomic():
            rows = school_coverage(school=school)
            audit_record(actor=request.user, action="registry.coverage.read", school_id=school.pk,
                         detail={"tools": len(rows), "people": len({p.id for c in rows for p in c.users})})
        return ApiResponse({"results": [{
            "tool": c.tool.pk, "name": c.tool.name, "users": len(c.users), "trained": c.covered,
            "attested": c.attested, "overdue": [p.username for p in c.overdue],
            "not_assigned": [p.username for p in c.not_assigned],
            "cohorts": [{"cohort": f.name, "trainees": f.trainees, "automation_bias": f.automation_bias,
                         "errors_found": f.detection, "enough": f.enough} for f in c.cohorts],
        } for c in rows]})


class SchoolToolRetireApi(APIView):
    """Retire a tool: it stays in the register, with its history, reports and coverage."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="AiToolRetireRequest")
    class Input(serializers.Serializer):
        retired_on = serializers.DateField(required=False, help_text="Today when left out.")

    # Its body is optional, so a request may come with none, or with a content type that is no
    # body's (DRF answers 415, said here).
    @extend_schema(request=Input, responses={200: TOOL, 415: OpenApiResponse(description="Unsupported media type.")})
    def post(self, request, slug: str, tool_id: int):
        school, tool = _managed_tool(request, slug, tool_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            services.tool_retire(tool=tool, actor=request.user,
                                 on=data.validated_data.get("retired_on") or timezone.localdate())
        return ApiResponse(tool_json(school_tool(school=school, tool_id=tool.pk)))


class SchoolToolModelCardApi(APIView):
    """The tool's attached model card file (a PDF, Markdown or plain text): downloaded by those
    who read the register; attached or replaced (a multipart upload) and removed by its admins,
    each change audited. Its type is told from its content, never from its name
    (``registry.model_cards``): a web page, a workbook or an image is refused, as is a file over
    5 MB, with the reason at ``model_card_file``."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    content_negotiation_class = FileUploadNegotiation

    @extend_schema_serializer(component_name="AiToolModelCardUpload")
    class Input(serializers.Serializer):
        model_card_file = serializers.FileField(
            help_text="A PDF, or a Markdown or plain text file in UTF-8; at most 5 MB. Replaces the card attached.")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              (200, "text/markdown"): OpenApiTypes.BINARY, (200, "text/plain"): OpenApiTypes.BINARY})
    def get(self, request, slug: str, tool_id: int):
        tool = school_tool(school=_school(request, slug), tool_id=tool_id)
        if tool is None or not tool.model_card_file:
            raise ApplicationError(_("This tool has no model card file."), status_code=404)
        charset = "; charset=utf-8" if tool.model_card_type.startswith("text/") else ""
        return FileResponse(tool.model_card_file.open("rb"), as_attachment=True, filename=tool.model_card_name,
                            content_type=tool.model_card_type + charset)

    @extend_schema(request={"multipart/form-data": Input}, responses={
        201: OpenApiResponse(TOOL, description="Attached (or replaced): the tool, with its card's download_url "
                                               "(also in Location)."),
        415: OpenApiResponse(description="Unsupported media type: send multipart/form-data.")})
    def post(self, request, slug: str, tool_id: int):
        school, tool = _managed_tool(request, slug, tool_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["model_card_file"]
        content = model_cards.read_upload(upload)
        with transaction.atomic():
            services.model_card_attach(tool=tool, data=content, filename=upload.name, actor=request.user)
        return ApiResponse(tool_json(school_tool(school=school, tool_id=tool.pk)), status=status.HTTP_201_CREATED,
                           headers={"Location": reverse("school-tool-model-card", args=[school.slug, tool.pk])})

    @extend_schema(responses={204: OpenApiResponse(description="The file is removed; the link, if any, stays."),
                              409: CONFLICT})
    def delete(self, request, slug: str, tool_id: int):
        _school_, tool = _managed_tool(request, slug, tool_id)
        with transaction.atomic():
            services.model_card_remove(tool=tool, actor=request.user)
        return ApiResponse(status=status.HTTP_204_NO_CONTENT)


class SchoolToolsExportApi(APIView):
    """The register as the CSV file the import reads back (one tool a line)."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = FileNegotiation

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request, slug: str):
        school = _school(request, slug)
        response = HttpResponse(csvfile.register_csv(school_tools(school=school)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ai-tools-{school.slug}.csv"'
        return response


class CsvInput(serializers.Serializer):
    csv = serializers.CharField(max_length=csvfile.MAX_BYTES, trim_whitespace=False,
                                help_text="The register file's text, as the CSV export writes it (header line first).")


_PREVIEW = inline_serializer("AiToolsImportPreview", {
    "digest": serializers.CharField(help_text="Name it to confirm the import of this text."),
    "counts": inline_serializer("AiToolsImportCounts", {s: serializers.IntegerField() for s in importing.STATUSES}),
    "rows": serializers.ListField(child=inline_serializer("AiToolsImportRow", {
        "line": serializers.IntegerField(), "name": serializers.CharField(),
        "status": serializers.ChoiceField(choices=importing.STATUSES),
        "changes": serializers.ListField(child=serializers.CharField())})),
})


def _import_preview(request, slug: str):
    school = _school(request, slug)
    _managed(request, school)
    data = CsvInput(data=request.data)
    data.is_valid(raise_exception=True)
    preview = importing.preview(school=school, text=data.validated_data["csv"])
    if preview.problems:
        raise ApplicationError(_("The file cannot be imported: correct the lines marked. Nothing was written."),
                               importing.problems_as_errors(preview.problems))
    return school, data.validated_data["csv"], preview


class SchoolToolsImportPreviewApi(APIView):
    """What importing a register file would do, line by line, without writing anything; a file
    with a problem is refused with every problem at its line and column."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="AiToolsImportPreviewRequest")
    class Input(CsvInput):
        pass

    @extend_schema(request=Input, responses=_PREVIEW)
    def post(self, request, slug: str):
        _school_, _text, preview = _import_preview(request, slug)
        return ApiResponse({"digest": preview.digest, "counts": preview.counts, "rows": preview.rows})


class SchoolToolsImportApi(APIView):
    """Import a previewed register file, all or nothing: ``digest`` is the preview's, so what is
    written is what was previewed; the same file again changes nothing."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="AiToolsImportRequest")
    class Input(CsvInput):
        digest = serializers.CharField(max_length=64, help_text="The digest the preview of this text gave.")

    @extend_schema(request=Input, responses={200: inline_serializer("AiToolsImported", {
        name: serializers.IntegerField() for name in ("created", "updated", "unchanged")}), 409: CONFLICT})
    def post(self, request, slug: str):
        school, text, preview = _import_preview(request, slug)
        if request.data.get("digest") != preview.digest:
            raise ApplicationError(_("This is not the text that was previewed: preview it, then confirm with its "
                                     "digest."), {"digest": [_("Not the preview's digest.")]}, status_code=409)
        try:
            with transaction.atomic():
                counts = importing.apply(school=school, text=text, actor=request.user)
        except IntegrityError:
            raise ApplicationError(_("The register changed while the file was imported; nothing was written."),
                                   status_code=409) from None
        return ApiResponse(counts)
