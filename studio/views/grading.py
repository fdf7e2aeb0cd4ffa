"""Manual grading queue pages for free-text answers (faculty).

The list shows the free-text items with answers waiting for a first mark or open to a
second, blind mark, how many wait with a low-confidence suggestion, and the agreement of
raters per item (Cohen's kappa). An item's page lists its answers to mark, least sure
suggestion first (or oldest first), with the suggestion's confidence and its reasons. The
marking page shows one answer at a time, the phrases the suggestion found marked in it, the
rubric with the automatic suggestion per criterion (pre-filled, to accept or adjust) and its
evidence (each phrase in its sentence, negations flagged), a comment, and previous/next in
the order chosen. Trainees' names are hidden by default; showing them is recorded in the
audit log.
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy

from schools.selectors import trainee_course_school_id
from schools.services import audit_record
from courses.models import Item
from quizzes.items.formdata import number_field as parse_number
from training.errors import ApplicationError
from training.permissions import object_or_404, permission_required

from quizzes import review
from quizzes.models import RaterMark


def _mode(request) -> str:
    return "second" if (request.GET.get("mode") or request.POST.get("mode")) == "second" else "first"


def _order(request) -> str:
    return "submitted" if (request.GET.get("sort") or request.POST.get("sort")) == "submitted" else "confidence"


# ---------------------------------------------------------------- the suggestion in words

_LEVELS = {
    "low": (gettext_lazy("Low confidence"), "bad"),
    "medium": (gettext_lazy("Medium confidence"), "warn"),
    "high": (gettext_lazy("High confidence"), "good"),
}


def confidence_view(detail: dict) -> dict:
    """The suggestion's confidence as the pages show it: label, badge class and the reasons
    in the reader's language; "not measured" for a suggestion made before it was."""
    confidence = (detail or {}).get("confidence") or {}
    label, css = _LEVELS.get(confidence.get("level"), (gettext_lazy("Confidence not measured"), "muted"))
    reasons = []
    for reason in confidence.get("reasons") or []:
        message = _(reason.get("message", ""))
        reasons.append(message % reason["params"] if reason.get("params") else message.replace("%%", "%"))
    return {"level": confidence.get("level", ""), "label": label, "css": css, "reasons": reasons}


def _evidence_view(text: str, evidence: list[dict]) -> list[dict]:
    """Each phrase found, inside its sentence (before, phrase, after) for the rubric table."""
    rows = []
    for found in evidence or []:
        start, end = found.get("start", 0), found.get("end", 0)
        s_start, s_end = found.get("sentence_start", start), found.get("sentence_end", end)
        rows.append({
            "sentence": found.get("sentence"), "negated": found.get("negated"),
            "before": text[s_start:start], "phrase": text[start:end], "after": text[end:s_end],
        })
    return rows


def _highlighted(text: str, criteria: list[dict]) -> list[tuple[str, bool]]:
    """The answer in pieces, each phrase found marked (overlaps merged)."""
    spans = sorted((f["start"], f["end"]) for c in criteria for f in c.get("evidence") or [] if f.get("end", 0) > f.get("start", 0))
    pieces, at = [], 0
    for start, end in spans:
        start = max(start, at)
        if end <= start:
            continue
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


@permission_required("quizzes.review_responses")
def queue_list(request):
    rows = review.queue_items(user=request.user)
    items = list(Item.objects.filter(pk__in=[r["item"].pk for r in rows]).select_related("key"))
    agreement = review.item_agreement(items=items)
    for row in rows:
        row["agreement"] = agreement.get(row["item"].pk)
    return render(request, "studio/grading/queue.html", {"rows": rows})


QUEUE_PAGE = 200  # answers listed at once; marking goes on from the last past it


@permission_required("quizzes.review_responses")
def queue_item(request, item_id: int):
    """The answers of the item still to mark in this mode, least sure suggestion first (or
    oldest first), each with its suggestion and confidence; back to the list when none."""
    mode, order = _mode(request), _order(request)
    responses = list(
        review.queue(user=request.user, item_id=item_id, mode=mode, order=order)
        .select_related("grade", "attempt", "item__case__module__version")[:QUEUE_PAGE]
    )
    if not responses:
        messages.info(request, _("No answer of this item is waiting for you."))
        return redirect("studio:grading")
    rows = []
    for response in responses:
        detail = response.grade.detail if hasattr(response, "grade") else {}
        rows.append({
            "response": response, "label": _pseudonym(response), "text": (response.answer or {}).get("text", ""),
            "suggested": detail.get("suggested_points"), "total": detail.get("total_points"),
            "confidence": confidence_view(detail),
        })
    return render(request, "studio/grading/item.html", {
        "item": responses[0].item, "rows": rows, "mode": mode, "order": order,
    })


