"""Item analysis of a course version: which items work and which are weak (selectors).

For every item with final grades:

- **facility**: the mean score (0 = nobody right, 1 = everybody right);
- **discrimination**: the classic index D, the mean item score of the upper 27% of the
  attempts (ranked by the attempt's total score) minus that of the lower 27%, and the
  corrected point-biserial correlation between the item score and the rest of the attempt
  (the attempt total without this item);
- **option counts** for choice items (distractor analysis), with how many of the upper and
  lower groups chose each option: a wrong option that attracts strong trainees, or that
  nobody chooses, needs a look;
- for ``error_spans`` items, the **detection rate** of every seeded error span, from each
  grade's ``detail.key_spans[].found``.

Everything is read in four queries whatever the number of responses; the figures are
computed in Python from rows, not model instances.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from quizzes.items import unit_for
from quizzes.models import Grade, Response

from courses.models import CourseVersion, Item

GROUP_SHARE = 0.27
MIN_RESPONSES = 5  # below this, discrimination is not shown


@dataclass
class OptionCount:
    id: str
    text: str
    is_key: bool
    count: int = 0
    upper: int = 0
    lower: int = 0
    share: float | None = None


@dataclass
class SpanDetection:
    start: int
    end: int
    failure_mode: str
    severity: str
    excerpt: str
    found: int = 0
    graded: int = 0

    @property
    def rate(self) -> float | None:
        return self.found / self.graded if self.graded else None


@dataclass
class ItemStats:
    item: Item
    responses: int = 0  # final grades
    pending: int = 0  # answers not (yet) final: waiting, in review, failed
    facility: float | None = None
    discrimination: float | None = None
    point_biserial: float | None = None
    upper_n: int = 0
    lower_n: int = 0
    accept_rate: float | None = None  # reliance_decision: share of accepted AI outputs
    options: list[OptionCount] = field(default_factory=list)
    spans: list[SpanDetection] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def weak(self) -> bool:
        return bool(self.flags)


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)


def _groups(rows: list[tuple[int, float]], totals: dict[int, float]) -> tuple[set[int], set[int]]:
    """The attempt ids of the upper and lower 27% of ``rows`` (attempt, item score) by total."""
    ranked = sorted((a for a, _s in rows), key=lambda a: (totals[a], a))
    k = max(1, int(GROUP_SHARE * len(ranked) + 0.5))
    return set(ranked[-k:]), set(ranked[:k])


def _chosen(item: Item, answer: dict) -> list[str]:
    """The option ids an answer chose (the final answer of a reliance decision)."""
    if not isinstance(answer, dict):
        return []
    return unit_for(item.type).chosen(item.spec, answer)


def _options(item: Item) -> list[OptionCount]:
    key = item.key.answer if hasattr(item, "key") else {}
    return [OptionCount(id=option_id, text=text, is_key=is_key)
            for option_id, text, is_key in unit_for(item.type).analysis_options(item.spec, key)]


def _spans(item: Item) -> list[SpanDetection] | None:
    """The seeded error spans of the item's key; None for a type without spans."""
    text = ""
    if item.artifact is not None and isinstance(item.artifact.content, dict):
        text = item.artifact.content.get("text") or ""
    spans = unit_for(item.type).analysis_spans(item.key.answer if hasattr(item, "key") else {}, text)
    return None if spans is None else [SpanDetection(**span) for span in spans]


def version_items(*, version: CourseVersion) -> list[Item]:
    """The items of a version in course order, with their case, module, key and artifact (1 query)."""
    return list(
        Item.objects.filter(case__module__version=version)
        .select_related("case__module", "key", "artifact")
        .order_by("case__module__position", "case__position", "position")
    )


