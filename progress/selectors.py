"""Reads of the progress app: a trainee's own measures, summed from their counters.

Measures are always computed by ``progress.measures.all_measures`` from summed counters,
whichever page asks. This app sits below ``courses``: a course argument is typed as a
model, and nothing of ``courses`` is imported.
"""
from collections import defaultdict

from django.db.models import Model

from accounts.models import User

from .measures import all_measures
from .models import MeasureCounter


def trainee_measures(*, trainee: User, course: Model | None = None, held_back: dict[str, float] | None = None) -> dict:
    """The trainee's measures, over one course (a ``courses.Course``) or all, less the
    counters ``held_back`` (what grades whose feedback is not due yet added) (1 query)."""
    counters = MeasureCounter.objects.filter(trainee=trainee)
    if course is not None:
        counters = counters.filter(course=course)
    totals: dict[str, float] = defaultdict(float)
    for name, value in counters.values_list("name", "value"):
        totals[name] += value
    for name, value in (held_back or {}).items():
        totals[name] -= value
        if abs(totals[name]) < 1e-9:  # nothing left of it: as if never counted
            del totals[name]
    return all_measures(totals)


def trainees_measures(*, trainee_ids: list[int], course_ids: list[int]) -> dict[int, dict]:
    """all_measures of each listed trainee (1 query; for a page of trainees, not a cohort)."""
    per: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for tid, name, value in MeasureCounter.objects.filter(trainee_id__in=trainee_ids, course_id__in=course_ids).values_list(
            "trainee_id", "name", "value"):
        per[tid][name] += value
    return {tid: all_measures(per.get(tid, {})) for tid in trainee_ids}