def _pseudonym(response) -> str:
    return _("Trainee %(number)s") % {"number": response.attempt.trainee_id}


@permission_required("quizzes.review_responses")
def response_mark(request, response_id: int):
    # 404 whether the answer is missing, not open to a mark or not the user's to grade.
    response = object_or_404(
        request.user, "quizzes.grade_response",
        review.markable_responses().select_related(
            "item__key", "item__case__module__version__course", "item__artifact", "attempt__trainee", "grade"),
        pk=response_id,
    )
    mode, order = _mode(request), _order(request)
    item = response.item
    criteria = response.item.key.answer.get("criteria", [])
    detail = response.grade.detail if hasattr(response, "grade") else {}
    suggestion = {c["id"]: c for c in detail.get("criteria", [])}
    text = (response.answer or {}).get("text", "")
    mine = review.rater_mark(response=response, rater=request.user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        points = {}
        for criterion in criteria:
            value = parse_number(errors, request.POST.get(f"points-{criterion['id']}", ""), f"points.{criterion['id']}",
                            required=True)
            if value is not None:
                points[criterion["id"]] = value
        if not errors:
            try:
                role = review.review_mark(response=response, rater=request.user, points=points,
                                          comment=request.POST.get("comment", "").strip())
            except ApplicationError as exc:
                errors = exc.errors or {"non_field_errors": [exc.message]}
            else:
                messages.success(request, {
                    "first": _("The grade was confirmed and now counts for the trainee."),
                    "correction": _("The grade was corrected."),
                    "second": _("Your second marking was saved; it does not change the grade."),
                }[role])
                following = review.queue(user=request.user, item_id=item.pk, mode=mode, order=order)
                following = following.exclude(pk=response.pk).values_list("pk", flat=True).first()
                if following is not None and request.POST.get("then") != "stay":
                    return redirect(reverse("studio:grading-response", args=[following]) + f"?mode={mode}&sort={order}")
                return redirect("studio:grading")
    show_names = request.GET.get("names") == "1"
    if show_names:
        audit_record(actor=request.user, action="review.names_shown", subject=response.attempt.trainee,
                     detail={"response": response.pk}, school_id=trainee_course_school_id(
                         trainee_id=response.attempt.trainee_id, course=response.attempt.course))
    ids = list(review.gradable_responses(user=request.user).filter(item_id=item.pk)
               .order_by(*review.queue_order(order)).values_list("pk", flat=True))
    position = ids.index(response.pk)
    first_rater = None
    if mode != "second" and hasattr(response, "grade") and response.grade.graded_by_id not in (None, request.user.pk):
        first_rater = response.grade.graded_by_id
    rows = []
    for criterion in criteria:
        cid = criterion["id"]
        suggested = suggestion.get(cid, {})
        if request.method == "POST":
            value = request.POST.get(f"points-{cid}", "")
        elif mine is not None:
            value = mine["points"].get(cid, "")
        else:
            value = round(suggested.get("suggested", 0), 2)
        rows.append({
            "id": cid, "text": criterion.get("text", ""), "max": criterion.get("points"), "value": value,
            "suggested": suggested.get("suggested"), "matched": suggested.get("matched_groups"),
            "groups": suggested.get("groups"), "errors": errors.get(f"points.{cid}", []),
            "uncapped": suggested.get("uncapped"), "evidence": _evidence_view(text, suggested.get("evidence")),
        })
    return render(request, "studio/grading/response.html", {
        "response": response, "item": item, "rows": rows, "mode": mode, "order": order, "mine": mine,
        "confidence": confidence_view(detail), "answer_pieces": _highlighted(text, list(suggestion.values())),
        "comment": request.POST.get("comment", "") if request.method == "POST" else (mine or {}).get("comment", ""),
        "errors": errors, "show_names": show_names,
        "trainee_label": response.attempt.trainee.display_name if show_names else _pseudonym(response),
        "previous": ids[position - 1] if position > 0 else None,
        "next": ids[position + 1] if position + 1 < len(ids) else None,
        "position": position + 1, "count": len(ids), "first_rater": first_rater,
        "second_marks": RaterMark.objects.filter(response=response).exclude(rater=request.user).count(),
    }, status=400 if errors else 200)
