"""Trainee REST API: assigned courses, modules, cases, attempts, answers and grades.

Views are thin: validate the envelope, call a service or selector, serialise. What a
trainee sees of an item never includes its key; a decide-first item's AI output, the AI's
answer and everything derived from them are withheld until the unaided answers are stored
(``quizzes.selectors.Withheld``).
"""
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from progress.models import ModuleProgress
from schools.selectors import trainee_assignments
from courses.models import Artifact, Item
from courses.rendering import render_markdown
from courses.selectors import course_latest_published, version_media_urls
from training.api_schema import CONFLICT

from . import services
from .access import trainee_attempt, trainee_case, trainee_module, trainee_submit_target
from .feedback import grade_feedback
from .models import Attempt, Response
from .selectors import (
    Withheld,
    asking_order,
    feedback_is_due,
    refuse_if_withheld,
    trainee_released_measures,
    trainee_response,
    unaided_given,
    withheld_among,
    withheld_in_attempt,
)

# Spec fields that belong to the AI output and hide with it on decide-first items.
_AI_SPEC_FIELDS = ("ai_answer",)


def artifact_data(artifact: Artifact, media: dict[str, str] | None = None) -> dict:
    content = dict(artifact.content)
    if artifact.kind == Artifact.Kind.IMAGE and media is not None:
        for field in ("src", "heatmap"):
            if content.get(field) in media:
                content[f"{field}_url"] = media[content[field]]
    return {
        "id": artifact.pk, "slug": artifact.slug, "kind": artifact.kind, "title": artifact.title,
        "source": artifact.source, "content": content, "hidden": False,
    }


def item_data(item: Item, *, hidden: bool) -> dict:
    spec = {k: v for k, v in item.spec.items() if not (hidden and k in _AI_SPEC_FIELDS)}
    return {
        "id": item.pk, "slug": item.slug, "type": item.type, "artifact": item.artifact_id,
        "prompt": item.prompt, "prompt_html": render_markdown(item.prompt), "spec": spec,
        "decide_first": item.decide_first, "ai_output_hidden": hidden,
        "competencies": [c.code for c in item.competencies.all()],
    }


def response_data(response: Response) -> dict:
    data = {
        "id": response.pk, "attempt": response.attempt_id, "item": response.item_id, "state": response.state,
        "initial_answer": response.initial_answer, "answer": response.answer,
        "submitted_at": response.submitted_at, "grade": None, "key": None, "rationale": None,
    }
    grade = getattr(response, "grade", None) if response.state in (Response.State.GRADED, Response.State.REVIEW) else None
    if grade is not None and response.state == Response.State.GRADED:
        due = feedback_is_due(response=response)
        data["grade"] = {
            "score": grade.score, "cbm_mark": grade.cbm_mark, "feedback": grade_feedback(grade, due=due),
            "graded_at": grade.graded_at, "comment": grade.comment,
        }
        if due:
            data["key"] = response.item.key.answer
            data["rationale"] = render_markdown(response.item.key.rationale)
            data["hints"] = [render_markdown(hint) for hint in response.item.key.hints or []]
            data["detail"] = grade.detail
    return data


class MyCoursesApi(APIView):
    """The courses assigned to me, each at its latest published version, with my progress."""

    @extend_schema(responses=inline_serializer("MyCourses", {"courses": serializers.ListField()}))
    def get(self, request):
        courses = []
        assignments = list(trainee_assignments(trainee=request.user))
        progress = {
            (p.course_id, p.module_slug): p
            for p in ModuleProgress.objects.filter(trainee=request.user, course_id__in=[a.course_id for a in assignments])
        }
        seen = set()
        for a in assignments:
            if a.course_id in seen:
                continue
            seen.add(a.course_id)
            version = course_latest_published(course=a.course)
            if version is None:
                continue
            modules = []
            for m in version.modules.all():
                p = progress.get((a.course_id, m.slug))
                modules.append({
                    "id": m.pk, "slug": m.slug, "title": m.title, "feedback_policy": m.feedback_policy,
                    "items_graded": p.items_graded if p else 0, "items_total": p.items_total if p else None,
                    "completed": bool(p and p.completed_at), "mean_score": p.mean_score if p else None,
                })
            courses.append({
                "course": a.course.slug, "version": version.number, "title": version.title,
                "language": version.language, "due_at": a.due_at, "cohort": a.cohort.name, "modules": modules,
            })
        return ApiResponse({"courses": courses})


