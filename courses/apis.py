"""Faculty authoring API: courses, their versions, publishing, packages.

Authors are the course's owner and co-authors (and platform superusers); everyone else
gets 404 for a course and 403 for creating one in a school where they are not faculty
(``courses.edit_course``, ``courses.create_course``, ``courses.author``: schools.rules).
"""
import tempfile
from pathlib import Path

from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from schools.models import School
from schools.rules import authored_courses
from training.errors import ApplicationError, Conflict
from training.api_files import FileNegotiation
from training.api_schema import CONFLICT
from training.permissions import object_or_404, permission

from . import import_jobs, services
from .models import Course, CourseVersion, ImportJob
from .packages.archive import unpack_upload, zip_folder
from .packages.loader import peek_slug
from .rendering import MAX_MARKDOWN_CHARS
from .packages.exporter import course_package_export, export_version
from .packages.errors import PackageError, problems_by_path
from .packages.validation import version_problems
from .services import course_package_import


def _course(request, slug: str) -> Course:
    return object_or_404(request.user, "courses.edit_course", Course.objects.all(), slug=slug)


def _version_data(v: CourseVersion) -> dict:
    return {
        "number": v.number, "status": v.status, "title": v.title, "language": v.language,
        "summary": v.summary, "hours": str(v.hours), "published_at": v.published_at, "created_at": v.created_at,
    }


def _course_data(course: Course) -> dict:
    versions = list(course.versions.order_by("-number"))
    return {"slug": course.slug, "school": course.school.slug if course.school else None,
            "versions": [_version_data(v) for v in versions]}


class CourseListApi(APIView):
    @extend_schema_serializer(component_name="CourseCreateRequest")
    class Input(serializers.Serializer):
        slug = serializers.SlugField(max_length=100)
        title = serializers.CharField(max_length=200)
        language = serializers.ChoiceField(choices=["en", "fr"])
        school = serializers.SlugField(required=False, allow_null=True)

    @extend_schema(operation_id="v1_authoring_courses_list",
                   responses=inline_serializer("AuthoredCourses", {"results": serializers.ListField()}))
    def get(self, request):
        courses = authored_courses(request.user).select_related("school").prefetch_related("versions")
        return ApiResponse({"results": [
            {"slug": c.slug, "school": c.school.slug if c.school else None,
             "versions": [_version_data(v) for v in sorted(c.versions.all(), key=lambda v: -v.number)]}
            for c in courses
        ]})

    @extend_schema(request=Input, responses={201: inline_serializer("CourseCreated", {"slug": serializers.CharField()})})
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        school = None
        if slug := data.validated_data.get("school"):
            school = School.objects.filter(slug=slug).first()
            if school is None or not request.user.has_perm("courses.create_course", school):
                raise ApplicationError(_("You are not faculty of this school."), {"school": [_("Not allowed.")]}, status_code=403)
        elif not request.user.has_perm("courses.create_course"):
            raise ApplicationError(_("Only faculty may create courses."), status_code=403)
        if Course.objects.filter(slug=data.validated_data["slug"]).exists():
            raise ApplicationError(_("A course with this slug exists."), {"slug": [_("Already taken.")]})
        with transaction.atomic():
            course = services.course_create(
                slug=data.validated_data["slug"], title=data.validated_data["title"],
                language=data.validated_data["language"], user=request.user, school=school,
            )
        return ApiResponse(_course_data(course), status=status.HTTP_201_CREATED)


