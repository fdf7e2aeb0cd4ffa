"""The case player: a case's AI outputs and one form per item; answers go to the services.

A decide-first item's AI output (and the AI's answer) is withheld from the HTML until the
unaided answers about it are stored, exactly as the API withholds it (``Withheld``). An answer that the services
refuse is shown again with its errors beside the fields and nothing the trainee entered
lost; the status code is the service's (400, 403, 404, 409).
"""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from courses.models import Case, Item
from quizzes import forms, services
from quizzes.access import trainee_attempt, trainee_case
from quizzes.models import Attempt, Response
from quizzes.selectors import media_urls_if_shown, trainee_case_page, trainee_response
from training import admission
from training.errors import ApplicationError

from .presenters import DueCache, case_views, feedback_view, player_strings


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def render_case(request, case: Case, *, overrides: dict | None = None, status: int = 200):
    data = trainee_case_page(trainee=request.user, case=case)
    attempt = data["attempt"]
    siblings = data["siblings"]
    index = next(i for i, (cid, _t) in enumerate(siblings) if cid == case.pk)
    module = case.module
    context = {
        "case": case, "module": module, "version": module.version, "attempt": attempt,
        "open": attempt is not None and attempt.status == Attempt.Status.OPEN,
        **case_views(case=case, items=data["items"], artifacts=data["artifacts"], responses=data["responses"],
                     attempt=attempt, media=data["media"], overrides=overrides),
        "position": index + 1, "case_count": len(siblings),
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "strings": player_strings(),
    }
    response = render(request, "quizzes/case.html", context, status=status)
    if context["open"]:
        admission.mark_in_attempt(response)  # resumed in this browser: its module page goes through too
    return response


@login_required
@require_GET
def case_page(request, case_id: int):
    return render_case(request, trainee_case(trainee=request.user, case_id=case_id))


def _attempt_item(request, attempt_id: int, item_id: int) -> tuple[Attempt, Item]:
    """The trainee's own attempt and an item of its module (404 for anything else)."""
    attempt = trainee_attempt(trainee=request.user, attempt_id=attempt_id)
    item = get_object_or_404(Item.objects.select_related("case", "artifact", "key"), pk=item_id,
                             case__module_id=attempt.module_id)
    return attempt, item


def _done(request, item: Item, anchor: str):
    location = reverse("trainee-case", args=[item.case_id]) + f"#{anchor}"
    if _is_fetch(request):
        return JsonResponse({"location": location})
    return redirect(location)


def _refused(request, item: Item, parsed: forms.ParsedAnswer, *, errors: dict, message: str, status: int):
    case = trainee_case(trainee=request.user, case_id=item.case_id)
    overrides = {item.pk: {"values": parsed.values, "errors": forms.place_errors(errors), "message": message}}
    return render_case(request, case, overrides=overrides, status=status)


@login_required
@require_POST
def answer_submit(request, attempt_id: int, item_id: int):
    attempt, item = _attempt_item(request, attempt_id, item_id)
    parsed = forms.parse_answer(item, request.POST)
    if parsed.payload is None:
        return _refused(request, item, parsed, errors=parsed.errors, message="", status=400)
    try:
        services.response_submit(attempt=attempt, item=item, answer=parsed.payload)
    except ApplicationError as exc:
        return _refused(request, item, parsed, errors=exc.errors, message=exc.message, status=exc.status_code)
    return _done(request, item, f"item-{item.pk}")


@login_required
@require_POST
def unaided_submit(request, attempt_id: int, item_id: int):
    attempt, item = _attempt_item(request, attempt_id, item_id)
    parsed = forms.parse_unaided(item, request.POST)
    if parsed.payload is None:
        return _refused(request, item, parsed, errors=parsed.errors, message="", status=400)
    try:
        services.response_answer_unaided(attempt=attempt, item=item, answer=parsed.payload)
    except ApplicationError as exc:
        return _refused(request, item, parsed, errors=exc.errors, message=exc.message, status=exc.status_code)
    return _done(request, item, f"artifact-{item.artifact_id}" if item.artifact_id else f"item-{item.pk}")


@login_required
@require_GET
def feedback_fragment(request, response_id: int):
    """The feedback block of one of my answers, polled while it is being graded; not found
    while decide-first withholds it, as the API's poll (both read ``trainee_response``)."""
    response = trainee_response(trainee=request.user, response_id=response_id)
    if response is None or response.state == Response.State.UNAIDED:
        return HttpResponse(status=404)
    item = response.item
    media = media_urls_if_shown(version_id=item.case.module.version_id, texts=[
        item.key.rationale, item.artifact.truth_explanation if item.artifact_id else "",
        *(str(o.get("text", "")) for o in (item.spec or {}).get("options") or [] if isinstance(o, dict))])
    view = feedback_view(response, due=DueCache()(response), media=media)
    html = render_to_string("quizzes/_feedback.html", {"feedback": view}, request=request)
    reply = HttpResponse(html)
    reply["X-Vigil-State"] = response.state
    reply["Cache-Control"] = "no-store"
    return reply