class ModuleDetailApi(APIView):
    @extend_schema(responses=inline_serializer("ModuleDetail", {"id": serializers.IntegerField()}))
    def get(self, request, module_id: int):
        module = trainee_module(trainee=request.user, module_id=module_id)
        attempt = Attempt.objects.filter(
            trainee=request.user, course=module.version.course, module_slug=module.slug, status=Attempt.Status.OPEN,
        ).first()
        return ApiResponse({
            "id": module.pk, "slug": module.slug, "title": module.title, "summary": module.summary,
            "feedback_policy": module.feedback_policy, "open_attempt": attempt.pk if attempt else None,
            "lessons": [
                {"id": l.pk, "slug": l.slug, "title": l.title, "body_html": render_markdown(l.body)}
                for l in module.lessons.all()
            ],
            "cases": [{"id": c.pk, "slug": c.slug, "title": c.title} for c in module.cases.all()],
        })


class CaseDetailApi(APIView):
    """A case as the trainee sees it within an attempt: AI outputs hidden where a
    decide-first item still waits for the unaided answer."""

    @extend_schema(responses=inline_serializer("CaseDetail", {"id": serializers.IntegerField()}))
    def get(self, request, case_id: int):
        case = trainee_case(trainee=request.user, case_id=case_id)
        attempt = Attempt.objects.filter(trainee=request.user, module=case.module).order_by("-started_at").first()
        responses = {
            r.item_id: r
            for r in Response.objects.filter(attempt=attempt, item__case=case).select_related(
                "grade", "item__key", "attempt__module", "attempt__course",
            )
        } if attempt else {}
        items = asking_order(case.items.prefetch_related("competencies"))
        withheld = withheld_among(items=items, unaided=unaided_given(responses.values()))
        media = version_media_urls(version_id=case.module.version_id)
        artifacts = []
        for a in case.artifacts.all():
            if withheld.artifact(a.pk):
                artifacts.append({"id": a.pk, "slug": a.slug, "kind": a.kind, "title": a.title, "hidden": True})
            else:
                artifacts.append(artifact_data(a, media))
        return ApiResponse({
            "id": case.pk, "slug": case.slug, "title": case.title, "vignette_html": render_markdown(case.vignette),
            "module": case.module_id, "attempt": attempt.pk if attempt else None,
            "artifacts": artifacts,
            "items": [_case_item(i, withheld) for i in items],
            "responses": [response_data(r) for r in responses.values() if withheld.shows_response(r)],
        })


def _case_item(item: Item, withheld: Withheld) -> dict:
    """An item of the case: a decide-first question awaiting its unaided answer without the
    AI's answer; the other questions about that AI output withheld with it, since their
    wording may quote it."""
    blocker = withheld.blocker(item)
    if blocker is None:
        return item_data(item, hidden=False)
    if blocker.pk == item.pk:
        return item_data(item, hidden=True)
    return {"id": item.pk, "slug": item.slug, "type": item.type, "artifact": item.artifact_id, "withheld": True,
            "withheld_by": blocker.pk}


class AttemptStartApi(APIView):
    @extend_schema(request=None, responses={
        201: inline_serializer("AttemptStarted", {"id": serializers.IntegerField()}), 409: CONFLICT})
    def post(self, request, module_id: int):
        module = trainee_module(trainee=request.user, module_id=module_id)
        attempt = services.attempt_start(trainee=request.user, module=module)
        return ApiResponse(_attempt_data(attempt), status=status.HTTP_201_CREATED)


def _attempt_data(attempt: Attempt) -> dict:
    return {
        "id": attempt.pk, "module": attempt.module_id, "status": attempt.status,
        "started_at": attempt.started_at, "submitted_at": attempt.submitted_at,
    }


class AttemptDetailApi(APIView):
    @extend_schema(responses=inline_serializer("Attempt", {"id": serializers.IntegerField()}))
    def get(self, request, attempt_id: int):
        attempt = trainee_attempt(trainee=request.user, attempt_id=attempt_id)
        responses = attempt.responses.select_related("grade", "item__key", "attempt__module")
        withheld = withheld_in_attempt(attempt=attempt)
        return ApiResponse({**_attempt_data(attempt), "responses": [
            response_data(r) for r in responses if withheld.shows_response(r)
        ]})