def version_item_analysis(*, version: CourseVersion) -> list[ItemStats]:
    """The statistics of every item of ``version`` (four queries)."""
    items = version_items(version=version)
    seeded = {item.pk: _spans(item) for item in items}
    stats = {item.pk: ItemStats(item=item, options=_options(item), spans=seeded[item.pk] or []) for item in items}
    rows = list(
        Grade.objects.filter(is_final=True, response__item__case__module__version=version)
        .values_list("response__attempt_id", "response__item_id", "score", "response__answer")
    )
    pending = dict(
        Response.objects.filter(item__case__module__version=version)
        .exclude(state=Response.State.GRADED).values("item_id").annotate(n=Count("id")).values_list("item_id", "n")
    )
    span_items = [item.pk for item in items if seeded[item.pk] is not None]
    detections = (
        Grade.objects.filter(is_final=True, response__item_id__in=span_items)
        .values_list("response__item_id", "detail__key_spans")
        if span_items else []
    )

    totals: dict[int, float] = defaultdict(float)
    per_item: dict[int, list[tuple[int, float]]] = defaultdict(list)
    answers: dict[int, dict[int, dict]] = defaultdict(dict)
    for attempt_id, item_id, score, answer in rows:
        totals[attempt_id] += score
        per_item[item_id].append((attempt_id, score))
        answers[item_id][attempt_id] = answer
    for item_id, key_spans in detections:
        spans = stats[item_id].spans
        by_place = {(s.start, s.end): s for s in spans}
        for detail in key_spans or []:
            span = by_place.get((detail.get("start"), detail.get("end")))
            if span is not None:
                span.graded += 1
                span.found += bool(detail.get("found"))

    for item in items:
        s = stats[item.pk]
        s.pending = pending.get(item.pk, 0)
        graded = per_item.get(item.pk, [])
        s.responses = len(graded)
        s.facility = _mean([score for _a, score in graded])
        upper, lower = _groups(graded, totals) if graded else (set(), set())
        if len(graded) >= MIN_RESPONSES:
            s.upper_n, s.lower_n = len(upper), len(lower)
            s.discrimination = _mean([sc for a, sc in graded if a in upper]) - _mean([sc for a, sc in graded if a in lower])
            s.point_biserial = _pearson([sc for _a, sc in graded], [totals[a] - sc for a, sc in graded])
        _count_options(item, s, answers.get(item.pk, {}), upper, lower)
        s.flags = _flags(s)
    return [stats[item.pk] for item in items]


def _count_options(item: Item, s: ItemStats, answers: dict[int, dict], upper: set[int], lower: set[int]) -> None:
    if not s.options:
        return
    unit = unit_for(item.type)
    by_id = {o.id: o for o in s.options}
    accepted = []
    for attempt_id, answer in answers.items():
        accepted.append(unit.accepted_ai(answer))
        for chosen in Counter(_chosen(item, answer)):
            option = by_id.get(chosen)
            if option is None:
                continue
            option.count += 1
            option.upper += attempt_id in upper
            option.lower += attempt_id in lower
    for option in s.options:
        option.share = option.count / len(answers) if answers else None
    if answers and None not in accepted:
        s.accept_rate = sum(accepted) / len(answers)


def _flags(s: ItemStats) -> list[str]:
    """Why an item looks weak, in sentences an author can act on."""
    if s.responses < MIN_RESPONSES:
        return []
    flags = []
    if s.facility is not None and s.facility < 0.2:
        flags.append(_("Very hard: the mean score is below 20%; check the key and the wording."))
    if s.facility is not None and s.facility > 0.95:
        flags.append(_("Very easy: almost everybody gets it right, so it hardly tells trainees apart."))
    if s.discrimination is not None:
        if s.discrimination < 0:
            flags.append(_("Stronger trainees do worse on this item than weaker ones; check the key."))
        elif s.discrimination < 0.2 and not (s.facility is not None and s.facility > 0.95):
            flags.append(_("It discriminates poorly between stronger and weaker trainees (D below 0.2)."))
    if unit_for(s.item.type).distractors:
        for option in s.options:
            if option.is_key:
                continue
            if option.count == 0 and s.responses >= 10:
                flags.append(_("Nobody chose option %(option)s; it does not work as a distractor.") % {"option": option.id})
            elif option.upper > option.lower and option.upper >= 2:
                flags.append(_("Option %(option)s attracts more strong trainees than weak ones; is it really wrong?") % {
                    "option": option.id,
                })
    for span in s.spans:
        if span.rate is not None and span.graded >= MIN_RESPONSES and span.rate < 0.2:
            flags.append(_("The error at characters %(start)s–%(end)s is found by fewer than one trainee in five.") % {
                "start": span.start, "end": span.end,
            })
    return flags
