"""Faculty grading queue for free-text answers: the automatic suggestion per criterion (with
its evidence) and its confidence, confirmed or adjusted by a person before the grade counts."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from schools.selectors import answer_school_id
from schools.services import audit_records
from training.permissions import object_or_404

from . import services
from .selectors import awaiting_review, review_queue


def _queue_entry(response, *, show_names: bool) -> dict:
    trainee = response.attempt.trainee
    return {
        "id": response.pk,
        "trainee": trainee.display_name if show_names else _("Trainee %(number)s") % {"number": trainee.pk},
        "item": response.item_id, "prompt": response.item.prompt, "answer": response.answer,
        "criteria": response.item.key.answer.get("criteria", []),
        "suggestion": response.grade.detail.get("criteria", []) if hasattr(response, "grade") else [],
        # How sure the suggestion is (level, rank, reasons); None for one made before it was measured.
        "confidence": response.grade.detail.get("confidence") if hasattr(response, "grade") else None,
        "submitted_at": response.submitted_at,
    }


class ReviewQueueApi(APIView):
    """Answers waiting for my grade; names hidden unless ``?show_names=1``."""

    @extend_schema(responses=inline_serializer("ReviewQueue", {"results": serializers.ListField()}))
    def get(self, request):
        show_names = request.query_params.get("show_names") == "1"
        queue = list(review_queue(user=request.user).select_related("attempt__trainee", "item__key")
                     .annotate(trainee_school_id=answer_school_id())[:200])
        if show_names:  # who saw whose name, in each trainee's school's log (one query)
            shown: dict[tuple[int, int | None], list[int]] = {}
            for r in queue:
                shown.setdefault((r.attempt.trainee_id, r.trainee_school_id), []).append(r.pk)
            audit_records(actor=request.user, action="review.queue.names_shown", events=[
                {"subject_id": trainee_id, "school_id": school_id, "detail": {"responses": ids}}
                for (trainee_id, school_id), ids in shown.items()
            ])
        return ApiResponse({"results": [_queue_entry(r, show_names=show_names) for r in queue]})


class ReviewConfirmApi(APIView):
    @extend_schema_serializer(component_name="ReviewConfirmRequest")
    class Input(serializers.Serializer):
        points = serializers.DictField(child=serializers.FloatField(), help_text="Points per criterion id.")
        comment = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses=inline_serializer("ReviewConfirmed", {"score": serializers.FloatField()}))
    def post(self, request, response_id: int):
        # 404 whether the answer is missing, not waiting or not the user's to grade.
        response = object_or_404(request.user, "quizzes.grade_response", awaiting_review(), pk=response_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        grade = services.response_review_confirm(
            response=response, reviewer=request.user,
            points=data.validated_data["points"], comment=data.validated_data["comment"],
        )
        return ApiResponse({"id": response.pk, "score": grade.score, "is_final": grade.is_final})