class AttemptSubmitApi(APIView):
    @extend_schema(request=None, responses={
        200: inline_serializer("AttemptSubmitted", {"id": serializers.IntegerField()}), 409: CONFLICT})
    def post(self, request, attempt_id: int):
        attempt = trainee_attempt(trainee=request.user, attempt_id=attempt_id)
        return ApiResponse(_attempt_data(services.attempt_submit(attempt=attempt)))


class _AnswerEnvelope(serializers.Serializer):
    answer = serializers.DictField(help_text="The answer payload of the item type (docs/course-package.md).")


def _attempt_item(request, attempt_id: int, item_id: int) -> tuple[Attempt, Item]:
    attempt = trainee_attempt(trainee=request.user, attempt_id=attempt_id)
    item = get_object_or_404(Item.objects.select_related("case", "artifact", "key"), pk=item_id, case__module_id=attempt.module_id)
    return attempt, item


def _stored_responses(stored) -> dict:
    """A new answer is 201; the same answer again returns the stored one (200); another is 409."""
    return {201: stored, 200: stored, 409: CONFLICT}


class UnaidedAnswerApi(APIView):
    """Store the unaided answer of a decide-first item; only then is the AI output shown."""

    @extend_schema(request=_AnswerEnvelope, responses={
        201: inline_serializer("UnaidedStored", {"id": serializers.IntegerField()}), 409: CONFLICT})
    def post(self, request, attempt_id: int, item_id: int):
        attempt, item = _attempt_item(request, attempt_id, item_id)
        envelope = _AnswerEnvelope(data=request.data)
        envelope.is_valid(raise_exception=True)
        with transaction.atomic():
            response = services.response_answer_unaided(attempt=attempt, item=item, answer=envelope.validated_data["answer"])
        return ApiResponse(response_data(response), status=status.HTTP_201_CREATED)


class AiOutputApi(APIView):
    """The AI output and the AI's answer of an item, refused (409, naming the question) until
    every unaided answer decide-first asks about that AI output is stored."""

    @extend_schema(responses={200: inline_serializer("AiOutput", {"artifact": serializers.DictField()}), 409: CONFLICT})
    def get(self, request, attempt_id: int, item_id: int):
        attempt, item = _attempt_item(request, attempt_id, item_id)
        refuse_if_withheld(attempt=attempt, item=item)
        media = version_media_urls(version_id=attempt.module.version_id)
        return ApiResponse({
            "artifact": artifact_data(item.artifact, media) if item.artifact else None,
            "ai_answer": item.spec.get("ai_answer"),
        })


class ResponseSubmitApi(APIView):
    """Submit the final answer; grading happens in the background (poll the response)."""

    @extend_schema(request=_AnswerEnvelope, responses=_stored_responses(
        inline_serializer("ResponseStored", {"id": serializers.IntegerField()})))
    def post(self, request, attempt_id: int, item_id: int):
        attempt, item = trainee_submit_target(trainee=request.user, attempt_id=attempt_id, item_id=item_id)
        envelope = _AnswerEnvelope(data=request.data)
        envelope.is_valid(raise_exception=True)
        response, created = services.response_submit(attempt=attempt, item=item, answer=envelope.validated_data["answer"])
        return ApiResponse(
            {"id": response.pk, "state": response.state, "item": item.pk, "attempt": attempt.pk},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ResponseDetailApi(APIView):
    """My response: its state, and once graded the score, with the feedback, key and
    rationale when the module's feedback policy allows. Not found while decide-first
    withholds it, as the page's feedback fragment (both read ``trainee_response``)."""

    @extend_schema(responses=inline_serializer("ResponseDetail", {"id": serializers.IntegerField()}))
    def get(self, request, response_id: int):
        response = trainee_response(trainee=request.user, response_id=response_id)
        if response is None:
            raise Http404
        return ApiResponse(response_data(response))


class MyRelianceApi(APIView):
    """My own reliance and calibration measures (docs/measures.md); None means undefined."""

    @extend_schema(responses=inline_serializer("MyReliance", {"measures": serializers.DictField()}))
    def get(self, request):
        return ApiResponse({"measures": trainee_released_measures(trainee=request.user)})
