"""The cohort's measures now: as a whole, by training year, per trainee, and the AI
outputs that fooled one trainee."""
from collections import defaultdict

from django.db.models import Count, Q, Sum

from accounts.models import User
from courses.models import Course
from progress.measures import all_measures, ratio
from progress.models import MeasureCounter
from quizzes.models import Grade
from schools.models import Assignment, Cohort
from schools.selectors import cohort_trainee_ids, cohort_trainees


def cohort_reliance(*, cohort: Cohort, course: Course | None = None) -> dict:
    """The measures of docs/measures.md for the cohort as a whole and for each trainee, over the
    courses assigned to the cohort or the one of them given (2 queries): what its trainees
    did in any other course, another school's included, is not the cohort's."""
    trainees = list(cohort_trainees(cohort=cohort))
    counters = MeasureCounter.objects.filter(
        trainee__in=[t.pk for t in trainees],
        course_id__in=Assignment.objects.filter(cohort=cohort).values("course_id"),
    )
    if course is not None:
        counters = counters.filter(course=course)
    per_trainee: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    totals: dict[str, float] = defaultdict(float)
    for trainee_id, name, value in counters.values_list("trainee_id", "name", "value"):
        per_trainee[trainee_id][name] += value
        totals[name] += value
    return {
        "cohort": {"id": cohort.pk, "name": cohort.name, "trainees": len(trainees), "measures": all_measures(totals)},
        "trainees": [
            {"id": t.pk, "username": t.username, "name": t.display_name, "training_year": t.training_year,
             "measures": all_measures(per_trainee.get(t.pk, {}))}
            for t in trainees
        ],
    }


def cohort_reliance_overview(*, cohort: Cohort, course_ids: list[int]) -> dict:
    """The measures of docs/measures.md of the cohort as a whole and by training year (2 queries).

    One GROUP BY (training year, counter name) gives both: the cohort's counters are the
    sum over the years, so the two views always agree.
    """
    trainee_ids = cohort_trainee_ids(cohort=cohort)
    by_year: dict[int | None, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    totals: dict[str, float] = defaultdict(float)
    for year, name, value in (
        MeasureCounter.objects.filter(trainee_id__in=trainee_ids, course_id__in=course_ids)
        .values_list("trainee__training_year", "name").annotate(total=Sum("value")).order_by()
    ):
        by_year[year][name] += value
        totals[name] += value
    headcount = dict(
        User.objects.filter(pk__in=trainee_ids).values_list("training_year").annotate(n=Count("id")).order_by()
    )
    years = sorted(set(headcount) | set(by_year), key=lambda y: (y is None, y or 0))
    return {
        "trainees": sum(headcount.values()),
        "measures": all_measures(totals),
        "by_year": [
            {"year": y, "trainees": headcount.get(y, 0), "measures": all_measures(by_year.get(y, {}))} for y in years
        ],
    }


_KEY_FIGURES = ("rel.W.n", "rel.W.accepted", "rel.R.n", "rel.R.accepted", "items.n", "items.score",
                "conf.n", "conf.brier")


def cohort_trainee_key_figures(*, cohort: Cohort, course_ids: list[int]) -> list[dict]:
    """For every trainee, the few figures a list is sorted and binned by (2 queries):
    decisions, automation bias, aversion, Brier score and mean score."""
    trainee_ids = cohort_trainee_ids(cohort=cohort)
    sums = {
        row["trainee_id"]: row
        for row in MeasureCounter.objects.filter(trainee_id__in=trainee_ids, course_id__in=course_ids,
                                                 name__in=_KEY_FIGURES)
        .values("trainee_id").annotate(**{
            name.replace(".", "_"): Sum("value", filter=Q(name=name)) for name in _KEY_FIGURES
        }).order_by()
    }
    out = []
    for tid, username, first, last_name, year in (
        User.objects.filter(pk__in=trainee_ids).order_by("last_name", "first_name", "username")
        .values_list("id", "username", "first_name", "last_name", "training_year")
    ):
        s = sums.get(tid, {})
        g = lambda name: s.get(name.replace(".", "_")) or 0  # noqa: E731
        out.append({
            "id": tid, "username": username, "name": f"{first} {last_name}".strip() or username, "training_year": year,
            "decisions": int(g("rel.W.n") + g("rel.R.n")), "ai_wrong": int(g("rel.W.n")),
            "automation_bias": ratio(g("rel.W.accepted"), g("rel.W.n")),
            "aversion": ratio(g("rel.R.n") - g("rel.R.accepted"), g("rel.R.n")),
            "brier": ratio(g("conf.brier"), g("conf.n")),
            "mean_score": ratio(g("items.score"), g("items.n")),
            "items_graded": int(g("items.n")),
        })
    return out


def trainee_fooled_decisions(*, trainee: User, course_ids: list[int], limit: int = 50) -> list[Grade]:
    """The trainee's latest accepted wrong AI outputs: the cases where the AI fooled them (1 query)."""
    return list(
        Grade.objects.filter(
            is_final=True, response__attempt__trainee=trainee, response__attempt__course_id__in=course_ids,
            response__item__type="reliance_decision", response__item__artifact__ai_correct=False,
            detail__decision="accept",
        )
        .select_related("response__item__case__module", "response__attempt")
        .order_by("-graded_at")[:limit]
    )
