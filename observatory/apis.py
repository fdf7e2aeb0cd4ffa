"""Practice reports over the API: a member reports, the school's triagers list them; the
cross-school cells for anyone signed in. The rules are the pages' (``schools.rules``)."""
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from cohorts.record_apis import error_responses
from schools.models import School
from training.permissions import object_or_404

from . import services
from .models import PracticeReport, ToolCategory
from .selectors import cross_school_cells, school_reports, threshold

MAX_LISTED = 200


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    tool_id = serializers.IntegerField(allow_null=True, help_text="The tool of the school's register, if one.")
    tool_name = serializers.CharField()
    tool_category = serializers.ChoiceField(choices=ToolCategory.choices)
    failure_mode = serializers.CharField(source="failure_mode_id", allow_null=True)
    severity = serializers.ChoiceField(choices=PracticeReport.Severity.choices)
    status = serializers.ChoiceField(choices=PracticeReport.Status.choices)
    ai_output = serializers.CharField()
    what_was_wrong = serializers.CharField()
    clinician_action = serializers.CharField()
    reply = serializers.CharField(help_text="The faculty's reply to the reporter.")
    case = serializers.IntegerField(source="case_id", allow_null=True, help_text="The draft case made from it.")


class SchoolReportsApi(APIView):
    """The school's practice reports (its faculty, reviewers and admins), newest first, at most
    200; POST: a member reports an AI failure or near miss (refused whole, with the field and
    the place, when a text holds a patient identifier)."""

    @extend_schema_serializer(component_name="PracticeReportRequest")
    class Input(serializers.Serializer):
        tool_id = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                           max_value=9_223_372_036_854_775_807,
                                           help_text="A tool of the school's register; else name it in tool_name.")
        tool_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
        tool_category = serializers.ChoiceField(choices=ToolCategory.choices, required=False, allow_blank=True,
                                                help_text="For a tool named in tool_name; a register's tool has its own.")
        failure_mode = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=8)
        severity = serializers.ChoiceField(choices=PracticeReport.Severity.choices)
        ai_output = serializers.CharField(max_length=services.MAX_TEXT)
        what_was_wrong = serializers.CharField(max_length=services.MAX_TEXT)
        clinician_action = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_TEXT)

    @extend_schema(responses={200: ReportSerializer(many=True), **error_responses(404)})
    def get(self, request, school_slug: str):
        school = object_or_404(request.user, "observatory.triage_reports", School.objects.all(), slug=school_slug)
        reports = list(school_reports(school=school)[:MAX_LISTED])
        return ApiResponse(ReportSerializer(reports, many=True).data)

    @extend_schema(request=Input, responses={201: ReportSerializer, **error_responses(400, 404)})
    def post(self, request, school_slug: str):
        school = object_or_404(request.user, "observatory.report_practice", School.objects.all(), slug=school_slug)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            report = services.report_create(school=school, reporter=request.user, **data.validated_data)
        return ApiResponse(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class CellSerializer(serializers.Serializer):
    tool_category = serializers.ChoiceField(source="category", choices=ToolCategory.choices)
    failure_mode = serializers.CharField()
    schools = serializers.IntegerField()
    reports = serializers.IntegerField()


class CellsSerializer(serializers.Serializer):
    k = serializers.IntegerField(help_text="A cell is published from this many schools and this many reports.")
    cells = CellSerializer(many=True)


class CrossSchoolCellsApi(APIView):
    """Counts of reports by category of use and failure mode across the schools that share them;
    a cell of fewer than k schools or k reports is absent."""

    @extend_schema(responses={200: CellsSerializer})
    def get(self, request):
        return ApiResponse(CellsSerializer({"k": threshold(), "cells": cross_school_cells()}).data)
