"""The cohort's measures over time: sums of the trend rows the grading task keeps
(``AnswerDay``, ``AnswerAfterModule``), never the grades themselves."""
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek

from courses.models import Course
from progress.measures import all_measures
from progress.models import (
    RELIANCE_TREND_COUNTERS, TREND_COUNTERS, AnswerAfterModule, AnswerDay, ModuleProgress, trend_column,
)
from schools.models import Cohort
from schools.selectors import cohort_trainee_ids


def _trend_sums(names=TREND_COUNTERS) -> dict:
    return {trend_column(n): Coalesce(Sum(trend_column(n)), Value(0.0)) for n in names}


def _counters_of(row: dict, names=TREND_COUNTERS) -> dict[str, float]:
    return {name: row[trend_column(name)] or 0.0 for name in names}


def cohort_measure_trend(*, cohort: Cohort, course_ids: list[int], period: str = "week",
                         trainee_id: int | None = None) -> list[dict]:
    """The measures per calendar week (or month) in which the trainees answered (1 query).

    A period's figures are those of the answers given in it (graded since), not a running
    total; they are read from a few rows per trainee and day, never from the grades.
    """
    trunc = TruncMonth if period == "month" else TruncWeek
    days = AnswerDay.objects.filter(course_id__in=course_ids)
    if trainee_id is not None:
        days = days.filter(trainee_id=trainee_id)
    else:
        days = days.filter(trainee_id__in=cohort_trainee_ids(cohort=cohort))
    rows = days.annotate(period=trunc("day")).values("period").annotate(**_trend_sums()).order_by("period")
    out = []
    for row in rows:
        counters = _counters_of(row)
        if all(abs(v) < 1e-9 for v in counters.values()):
            continue  # a day whose grades were all taken back by a regrade
        out.append({"period": row["period"], "counters": counters, "measures": all_measures(counters)})
    return out


def module_before_after(*, cohort: Cohort, course_ids: list[int], course: Course, module_slug: str) -> dict:
    """Decisions on AI outputs made before and after each trainee completed a module (4 queries).

    Only trainees who completed the module count (each is their own control); the module's
    own items are left out, since they are answered while taking it. "After" is kept when
    grading (``AnswerAfterModule``); "before" is the total in the other modules minus it,
    for the sums and, to count the trainees with decisions in each phase, per trainee.
    """
    completed = ModuleProgress.objects.filter(
        trainee_id__in=cohort_trainee_ids(cohort=cohort), course_id=course.pk, module_slug=module_slug,
        completed_at__isnull=False,
    ).values("trainee_id")
    total = AnswerDay.objects.filter(trainee_id__in=completed, course_id__in=course_ids).exclude(
        course_id=course.pk, module_slug=module_slug)
    after = AnswerAfterModule.objects.filter(
        trainee_id__in=completed, course_id__in=course_ids, module_course_id=course.pk, module_slug=module_slug)
    names = RELIANCE_TREND_COUNTERS
    total_sums = _counters_of(total.aggregate(**_trend_sums(names)), names)
    after_sums = _counters_of(after.aggregate(**_trend_sums(names)), names)
    decisions = Sum(F("rel_r_n") + F("rel_w_n"))
    total_n = dict(total.values_list("trainee_id").annotate(n=decisions).order_by())
    after_n = dict(after.values_list("trainee_id").annotate(n=decisions).order_by())
    before_sums = {name: total_sums[name] - after_sums[name] for name in names}
    return {
        "before": {"trainees": sum(1 for t, n in total_n.items() if n - after_n.get(t, 0) > 0.5),
                   "measures": all_measures(before_sums)},
        "after": {"trainees": sum(1 for n in after_n.values() if n > 0.5), "measures": all_measures(after_sums)},
    }
