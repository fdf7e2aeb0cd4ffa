"""The manual grading queue of free-text answers, and the agreement between raters.

A faculty member's first mark confirms (or adjusts) the automatic suggestion and makes
the grade final, through ``services.response_review_confirm``. A second faculty member may
mark the same answers blind ("second marking"): their points are kept as a RaterMark
beside the grade, which they do not change, and the agreement of the two raters is shown
per item as Cohen's kappa, both on the points of each criterion and on pass/fail.

Marks given through the API before RaterMark existed are read from the grade itself (its
``graded_by`` and ``detail.confirmed_points``), so the agreement covers them too.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Item
from schools.rules import gradable_responses as rules_gradable_responses
from training.errors import ApplicationError, Conflict
from training.text import unstorable_errors

from . import services
from .graders.agreement import cohen_kappa, exact_agreement
from .models import Grade, RaterMark, Response

PASS_SHARE = 0.5  # a free-text answer "passes" with at least half of the points


# ---------------------------------------------------------------- who may grade what


def markable_responses() -> QuerySet[Response]:
    """Every free-text response open to a mark (first, correction or second), anyone's."""
    return Response.objects.filter(item__type=Item.Type.FREE_TEXT, state__in=[Response.State.REVIEW, Response.State.GRADED])


def gradable_responses(*, user: User) -> QuerySet[Response]:
    """The free-text responses the user may mark: ``markable_responses`` in the scope of
    ``quizzes.grade_response`` (``schools.rules.gradable_responses``), the rule each answer
    is asked about, so the queue lists exactly what its pages let the user mark."""
    return rules_gradable_responses(user, markable_responses())


def first_marking(*, user: User) -> QuerySet[Response]:
    """Answers waiting for their first mark."""
    return gradable_responses(user=user).filter(state=Response.State.REVIEW)


def second_marking(*, user: User) -> QuerySet[Response]:
    """Answers another faculty member marked, that the user has not marked yet."""
    return (
        gradable_responses(user=user)
        .filter(state=Response.State.GRADED, grade__graded_by__isnull=False)
        .exclude(grade__graded_by=user)
        .exclude(rater_marks__rater=user)
    )


ORDERS = ("confidence", "submitted")


def queue_order(order: str) -> list:
    """``confidence``: the least sure suggestions first (low, medium, high, then those made
    before confidence was measured), oldest first within a level; ``submitted``: oldest first."""
    by_time = ["submitted_at", "pk"]
    if order == "confidence":
        return [F("grade__suggestion_confidence").asc(nulls_last=True), *by_time]
    return by_time


def queue(*, user: User, item_id: int, mode: str, order: str = "confidence") -> QuerySet[Response]:
    """The responses of one item to mark (``mode``: first | second), in ``order`` (``ORDERS``)."""
    qs = first_marking(user=user) if mode == "first" else second_marking(user=user)
    return qs.filter(item_id=item_id).order_by(*queue_order(order))


def queue_items(*, user: User) -> list[dict]:
    """The free-text items the user may mark, with how many answers wait and how many of
    those have a low-confidence suggestion (3 queries)."""
    low = Count("id", filter=Q(grade__suggestion_confidence=Grade.Confidence.LOW))
    counts = list(first_marking(user=user).values("item_id").annotate(n=Count("id"), low=low))
    waiting = {row["item_id"]: row["n"] for row in counts}
    waiting_low = {row["item_id"]: row["low"] for row in counts}
    second = dict(second_marking(user=user).values("item_id").annotate(n=Count("id")).values_list("item_id", "n"))
    marked = set(
        gradable_responses(user=user).filter(state=Response.State.GRADED).values_list("item_id", flat=True).distinct()
    )
    ids = set(waiting) | set(second) | marked
    items = Item.objects.filter(pk__in=ids).select_related("case__module__version__course").order_by(
        "case__module__version__course__slug", "-case__module__version__number", "case__module__position",
        "case__position", "position",
    )
    return [{"item": item, "waiting": waiting.get(item.pk, 0), "waiting_low": waiting_low.get(item.pk, 0),
             "second": second.get(item.pk, 0)} for item in items]


# ---------------------------------------------------------------- marking