class CourseDetailApi(APIView):
    @extend_schema_serializer(component_name="CourseUpdateRequest")
    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        summary = serializers.CharField(required=False, allow_blank=True, max_length=MAX_MARKDOWN_CHARS)
        hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, required=False)

    @extend_schema(responses=inline_serializer("AuthoredCourse", {"slug": serializers.CharField()}))
    def get(self, request, slug: str):
        return ApiResponse(_course_data(_course(request, slug)))

    @extend_schema(request=Input, responses={
        200: inline_serializer("CourseUpdated", {"slug": serializers.CharField()}), 409: CONFLICT})
    def patch(self, request, slug: str):
        course = _course(request, slug)
        data = self.Input(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        draft = course.versions.filter(status=CourseVersion.Status.DRAFT).first()
        if draft is None:
            raise Conflict(_("Published versions are immutable; create a draft first."))
        with transaction.atomic():
            services.course_version_update(version=draft, **data.validated_data)
        return ApiResponse(_course_data(course))

    @extend_schema(request=None, responses={204: None, 409: CONFLICT})
    def delete(self, request, slug: str):
        course = _course(request, slug)
        if course.versions.exclude(status=CourseVersion.Status.DRAFT).exists():
            raise Conflict(_("A course that was published cannot be deleted; withdraw it instead."))
        course.delete()
        return ApiResponse(status=status.HTTP_204_NO_CONTENT)


class CourseDraftApi(APIView):
    @extend_schema(request=None, responses={
        201: inline_serializer("DraftCreated", {"number": serializers.IntegerField()}), 409: CONFLICT})
    def post(self, request, slug: str):
        course = _course(request, slug)
        version = services.course_version_create_draft(course=course, user=request.user)
        return ApiResponse(_version_data(version), status=status.HTTP_201_CREATED)


class CoursePublishApi(APIView):
    @extend_schema(request=None, responses={
        200: inline_serializer("Published", {"number": serializers.IntegerField()}), 409: CONFLICT})
    def post(self, request, slug: str):
        course = _course(request, slug)
        draft = course.versions.filter(status=CourseVersion.Status.DRAFT).first()
        if draft is None:
            raise Conflict(_("There is no draft to publish."))
        version = services.course_version_publish(version=draft, user=request.user)
        return ApiResponse(_version_data(version))


class CourseWithdrawApi(APIView):
    @extend_schema(request=None, responses={
        200: inline_serializer("Withdrawn", {"number": serializers.IntegerField()}), 409: CONFLICT})
    def post(self, request, slug: str, number: int):
        course = _course(request, slug)
        version = course.versions.filter(number=number).first()
        if version is None:
            raise Http404
        return ApiResponse(_version_data(services.course_version_withdraw(version=version, user=request.user)))


def _import_job_data(job: ImportJob) -> dict:
    return {
        "id": job.pk, "kind": job.kind, "status": job.status, "progress": job.progress, "error": job.error,
        "result": job.result, "url": reverse("authoring-import-job", args=[job.pk]),
    }


class PackageImportApi(APIView):
    """Upload a course package: ``course.yaml`` alone, or a zip with its media. Every
    problem comes back with its path in the file; nothing is written when one is found.
    A package larger than ``VIGIL_IMPORT_IN_REQUEST_BYTES`` is imported by a background job:
    the answer is then 202 with the job, to poll at its ``url`` (``Location``)."""

    parser_classes = [MultiPartParser]
    permission_classes = [IsAuthenticated, permission("courses.author",
                                                      message=gettext_lazy("Only faculty may import courses."))]

    @extend_schema_serializer(component_name="PackageImportRequest")
    class Input(serializers.Serializer):
        file = serializers.FileField()
        publish = serializers.BooleanField(default=False)

    @extend_schema(request=Input, responses={
        201: inline_serializer("PackageImported", {"slug": serializers.CharField()}),
        202: inline_serializer("PackageImportJob", {"id": serializers.IntegerField(), "url": serializers.CharField()}),
    })
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ApplicationError(_("The package is too large."), {"file": [_("At most 20 MiB.")]})
        if import_jobs.import_in_background(upload.size):
            job = import_jobs.import_job_request(
                user=request.user, kind=ImportJob.Kind.PACKAGE, name=upload.name, content=upload.read(),
                options={"publish": data.validated_data["publish"]},
            )
            body = _import_job_data(job)
            return ApiResponse(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})
        with tempfile.TemporaryDirectory() as folder:
            try:
                path = unpack_upload(data=upload.read(), folder=Path(folder))
                existing = Course.objects.filter(slug=peek_slug(path / "course.yaml")).first()
                if existing and not request.user.has_perm("courses.edit_course", existing):
                    raise ApplicationError(_("This course belongs to other authors."), {"slug": [_("Not yours.")]}, status_code=403)
                version = course_package_import(path=path, user=request.user, publish=data.validated_data["publish"])
            except PackageError as exc:
                raise ApplicationError(_("The package is not valid; nothing was imported."), exc.as_dict()) from exc
        return ApiResponse({"slug": version.course.slug, **_version_data(version)}, status=status.HTTP_201_CREATED)


MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportJobApi(APIView):
    """A background import's status, progress and result (``result.problems`` when refused),
    for the author who uploaded it."""

    @extend_schema(responses=inline_serializer("ImportJobStatus", {
        "id": serializers.IntegerField(), "kind": serializers.CharField(), "status": serializers.CharField(),
        "progress": serializers.IntegerField(), "error": serializers.CharField(), "result": serializers.DictField(),
        "url": serializers.CharField(),
    }))
    def get(self, request, job_id: int):
        job = ImportJob.objects.filter(pk=job_id, requested_by=request.user).first()
        if job is None:
            raise Http404
        return ApiResponse(_import_job_data(job))


class PackageExportApi(APIView):
    """Download the course as a package: ``?format=zip`` (with media, the default) or ``yaml``."""

    content_negotiation_class = FileNegotiation

    @extend_schema(responses={(200, "application/zip"): bytes, (200, "application/yaml"): str, 409: CONFLICT})
    def get(self, request, slug: str):
        """A draft whose package would not import again (a case without an AI output…) is a
        409 naming each problem at its package path, unless ``?anyway=1`` asks for it as it is."""
        course = _course(request, slug)
        as_yaml = request.query_params.get("format") == "yaml"
        version = export_version(course, None)
        if version.status == CourseVersion.Status.DRAFT and request.query_params.get("anyway") != "1":
            if problems := version_problems(version=version):
                raise Conflict(_("The package of this draft (version %(number)s) would not import until what each "
                                 "path names is fixed; add ?anyway=1 to download it as it is.") % {
                                     "number": version.number}, problems_by_path(problems))
        with tempfile.TemporaryDirectory() as folder:
            course_package_export(course=course, path=Path(folder), version=version)
            if as_yaml:
                body, content_type, name = (Path(folder) / "course.yaml").read_bytes(), "application/yaml; charset=utf-8", f"{course.slug}.yaml"
            else:
                body, content_type, name = zip_folder(Path(folder)), "application/zip", f"{course.slug}.zip"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
