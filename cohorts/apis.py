"""Cohort API for school staff: cohorts, enrolment, assignments, progress and reliance.

Reviewers and admins of a school see its cohorts, faculty the cohorts they teach; a
cohort of another school answers 404. Reading per-trainee figures is audited.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from courses.models import Course
from schools.rules import allowed
from training.errors import ApplicationError
from training.validators import FIRST_DAY, LAST_DAY, day_in_range

from . import services
from .access import cohort_for_admin, cohort_for_staff
from schools import services as school_services
from schools.models import Cohort, Enrollment, School
from schools.selectors import staff_cohorts
from .presenters import DASHBOARD_SHOW, DASHBOARD_SORT, dashboard_trainees_shown, dashboard_trainees_sorted
from .selectors.dashboard import (
    cohort_assigned_course, cohort_course_ids, cohort_courses, cohort_dashboard, cohort_progress,
)
from .selectors.reliance import cohort_reliance, cohort_reliance_overview
from .selectors.trends import cohort_measure_trend, module_before_after


def _courses_and_module(courses: list, course_slug: str | None, module_slug: str | None):
    """The cohort's courses narrowed to ``course_slug`` and the one course holding
    ``module_slug`` (None without a module); 400 naming the field for an unknown one."""
    chosen = [c for c in courses if c.course.slug == course_slug] if course_slug else courses
    if course_slug and not chosen:
        raise ApplicationError(_("This course is not assigned to the cohort."), {"course": [_("Unknown course.")]})
    if not module_slug:
        return chosen, None
    holders = [c for c in chosen if any(m.slug == module_slug for m in c.modules)]
    if len(holders) != 1:
        raise ApplicationError(_("Name one module of the cohort's courses (add ?course= when several have it)."),
                               {"module": [_("Unknown module.")]})
    return chosen, holders[0].course


class CohortListApi(APIView):
    @extend_schema_serializer(component_name="CohortCreateRequest")
    class Input(serializers.Serializer):
        school = serializers.SlugField()
        name = serializers.CharField(max_length=200)
        year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2200)

    @extend_schema(responses=inline_serializer("Cohorts", {"results": serializers.ListField()}))
    def get(self, request):
        cohorts = staff_cohorts(user=request.user).select_related("school").order_by("school__name", "-year", "name")
        return ApiResponse({"results": [
            {"id": c.pk, "name": c.name, "slug": c.slug, "year": c.year, "school": c.school.slug} for c in cohorts
        ]})

    @extend_schema(request=Input, responses={201: inline_serializer("CohortCreated", {"id": serializers.IntegerField()})})
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        school = School.objects.filter(slug=data.validated_data["school"]).first()
        if school is None or not request.user.has_perm("cohorts.create_cohort", school):
            raise ApplicationError(_("You are not an admin of this school."), {"school": [_("Unknown school.")]}, status_code=403)
        with transaction.atomic():
            cohort = school_services.cohort_create(school=school, name=data.validated_data["name"],
                                                   year=data.validated_data.get("year"), actor=request.user)
        return ApiResponse({"id": cohort.pk, "slug": cohort.slug}, status=status.HTTP_201_CREATED)


class CohortEnrollApi(APIView):
    @extend_schema_serializer(component_name="CohortEnrollRequest")
    class Input(serializers.Serializer):
        usernames = serializers.ListField(child=serializers.CharField(max_length=150), min_length=1, max_length=5000)
        role = serializers.ChoiceField(choices=Enrollment.CohortRole.choices, default=Enrollment.CohortRole.TRAINEE)

    @extend_schema(request=Input, responses={201: inline_serializer("Enrolled", {"enrolled": serializers.IntegerField()})})
    def post(self, request, cohort_id: int):
        cohort = cohort_for_admin(request, cohort_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():  # all or nothing
            enrollments = school_services.cohort_enroll(cohort=cohort, usernames=data.validated_data["usernames"],
                                                        role=data.validated_data["role"], actor=request.user)
        return ApiResponse({"enrolled": len(enrollments)}, status=status.HTTP_201_CREATED)


class CohortAssignApi(APIView):
    @extend_schema_serializer(component_name="CohortAssignRequest")
    class Input(serializers.Serializer):
        course = serializers.SlugField()
        due_at = serializers.DateTimeField(required=False, allow_null=True)
        retake_new_versions = serializers.BooleanField(
            required=False, allow_null=True, default=None,
            help_text="Trainees who completed an older version are due for a newly published one "
                      "(their older completion stays valid). Unchanged when left out; off for a new assignment.")

    @extend_schema(request=Input, responses={201: inline_serializer("Assigned", {"id": serializers.IntegerField()})})
    def post(self, request, cohort_id: int):
        cohort = cohort_for_admin(request, cohort_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        course = Course.objects.filter(slug=data.validated_data["course"]).first()
        if course is None or (course.school_id not in (None, cohort.school_id)):
            raise ApplicationError(_("No such course."), {"course": [_("Unknown course.")]})
        with transaction.atomic():
            assignment = school_services.cohort_assign_course(
                cohort=cohort, course=course, actor=request.user, due_at=data.validated_data.get("due_at"),
                retake_new_versions=data.validated_data.get("retake_new_versions"))
        return ApiResponse({"id": assignment.pk, "course": course.slug, "due_at": assignment.due_at,
                            "retake_new_versions": assignment.retake_new_versions}, status=status.HTTP_201_CREATED)


class CohortProgressApi(APIView):
    @extend_schema(responses=inline_serializer("CohortProgress", {"courses": serializers.ListField()}))
    def get(self, request, cohort_id: int):
        cohort = cohort_for_staff(request, cohort_id)
        school_services.audit_record(actor=request.user, action="cohort.progress.read", cohort=cohort)
        return ApiResponse(cohort_progress(cohort=cohort))


class CohortRelianceApi(APIView):
    """The reliance measures for the cohort and per trainee (``?course=slug`` to narrow)."""

    @extend_schema(responses=inline_serializer("CohortReliance", {"cohort": serializers.DictField()}))
    def get(self, request, cohort_id: int):
        cohort = cohort_for_staff(request, cohort_id)
        course = None
        if slug := request.query_params.get("course"):
            course = cohort_assigned_course(cohort=cohort, slug=slug)
            if course is None:
                raise ApplicationError(_("This course is not assigned to the cohort."), {"course": [_("Unknown course.")]})
        school_services.audit_record(actor=request.user, action="cohort.reliance.read", cohort=cohort,
                              detail={"course": course.slug if course else None})
        return ApiResponse(cohort_reliance(cohort=cohort, course=course))


class CohortTrendsApi(APIView):
    """The measures per week or month of answering, against another cohort, and before and
    after a module (``?course=slug&period=week|month&compare=<cohort id>&module=<module slug>``)."""

    @extend_schema_serializer(component_name="CohortTrendsQuery")
    class Query(serializers.Serializer):
        course = serializers.SlugField(required=False)
        period = serializers.ChoiceField(choices=["week", "month"], default="week")
        compare = serializers.IntegerField(required=False, min_value=1)
        module = serializers.SlugField(required=False, help_text=gettext_lazy("A module of the course (or of the cohort's "
                                                                       "only course) to compare before and after."))

    @extend_schema(parameters=[Query], responses=inline_serializer("CohortTrends", {
        "periods": serializers.ListField(), "comparison": serializers.DictField(allow_null=True),
        "before_after": serializers.DictField(allow_null=True),
    }))
    def get(self, request, cohort_id: int):
        cohort = cohort_for_staff(request, cohort_id)
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        chosen, module_course = _courses_and_module(cohort_courses(cohort=cohort), q.get("course"), q.get("module"))
        course_ids = [c.course.pk for c in chosen]
        other = None
        if q.get("compare"):
            other = allowed(request.user, "cohorts.view_cohort", Cohort.objects.all(), pk=q["compare"])
            if other is None or other.pk == cohort.pk:
                raise ApplicationError(_("No such cohort to compare with."), {"compare": [_("Unknown cohort.")]})
        school_services.audit_record(actor=request.user, action="cohort.trends.read", cohort=cohort,
                              detail={"course": q.get("course"), "compare": other.pk if other else None})
        periods = cohort_measure_trend(cohort=cohort, course_ids=course_ids, period=q["period"])
        comparison = None
        if other is not None:
            # The other cohort over its own courses: the chosen one only if it has it too.
            other_ids = [cid for cid in cohort_course_ids(cohort=other) if not q.get("course") or cid in course_ids]
            comparison = {
                "cohort": {"id": other.pk, "name": other.name, "year": other.year},
                "this": cohort_reliance_overview(cohort=cohort, course_ids=course_ids)["measures"],
                "that": cohort_reliance_overview(cohort=other, course_ids=other_ids)["measures"],
            }
        before_after = None
        if module_course is not None:
            before_after = {"course": module_course.slug, "module": q["module"], **module_before_after(
                cohort=cohort, course_ids=course_ids, course=module_course, module_slug=q["module"])}
        return ApiResponse({
            "period": q["period"],
            "periods": [{"start": p["period"], "measures": p["measures"]} for p in periods],
            "comparison": comparison, "before_after": before_after,
        })


class CohortDashboardApi(APIView):
    """The dashboard's figures: completion and scores by module, who has not started, who is
    overdue, who is struggling (``?course&module&active_from&active_to&show&sort&limit&offset``)."""

    @extend_schema_serializer(component_name="CohortDashboardQuery")
    class Query(serializers.Serializer):
        course = serializers.SlugField(required=False)
        module = serializers.SlugField(required=False)
        active_from = serializers.DateField(required=False, validators=[day_in_range],
                                            help_text=f"Last activity on or after this day ({FIRST_DAY} to {LAST_DAY}).")
        active_to = serializers.DateField(required=False, validators=[day_in_range],
                                          help_text=f"Last activity on or before this day ({FIRST_DAY} to {LAST_DAY}).")
        show = serializers.ChoiceField(choices=DASHBOARD_SHOW, default="all")
        sort = serializers.ChoiceField(choices=DASHBOARD_SORT, default="name")
        limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)
        offset = serializers.IntegerField(min_value=0, default=0)

        def validate(self, data):
            if data.get("active_from") and data.get("active_to") and data["active_from"] > data["active_to"]:
                raise serializers.ValidationError(
                    {"active_to": [_("The end of the date range must not be before its start.")]})
            return data

    @extend_schema(parameters=[Query], responses=inline_serializer("CohortDashboard", {
        "counts": serializers.DictField(), "modules": serializers.ListField(), "score_bins": serializers.ListField(),
        "thresholds": serializers.DictField(), "trainees": serializers.ListField(), "total": serializers.IntegerField(),
    }))
    def get(self, request, cohort_id: int):
        cohort = cohort_for_staff(request, cohort_id)
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        courses = cohort_courses(cohort=cohort)
        chosen, module_course = _courses_and_module(courses, q.get("course"), q.get("module"))
        course = module_course or (chosen[0].course if q.get("course") else None)
        data = cohort_dashboard(
            cohort=cohort, now=timezone.now(), courses=courses, course_id=course.pk if course else None,
            module_slug=q.get("module"),
            active_from=q.get("active_from"), active_to=q.get("active_to"),
        )
        school_services.audit_record(actor=request.user, action="cohort.dashboard.read", cohort=cohort,
                              detail={"course": q.get("course"), "module": q.get("module")})
        listed = dashboard_trainees_sorted(dashboard_trainees_shown(data["trainees"], q["show"]), q["sort"])
        return ApiResponse({
            "counts": data["counts"], "modules": data["modules"], "score_bins": data["score_bins"],
            "thresholds": data["thresholds"], "total": len(listed),
            "trainees": listed[q["offset"]:q["offset"] + q["limit"]],
        })