def _check_points(criteria: dict[str, dict], points: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for cid, criterion in criteria.items():
        value = points.get(cid)
        if value is None:
            errors[f"points.{cid}"] = [_("Give the points for this criterion.")]
        elif not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= criterion["points"]:
            errors[f"points.{cid}"] = [_("Must be a number from 0 to %(max)s.") % {"max": criterion["points"]}]
    for cid in points:
        if cid not in criteria:
            errors[f"points.{cid}"] = [_("No such criterion.")]
    return errors


@transaction.atomic
def review_mark(*, response: Response, rater: User, points: dict[str, float], comment: str = "") -> str:
    """Record a rater's points for a free-text answer; returns "first", "correction" or "second".

    The first mark confirms the grade; the same rater marking again corrects it; anyone
    else marking a confirmed answer is a second rater, whose points are kept apart.
    """
    response = (
        Response.objects.select_for_update(of=("self",)).select_related("item__key", "grade").get(pk=response.pk)
    )
    if response.item.type != Item.Type.FREE_TEXT or response.state not in (Response.State.REVIEW, Response.State.GRADED):
        raise Conflict(_("This answer is not waiting for a manual grade."))
    criteria = {c["id"]: c for c in response.item.key.answer.get("criteria", [])}
    errors = {**_check_points(criteria, points), **unstorable_errors(comment, "comment")}
    if errors:
        raise ApplicationError(_("The marks are not valid; nothing was saved."), errors)
    grade = getattr(response, "grade", None)
    if response.state == Response.State.REVIEW:
        role = "first"
    elif grade is not None and grade.graded_by_id == rater.pk:
        role = "correction"
    elif grade is not None and grade.graded_by_id is not None:
        role = "second"
    else:
        raise Conflict(_("This answer was graded automatically; there is nothing to mark."))
    if role in ("first", "correction"):
        services.response_review_confirm(response=response, reviewer=rater, points=points, comment=comment)
    RaterMark.objects.update_or_create(response=response, rater=rater, defaults={"points": points, "comment": comment})
    return role


def rater_mark(*, response: Response, rater: User) -> dict | None:
    """The points this rater gave the answer, if any (their RaterMark, or the grade they confirmed)."""
    mark = RaterMark.objects.filter(response=response, rater=rater).first()
    if mark is not None:
        return {"points": mark.points, "comment": mark.comment}
    grade = Grade.objects.filter(response=response, graded_by=rater).first()
    if grade is not None and "confirmed_points" in grade.detail:
        return {"points": grade.detail["confirmed_points"], "comment": grade.comment}
    return None


# ---------------------------------------------------------------- agreement


@dataclass
class Agreement:
    item_id: int
    responses: int  # answers marked by two raters
    criterion_pairs: int
    kappa_points: float | None
    kappa_pass: float | None
    exact_share: float | None  # share of criteria given the same points


def _marks_by_response(item_ids: list[int]) -> dict[int, list[tuple]]:
    """(time, rater id, points) per response: RaterMark rows, and confirmed grades without one."""
    marks: dict[int, list[tuple]] = defaultdict(list)
    seen = set()
    for response_id, rater_id, points, at in RaterMark.objects.filter(response__item_id__in=item_ids).values_list(
        "response_id", "rater_id", "points", "marked_at",
    ):
        marks[response_id].append((at, rater_id, points))
        seen.add((response_id, rater_id))
    for response_id, rater_id, detail, at in Grade.objects.filter(
        response__item_id__in=item_ids, graded_by__isnull=False, is_final=True,
    ).values_list("response_id", "graded_by_id", "detail", "graded_at"):
        if (response_id, rater_id) not in seen and isinstance(detail, dict) and "confirmed_points" in detail:
            marks[response_id].append((at, rater_id, detail["confirmed_points"]))
    return marks


def item_agreement(*, items: list[Item]) -> dict[int, Agreement]:
    """Agreement of the first two raters of each doubly marked answer, per item (3 queries)."""
    item_ids = [item.pk for item in items]
    response_items = dict(Response.objects.filter(item_id__in=item_ids).filter(
        Q(rater_marks__isnull=False) | Q(grade__graded_by__isnull=False)).values_list("pk", "item_id").distinct())
    criteria = {item.pk: item.key.answer.get("criteria", []) for item in items}
    by_item: dict[int, list[tuple[dict, dict]]] = defaultdict(list)
    for response_id, marks in _marks_by_response(item_ids).items():
        raters = []
        for at, rater_id, points in sorted(marks, key=lambda m: (m[0], m[1])):
            if rater_id not in [r for r, _p in raters]:
                raters.append((rater_id, points))
        if len(raters) >= 2 and response_id in response_items:
            by_item[response_items[response_id]].append((raters[0][1], raters[1][1]))
    out = {}
    for item in items:
        pairs = by_item.get(item.pk, [])
        point_pairs, pass_pairs = [], []
        total = sum(c.get("points", 0) for c in criteria[item.pk]) or 1
        for first, second in pairs:
            for criterion in criteria[item.pk]:
                cid = criterion["id"]
                if cid in first and cid in second:
                    point_pairs.append((float(first[cid]), float(second[cid])))
            pass_pairs.append((
                sum(first.values()) / total >= PASS_SHARE, sum(second.values()) / total >= PASS_SHARE,
            ))
        out[item.pk] = Agreement(
            item_id=item.pk, responses=len(pairs), criterion_pairs=len(point_pairs),
            kappa_points=cohen_kappa(point_pairs), kappa_pass=cohen_kappa(pass_pairs),
            exact_share=exact_agreement(point_pairs),
        )
    return out


# ---------------------------------------------------------------- the suggestion against faculty


CONFIDENCE_LEVELS = {Grade.Confidence.LOW: "low", Grade.Confidence.MEDIUM: "medium", Grade.Confidence.HIGH: "high"}


@dataclass
class SuggestionAgreement:
    """How often the automatic free-text suggestion matched the points faculty confirmed."""

    answers: int  # faculty-confirmed free-text answers with a suggestion
    criterion_pairs: int
    kappa_points: float | None  # suggested vs confirmed points, per criterion (points as categories)
    exact_points: float | None  # share of criteria given exactly the suggested points
    kappa_pass: float | None  # pass or fail (PASS_SHARE of the points), per answer
    exact_pass: float | None
    exact_total: float | None  # share of answers confirmed with exactly the suggested total
    by_confidence: dict[str, dict]  # level ("low", "medium", "high", "unmeasured") -> the same, per level


def _mark(value) -> float:
    return round(float(value), 2)


def _agreement_of(rows: list[tuple[list[dict], dict]]) -> dict:
    points, passes, totals = [], [], []
    for criteria, confirmed in rows:
        total = sum(c.get("points", 0) for c in criteria) or 1
        suggested_sum = confirmed_sum = 0.0
        for c in criteria:
            if c.get("id") in confirmed:
                points.append((_mark(c.get("suggested", 0)), _mark(confirmed[c["id"]])))
            suggested_sum += float(c.get("suggested", 0))
            confirmed_sum += float(confirmed.get(c.get("id"), 0))
        passes.append((suggested_sum / total >= PASS_SHARE, confirmed_sum / total >= PASS_SHARE))
        totals.append((_mark(suggested_sum), _mark(confirmed_sum)))
    return {
        "answers": len(rows), "criterion_pairs": len(points),
        "kappa_points": cohen_kappa(points), "exact_points": exact_agreement(points),
        "kappa_pass": cohen_kappa(passes), "exact_pass": exact_agreement(passes), "exact_total": exact_agreement(totals),
    }


def suggestion_agreement() -> SuggestionAgreement:
    """The suggestion against the first faculty mark, over every confirmed free-text answer
    in the database (one query): Cohen's kappa and exact agreement, overall and per
    confidence level of the suggestion."""
    rows: dict[str, list] = defaultdict(list)
    every = []
    for detail, confidence in Grade.objects.filter(
        response__item__type=Item.Type.FREE_TEXT, graded_by__isnull=False, is_final=True,
    ).order_by("pk").values_list("detail", "suggestion_confidence"):
        if not isinstance(detail, dict) or not isinstance(detail.get("confirmed_points"), dict):
            continue
        row = (detail.get("criteria") or [], detail["confirmed_points"])
        every.append(row)
        rows[CONFIDENCE_LEVELS.get(confidence, "unmeasured")].append(row)
    return SuggestionAgreement(
        **_agreement_of(every),
        by_confidence={level: _agreement_of(rows[level]) for level in ("low", "medium", "high", "unmeasured")
                       if rows[level]},
    )
