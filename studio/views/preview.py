"""Preview a case as a trainee plays it, answering and getting feedback, storing nothing.

The page is the case player: the same partials (``quizzes/_case_content.html`` and the
item, widget, artifact and feedback templates it includes), the same player.css and
player.js, the same view-models (``quizzes.views.presenters.case_views``), the same answer
parsers (``quizzes.forms``, so numbers are read by ``quizzes.items.numbers``) and the same
checks and grader, in memory (``quizzes.preview``). Decide-first works as for trainees: the
AI output and the questions about it stay hidden until the unaided answer is given.

What differs: each form posts back here, its action carrying the item, the step and the
unaided answers given so far (``?item=12&step=unaided&initial-12=wait``), which are never
stored; feedback is due at once; and beside it the author sees the score, the key in
sentences and what trainees are told about when they see feedback. No attempt, response or
grade is created.
"""
from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from courses.models import Case, Item
from progress.charts import percent
from quizzes import forms
from quizzes.items import unit_for
from quizzes.models import Response
from quizzes.preview import carried_params, carried_unaided, preview_answer, preview_unaided, unaided_responses
from quizzes.selectors import case_content
from quizzes.views.presenters import Seat, case_views, feedback_policy_text, player_strings
from training.errors import ApplicationError

from .access import author_required, owned

ASIDE_TEMPLATE = "studio/_preview_aside.html"


def key_summary(item: Item) -> list[str]:
    """The key of an item in sentences, for the author beside the feedback."""
    key = item.key.answer if hasattr(item, "key") else {}
    text = (item.artifact.content or {}).get("text", "") if item.artifact_id and item.artifact else ""
    return unit_for(item.type).key_summary(item.spec or {}, key, text)


def _url(case: Case, carried: dict[int, str], **params) -> str:
    query = urlencode({**params, **carried_params(carried)})
    return reverse("studio:preview", args=[case.pk]) + (f"?{query}" if query else "")


def _seat(case: Case, carried: dict[int, str]) -> Seat:
    policy = feedback_policy_text(case.module.feedback_policy)

    def action(item: Item, mode: str) -> str:
        step = {"step": "unaided"} if mode == "unaided" else {}
        return _url(case, carried, item=item.pk, **step) + f"#item-{item.pk}"

    def aside(item: Item, response: Response) -> dict:
        grade = response.grade
        return {"aside_template": ASIDE_TEMPLATE, "aside": {
            "score": percent(grade.score), "cbm_mark": f"{grade.cbm_mark:+d}" if grade.cbm_mark is not None else None,
            "needs_review": not grade.is_final, "key": key_summary(item), "policy": policy,
        }}

    return Seat(answering=True, action=action, due=lambda response: True, aside=aside)


def _page(request, case: Case, content: dict, carried: dict[int, str], *, answered: Response | None = None,
          overrides: dict | None = None, status: int = 200):
    responses = unaided_responses(content["items"], carried)
    if answered is not None:
        responses[answered.item.pk] = answered
    module = case.module
    return render(request, "studio/preview.html", {
        "case": case, "module": module, "version": module.version, "strings": player_strings(),
        **case_views(case=case, items=content["items"], artifacts=content["artifacts"], responses=responses,
                     attempt=None, media=content["media"], overrides=overrides, seat=_seat(case, carried)),
    }, status=status)


@author_required
def case_preview(request, pk: int):
    case = owned(request, Case, pk, related=("module",))
    content = case_content(case=case)
    carried = carried_unaided(content["items"], request.GET)
    if request.method != "POST":
        return _page(request, case, content, carried)
    item = next((i for i in content["items"] if str(i.pk) == request.GET.get("item")), None)
    if item is None:
        raise Http404
    unaided = request.GET.get("step") == "unaided"
    parsed = forms.parse_unaided(item, request.POST) if unaided else forms.parse_answer(item, request.POST)

    def refused(errors: dict, message: str, status: int):
        overrides = {item.pk: {"values": parsed.values, "errors": forms.place_errors(errors), "message": message}}
        return _page(request, case, content, carried, overrides=overrides, status=status)

    if parsed.payload is None:
        return refused(parsed.errors, "", 400)
    try:
        if unaided:
            preview_unaided(item=item, answer=parsed.payload, carried=carried)
        else:
            answered = preview_answer(items=content["items"], item=item, answer=parsed.payload, carried=carried)
    except ApplicationError as exc:
        return refused(exc.errors, exc.message, exc.status_code)
    if not unaided:
        return _page(request, case, content, carried, answered=answered)
    # As the player: the unaided answer given, the page shows the AI output it was hidden.
    carried = {**carried, item.pk: parsed.payload["answer"]}
    anchor = f"artifact-{item.artifact_id}" if item.artifact_id else f"item-{item.pk}"
    location = _url(case, carried) + f"#{anchor}"
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"location": location})
    return redirect(location)
