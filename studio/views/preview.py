"""Preview a case as a trainee sees it, answering and getting feedback, storing nothing.

The page renders the case read-only with each item's answer form; an answer is posted
back here, read by the item type's unit (the trainee page's parser, with the same field
names), checked with its ``validate_answer`` and graded in memory by the pure grader, and
the feedback, score, key and rationale are shown beside the item. No attempt, response or
grade is created. Decide-first items work as for trainees: the AI output the item is about
stays hidden until the unaided answer is given; that answer is carried in the page's forms
(``initial-<item id>``), not stored.
"""
from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from courses.models import Artifact, Case, FailureMode, Item
from courses.selectors import version_media_urls
from quizzes.feedback import translate_feedback
from quizzes.items import unit_for
from quizzes.grading import artifact_payload, grade_answer

from .access import author_required, owned


def _initials(data, items: dict[int, Item]) -> dict[int, str]:
    out = {}
    for name, value in data.items():
        if name.startswith("initial-") and value:
            try:
                item_id = int(name.removeprefix("initial-"))
            except ValueError:
                continue
            item = items.get(item_id)
            if item is not None and item.decide_first and not unit_for(item.type).grader.validate_initial_answer(
                item.spec, {"answer": value},
            ):
                out[item_id] = value
    return out


def _hidden(items: list[Item], initials: dict[int, str]) -> set[int]:
    """The AI outputs still hidden: those of decide-first items without an unaided answer."""
    return {item.artifact_id for item in items if item.decide_first and item.pk not in initials}


def _text(item: Item) -> str:
    if item.artifact is None or item.artifact.kind != Artifact.Kind.TEXT:
        return ""
    return (item.artifact.content or {}).get("text", "")


def _messages(field_errors) -> list[str]:
    out = []
    for error in field_errors:
        message = _(error.message)
        message = message % error.params if error.params else message
        out.append(f"{error.path}: {message}" if error.path else message)
    return out


def _parse_messages(parsed) -> list[str]:
    """The refusals of the answer parser, as the trainee page words them."""
    return [message for messages in parsed.errors.values() for message in messages]


def key_summary(item: Item) -> list[str]:
    """The key of an item in sentences, for the preview's feedback."""
    key = item.key.answer if hasattr(item, "key") else {}
    text = (item.artifact.content or {}).get("text", "") if item.artifact else ""
    return unit_for(item.type).key_summary(item.spec, key, text)


@author_required
def case_preview(request, pk: int):
    case = owned(request, Case, pk, related=("module",))
    items = list(
        case.items.select_related("key", "artifact").prefetch_related("competencies", "artifact__failure_modes")
        .order_by("position")
    )
    by_id = {item.pk: item for item in items}
    data = request.POST if request.method == "POST" else request.GET
    initials = _initials(data, by_id)
    results: dict[int, dict] = {}
    status = 200
    if request.method == "POST":
        item = by_id.get(int(request.POST.get("item") or 0)) if (request.POST.get("item") or "").isdigit() else None
        if item is not None:
            if not item.decide_first and item.artifact_id in _hidden(items, initials):
                results[item.pk] = {"errors": [_("Answer the decide-first question about this AI output first.")]}
            else:
                results[item.pk] = _answer(item, request.POST, initials)
            if results[item.pk].get("errors"):
                status = 400
    hidden = _hidden(items, initials)
    media = version_media_urls(version_id=case.module.version_id)
    artifacts = []
    for artifact in case.artifacts.order_by("position"):
        artifact.hidden = artifact.pk in hidden
        artifact.image_url = media.get((artifact.content or {}).get("src")) if artifact.kind == Artifact.Kind.IMAGE else None
        artifact.heatmap_url = media.get((artifact.content or {}).get("heatmap")) if artifact.kind == Artifact.Kind.IMAGE else None
        artifacts.append(artifact)
    rows = [
        {"item": item, "result": results.get(item.pk), "initial": initials.get(item.pk),
         "ai_hidden": item.decide_first and item.pk not in initials,
         "blocked": not item.decide_first and item.artifact_id is not None and item.artifact_id in hidden,
         "text": _text(item), "texts": {"t": _text(item)}, "texts_id": f"texts-{item.pk}"}
        for item in items
    ]
    return render(request, "studio/preview.html", {
        "case": case, "artifacts": artifacts, "rows": rows, "initials": initials,
        "version": case.module.version, "scale": [-2, -1, 0, 1, 2], "certainties": [1, 2, 3], "media": media,
        "failure_codes": list(FailureMode.objects.values_list("code", flat=True)),
    }, status=status)


def _answer(item: Item, post, initials: dict[int, str]) -> dict:
    """Check and grade one posted answer in memory; nothing is stored."""
    unit = unit_for(item.type)
    if post.get("step") == "unaided":
        parsed = unit.parse_unaided(item.spec, post)
        if parsed.payload is None:
            return {"errors": _parse_messages(parsed)}
        errors = unit.grader.validate_initial_answer(item.spec, parsed.payload)
        if errors:
            return {"errors": _messages(errors)}
        initials[item.pk] = parsed.payload["answer"]
        return {"unaided": True}
    if item.decide_first and item.pk not in initials:
        return {"errors": [_("Give your unaided answer first; the AI output is shown after it.")]}
    parsed = unit.parse_answer(item.spec, post)
    answer = parsed.payload
    if answer is None:
        return {"errors": _parse_messages(parsed), "answer": parsed.values}
    errors = unit.validate_answer(item.spec, answer, artifact_payload(item))
    if errors:
        return {"errors": _messages(errors), "answer": answer}
    graded = unit.grading_answer(answer, initials.get(item.pk))
    result = grade_answer(item=item, key=item.key.answer, answer=graded, artifact=artifact_payload(item))
    text = _text(item)
    spans = [
        {**span, "excerpt": text[span["start"]:span["end"]]}
        for span in result.detail.get("key_spans", [])
    ]
    return {
        "score": result.score, "cbm_mark": result.cbm_mark, "feedback": translate_feedback(result.feedback),
        "needs_review": result.needs_review, "key": key_summary(item), "rationale": item.key.rationale,
        "spans": spans, "answer": answer,
    }
