"""The school's audit log over the API, for its admins: who read or changed which trainee's
data, and when.

The rules and filters are those of the page (``cohorts.views.audit``): only the school's
admins (and platform superusers) may read it, anyone else gets 404; the filters are checked
by the same ``resolve_filters``; every read is itself recorded in the log.
"""
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.views import APIView

from training.errors import ApplicationError
from training.validators import FIRST_DAY, LAST_DAY, day_in_range

from . import services
from .audit_labels import ACTION_LABELS
from .record_apis import error_responses
from schools.selectors import school_cohort_list
from .selectors.audit_log import audit_event_rows, school_audit_events
from .views.audit import filters_detail, resolve_filters, school_for_admin
from schools import services as school_services

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class AuditPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class AuditActorSerializer(AuditPersonSerializer):
    role = serializers.CharField(help_text="The person's current role(s) in the school, in the request's language.")


class AuditCohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=list(ACTION_LABELS.items()), help_text="The action's code.")
    action_label = serializers.CharField(help_text="What was done, in the request's language.")
    actor = AuditActorSerializer(allow_null=True, help_text="Who acted; null once their account is deleted.")
    trainee = AuditPersonSerializer(source="subject", allow_null=True,
                                    help_text="The trainee whose data was read or changed, when there is one.")
    cohort = AuditCohortSerializer(allow_null=True)
    summary = serializers.CharField(help_text="A short readable line of the detail.")
    detail = serializers.JSONField(help_text="Everything recorded with the event.")
    trainee_page = serializers.CharField(allow_null=True,
                                         help_text="The trainee's drill-down page, while they are in the cohort.")


class AuditEventPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Events matching the filters.")
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = AuditEventSerializer(many=True)


class AuditPagination(LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT


class SchoolAuditEventsApi(APIView):
    """The school's audit events, newest first, ``limit``/``offset`` paginated, narrowed by
    the trainee, the staff member, the action, the cohort and a range of days."""

    @extend_schema_serializer(component_name="AuditEventFilters")
    class Filters(serializers.Serializer):
        trainee = serializers.CharField(required=False, max_length=150, help_text="Username of the trainee concerned.")
        actor = serializers.CharField(required=False, max_length=150, help_text="Username of the person who acted.")
        action = serializers.ChoiceField(choices=list(ACTION_LABELS.items()), required=False)
        cohort = serializers.IntegerField(required=False, help_text="Id of one of the school's cohorts.")
        date_from = serializers.DateField(required=False, validators=[day_in_range],
                                          help_text=f"First day, in the site's time zone ({FIRST_DAY} to {LAST_DAY}).")
        date_to = serializers.DateField(required=False, validators=[day_in_range],
                                        help_text=f"Last day (included), in the site's time zone ({FIRST_DAY} to {LAST_DAY}).")
        limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
        offset = serializers.IntegerField(required=False, min_value=0, default=0)

    @extend_schema(parameters=[Filters], responses={200: AuditEventPageSerializer, **error_responses(400, 404)})
    def get(self, request, slug: str):
        school = school_for_admin(request, slug)
        params = self.Filters(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        found, errors = resolve_filters(
            school=school, cohorts=school_cohort_list(school=school) if "cohort" in data else [],
            trainee=data.get("trainee"),
            actor=data.get("actor"), action=data.get("action"), cohort_id=data.get("cohort"),
            date_from=data.get("date_from"), date_to=data.get("date_to"),
        )
        if errors:
            raise ApplicationError(_("The filters are not valid."), errors)
        paginator = AuditPagination()
        events = paginator.paginate_queryset(school_audit_events(school=school, **found), request, view=self)
        rows = audit_event_rows(school=school, events=events)
        school_services.audit_record_school(actor=request.user, action="school.audit.read", school=school,
                                     subject=found.get("subject"), detail={
                                         "filters": filters_detail(found), "offset": data["offset"],
                                         "limit": data["limit"]})
        for row in rows:
            row["trainee_page"] = reverse("school:trainee", args=row["drill_down"]) if row["drill_down"] else None
        return paginator.get_paginated_response(AuditEventSerializer(rows, many=True).data)
