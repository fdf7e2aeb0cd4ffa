"""Reads of the cohorts app: who may do what, and cohort progress and reliance.

Every function here issues a fixed number of queries whatever the cohort's size; the
tests pin those numbers.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone

from accounts.models import User
from courses.models import Competency, Course, CourseVersion, FailureMode, Item, Module
from quizzes.models import Grade

from .audit_labels import action_label, detail_summary, role_label
from progress.measures import all_measures, ratio
from .models import Attestation, ExportJob
from progress.models import (
    RELIANCE_TREND_COUNTERS,
    TREND_COUNTERS,
    AnswerAfterModule,
    AnswerDay,
    MeasureCounter,
    ModuleProgress,
    trend_column,
)
from schools.models import Assignment, AuditEvent, Cohort, Enrollment, Membership, Role, School


def trainee_assignments(*, trainee: User) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            cohort__enrollments__user=trainee, cohort__enrollments__role=Enrollment.CohortRole.TRAINEE,
        )
        .select_related("course", "cohort")
        .order_by("due_at", "course__slug")
    )


def trainee_may_take_course(*, trainee: User, course: Course) -> bool:
    return trainee_assignments(trainee=trainee).filter(course=course).exists()


def trainee_due_date(*, trainee: User, course: Course) -> datetime | None:
    """The latest due date among the trainee's assignments of the course (None: no due date)."""
    dues = [a.due_at for a in trainee_assignments(trainee=trainee).filter(course=course)]
    if not dues or any(d is None for d in dues):
        return None
    return max(dues)


def staff_cohorts(*, user: User) -> QuerySet[Cohort]:
    """Cohorts whose trainees' work the user may see: school reviewers and admins see the
    school's cohorts, faculty the cohorts they teach, platform superusers all."""
    if user.is_superuser:
        return Cohort.objects.all()
    schools = Membership.objects.filter(user=user, role__in=[Role.REVIEWER, Role.ADMIN]).values("school_id")
    taught = Enrollment.objects.filter(user=user, role=Enrollment.CohortRole.FACULTY).values("cohort_id")
    return Cohort.objects.filter(Q(school_id__in=schools) | Q(pk__in=taught)).distinct()


def cohort_trainees(*, cohort: Cohort) -> QuerySet[User]:
    return User.objects.filter(
        enrollments__cohort=cohort, enrollments__role=Enrollment.CohortRole.TRAINEE,
    ).order_by("last_name", "first_name", "username")


def _latest_published_modules(course_ids: list[int]) -> dict[int, list[Module]]:
    """The modules of each course's latest published version, in order (2 queries)."""
    versions = {}
    for v in CourseVersion.objects.filter(course_id__in=course_ids, status=CourseVersion.Status.PUBLISHED).order_by("course_id", "-number"):
        versions.setdefault(v.course_id, v)
    modules: dict[int, list[Module]] = defaultdict(list)
    by_version = {v.pk: cid for cid, v in versions.items()}
    for m in Module.objects.filter(version_id__in=by_version).order_by("position"):
        modules[by_version[m.version_id]].append(m)
    return modules


def cohort_progress(*, cohort: Cohort) -> dict:
    """Completion of each assigned course's modules by each trainee, and module totals."""
    assignments = list(Assignment.objects.filter(cohort=cohort).select_related("course"))
    course_ids = [a.course_id for a in assignments]
    modules = _latest_published_modules(course_ids)
    items_per_module = dict(
        Item.objects.filter(case__module__in=[m for ms in modules.values() for m in ms])
        .values("case__module_id").annotate(n=Count("id")).values_list("case__module_id", "n")
    )
    trainees = list(cohort_trainees(cohort=cohort))
    progress = defaultdict(dict)
    for p in ModuleProgress.objects.filter(trainee__in=[t.pk for t in trainees], course_id__in=course_ids):
        progress[p.trainee_id][(p.course_id, p.module_slug)] = p
    courses = []
    for a in assignments:
        mods = []
        for m in modules.get(a.course_id, []):
            rows = [progress[t.pk].get((a.course_id, m.slug)) for t in trainees]
            done = [r for r in rows if r and r.completed_at]
            started = [r for r in rows if r]
            graded = [r for r in rows if r and r.items_graded]
            mods.append({
                "slug": m.slug, "title": m.title, "items": items_per_module.get(m.pk, 0),
                "trainees": len(trainees), "started": len(started), "completed": len(done),
                "mean_score": (sum(r.score_sum for r in graded) / sum(r.items_graded for r in graded)) if graded else None,
            })
        courses.append({"course": a.course.slug, "due_at": a.due_at, "modules": mods})
    per_trainee = [
        {
            "id": t.pk, "username": t.username, "name": t.display_name,
            "modules": [
                {"course": a.course.slug, "module": m.slug, **_progress_row(progress[t.pk].get((a.course_id, m.slug)))}
                for a in assignments for m in modules.get(a.course_id, [])
            ],
        }
        for t in trainees
    ]
    return {"cohort": {"id": cohort.pk, "name": cohort.name}, "courses": courses, "trainees": per_trainee}


def _progress_row(p: ModuleProgress | None) -> dict:
    if p is None:
        return {"status": "not_started", "items_graded": 0, "items_total": None, "mean_score": None}
    status = "completed" if p.completed_at else "in_progress"
    return {"status": status, "items_graded": p.items_graded, "items_total": p.items_total, "mean_score": p.mean_score}


def cohort_reliance(*, cohort: Cohort, course: Course | None = None) -> dict:
    """The measures of DESIGN.md for the cohort as a whole and for each trainee (3 queries)."""
    trainees = list(cohort_trainees(cohort=cohort))
    counters = MeasureCounter.objects.filter(trainee__in=[t.pk for t in trainees])
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


def trainee_measures(*, trainee: User, course: Course | None = None) -> dict:
    counters = MeasureCounter.objects.filter(trainee=trainee)
    if course is not None:
        counters = counters.filter(course=course)
    totals: dict[str, float] = defaultdict(float)
    for name, value in counters.values_list("name", "value"):
        totals[name] += value
    return all_measures(totals)


# ---------------------------------------------------------------- cohort pages (issue 5)
#
# The page selectors below aggregate in SQL (GROUP BY, filtered sums) and select trainees
# through a subquery rather than a list of ids, so a cohort of 10,000 trainees costs the
# same few queries as a cohort of 2, and moves rows, not model instances. Measures are
# always computed by progress.measures.all_measures from summed counters, as everywhere.





SCORE_BINS = 10
STRUGGLING_SCORE = 0.5  # a mean score below this flags a trainee
STRUGGLING_BIAS = 0.5  # so does accepting at least half of the wrong AI outputs …
STRUGGLING_MIN_DECISIONS = 3  # … over at least this many wrong AI outputs


def cohort_trainee_ids(*, cohort: Cohort) -> QuerySet:
    """The cohort's trainees as a subquery of user ids (never evaluated on its own)."""
    return Enrollment.objects.filter(cohort_id=cohort.pk, role=Enrollment.CohortRole.TRAINEE).values("user_id")


def staff_cohort_list(*, user: User) -> list[dict]:
    """The cohorts the user may see, with their school and number of trainees (1 query)."""
    cohorts = (
        staff_cohorts(user=user).select_related("school")
        .annotate(trainee_count=Count("enrollments", filter=Q(enrollments__role=Enrollment.CohortRole.TRAINEE),
                                      distinct=True))
        .order_by("school__name", "-year", "name")
    )
    return list(cohorts)


@dataclass
class CohortCourse:
    """A course assigned to a cohort, with the modules of its latest published version."""

    course: Course
    due_at: datetime | None
    version: CourseVersion | None
    modules: list[Module] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.version.title if self.version else self.course.slug


def cohort_courses(*, cohort: Cohort) -> list[CohortCourse]:
    """The cohort's assigned courses in slug order (3 queries)."""
    assignments = list(Assignment.objects.filter(cohort=cohort).select_related("course").order_by("course__slug"))
    course_ids = [a.course_id for a in assignments]
    versions: dict[int, CourseVersion] = {}
    for v in CourseVersion.objects.filter(course_id__in=course_ids, status=CourseVersion.Status.PUBLISHED).order_by(
            "course_id", "-number"):
        versions.setdefault(v.course_id, v)
    modules: dict[int, list[Module]] = defaultdict(list)
    for m in Module.objects.filter(version_id__in=[v.pk for v in versions.values()]).order_by("position"):
        modules[m.version_id].append(m)
    return [
        CohortCourse(course=a.course, due_at=a.due_at, version=versions.get(a.course_id),
                     modules=modules.get(versions[a.course_id].pk, []) if a.course_id in versions else [])
        for a in assignments
    ]


def _bin(score: float) -> int:
    return min(int(score * SCORE_BINS), SCORE_BINS - 1)


def _day_bounds(active_from: date | None, active_to: date | None) -> tuple[datetime | None, datetime | None]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(active_from, datetime.min.time(), tzinfo=tz) if active_from else None
    end = datetime.combine(active_to + timedelta(days=1), datetime.min.time(), tzinfo=tz) if active_to else None
    return start, end


def cohort_dashboard(
    *, cohort: Cohort, now: datetime, course_id: int | None = None, module_slug: str | None = None,
    active_from: date | None = None, active_to: date | None = None,
    score_threshold: float = STRUGGLING_SCORE, bias_threshold: float = STRUGGLING_BIAS,
    min_decisions: int = STRUGGLING_MIN_DECISIONS, courses: list[CohortCourse] | None = None,
) -> dict:
    """Completion by module, score distributions and the trainees who need attention (7 queries).

    Filters: one course, one module of it, and a date range on the trainee's last activity
    in the selected modules (trainees without activity drop out when a range is set).
    A trainee is *overdue* when a selected course's due date has passed and one of its
    selected modules is not completed; *struggling* when their mean score is below
    ``score_threshold`` or they accepted at least ``bias_threshold`` of at least
    ``min_decisions`` wrong AI outputs (automation bias, over the selected courses).
    ``courses`` saves 3 queries when the caller already has ``cohort_courses``.
    """
    courses = courses if courses is not None else cohort_courses(cohort=cohort)
    if course_id is not None:
        courses = [c for c in courses if c.course.pk == course_id]
    selected = [
        (c, m) for c in courses for m in c.modules if module_slug is None or m.slug == module_slug
    ]
    course_ids = sorted({c.course.pk for c, _m in selected} or {c.course.pk for c in courses})
    trainee_ids = cohort_trainee_ids(cohort=cohort)
    people = list(
        User.objects.filter(pk__in=trainee_ids).order_by("last_name", "first_name", "username")
        .values_list("id", "username", "first_name", "last_name", "training_year")
    )
    keys = [(c.course.pk, m.slug) for c, m in selected]
    progress_rows = ModuleProgress.objects.filter(
        trainee_id__in=trainee_ids, course_id__in=course_ids, module_slug__in={slug for _cid, slug in keys},
    )
    # Only ints, floats and a flag per (trainee, module): converting 10,000 timestamps costs
    # more than the query; the last activity comes aggregated per trainee below.
    progress: dict[int, dict[tuple[int, str], tuple]] = defaultdict(dict)
    for tid, cid, slug, graded, score_sum, done in progress_rows.annotate(
            done=ExpressionWrapper(Q(completed_at__isnull=False), output_field=BooleanField()),
    ).values_list("trainee_id", "course_id", "module_slug", "items_graded", "score_sum", "done"):
        progress[tid][(cid, slug)] = (graded, score_sum, done)
    last_seen = dict(progress_rows.values("trainee_id").annotate(last=Max("last_activity_at"))
                     .values_list("trainee_id", "last").order_by())
    bias = {
        row["trainee_id"]: (row["n"] or 0, row["accepted"] or 0)
        for row in MeasureCounter.objects.filter(
            trainee_id__in=trainee_ids, course_id__in=course_ids, name__in=["rel.W.n", "rel.W.accepted"],
        ).values("trainee_id").annotate(
            n=Sum("value", filter=Q(name="rel.W.n")), accepted=Sum("value", filter=Q(name="rel.W.accepted")),
        ).order_by()
    }
    start, end = _day_bounds(active_from, active_to)
    overdue_index = [i for i, (c, _m) in enumerate(selected) if c.due_at is not None and c.due_at < now]
    titles = [c.title for c, _m in selected]
    n_keys = len(keys)
    trainees = []
    for tid, username, first, last_name, year in people:
        rows = progress.get(tid)
        mine = [rows.get(k) for k in keys] if rows else [None] * n_keys
        last_activity = last_seen.get(tid)
        if (start or end) and (last_activity is None or (start and last_activity < start) or (end and last_activity >= end)):
            continue
        graded = score_sum = 0
        started = completed = 0
        for r in mine:
            if r:
                started += 1
                graded += r[0]
                score_sum += r[1]
                completed += r[2]
        wrong_n, wrong_accepted = bias.get(tid, (0, 0))
        bias_rate = wrong_accepted / wrong_n if wrong_n else None
        mean = score_sum / graded if graded else None
        overdue = sorted({titles[i] for i in overdue_index if not (mine[i] and mine[i][2])}) if overdue_index else []
        reasons = []
        if mean is not None and mean < score_threshold:
            reasons.append("score")
        if bias_rate is not None and wrong_n >= min_decisions and bias_rate >= bias_threshold:
            reasons.append("bias")
        status = "not_started" if not started else ("completed" if keys and completed == n_keys else "in_progress")
        trainees.append({
            "id": tid, "username": username, "name": f"{first} {last_name}".strip() or username,
            "training_year": year, "modules_total": n_keys, "modules_started": started,
            "modules_completed": completed, "items_graded": graded, "mean_score": mean,
            "last_activity": last_activity, "status": status, "overdue": overdue,
            "ai_wrong": int(wrong_n), "automation_bias_rate": bias_rate, "struggling": reasons,
            "_rows": mine,
        })
    modules = []
    for index, (c, m) in enumerate(selected):
        rows = [t["_rows"][index] for t in trainees]
        graded = [r for r in rows if r and r[0]]
        bins = [0] * SCORE_BINS
        for r in graded:
            bins[_bin(r[1] / r[0])] += 1
        started = sum(1 for r in rows if r)
        completed = sum(1 for r in rows if r and r[2])
        modules.append({
            "course_id": c.course.pk, "course_title": c.title, "slug": m.slug, "title": m.title,
            "trainees": len(rows), "not_started": len(rows) - started, "in_progress": started - completed,
            "completed": completed, "completed_share": completed / len(rows) if rows else None,
            "in_progress_share": (started - completed) / len(rows) if rows else None,
            "mean_score": (sum(r[1] for r in graded) / sum(r[0] for r in graded)) if graded else None,
            "score_bins": bins, "scored_trainees": len(graded),
        })
    overall_bins = [0] * SCORE_BINS
    for t in trainees:
        t.pop("_rows")
        if t["mean_score"] is not None:
            overall_bins[_bin(t["mean_score"])] += 1
    return {
        "courses": courses,
        "course_ids": course_ids,
        "modules": modules,
        "trainees": trainees,
        "score_bins": overall_bins,
        "counts": {
            "trainees": len(trainees),
            "not_started": sum(1 for t in trainees if t["status"] == "not_started"),
            "completed": sum(1 for t in trainees if t["status"] == "completed"),
            "overdue": sum(1 for t in trainees if t["overdue"]),
            "struggling": sum(1 for t in trainees if t["struggling"]),
        },
        "thresholds": {"score": score_threshold, "bias": bias_threshold, "min_decisions": min_decisions},
    }


DASHBOARD_SHOW = ("all", "not_started", "overdue", "struggling", "completed")
DASHBOARD_SORT = ("name", "score", "activity")


def dashboard_trainees_shown(trainees: list[dict], show: str) -> list[dict]:
    """The dashboard's trainees of one group (``DASHBOARD_SHOW``); everyone for "all"."""
    if show == "not_started":
        return [t for t in trainees if t["status"] == "not_started"]
    if show == "completed":
        return [t for t in trainees if t["status"] == "completed"]
    if show == "overdue":
        return [t for t in trainees if t["overdue"]]
    if show == "struggling":
        return [t for t in trainees if t["struggling"]]
    return trainees


def dashboard_trainees_sorted(trainees: list[dict], sort: str) -> list[dict]:
    """By name (as given), lowest mean score first (no score yet last), or longest inactive
    first (never active first)."""
    if sort == "score":
        return sorted(trainees, key=lambda t: (t["mean_score"] is None, t["mean_score"] or 0, t["name"]))
    if sort == "activity":
        return sorted(trainees, key=lambda t: (t["last_activity"] is not None, t["last_activity"] or 0, t["name"]))
    return trainees


def cohort_course_ids(*, cohort: Cohort, course: Course | None = None) -> list[int]:
    """The courses a cohort page covers: the one asked for, or every assigned course (1 query)."""
    if course is not None:
        return [course.pk]
    return list(Assignment.objects.filter(cohort=cohort).order_by("course_id").values_list("course_id", flat=True))


def cohort_reliance_overview(*, cohort: Cohort, course_ids: list[int]) -> dict:
    """The DESIGN.md measures of the cohort as a whole and by training year (2 queries).

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
RELIANCE_SORTS = ("automation_bias", "aversion", "mean_score", "brier", "name")


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


def sort_key_figures(rows: list[dict], *, sort: str) -> list[dict]:
    """Highest first for rates (undefined last); by name for ``name``."""
    if sort == "name" or sort not in RELIANCE_SORTS:
        return rows
    reverse = sort != "mean_score"  # the lowest scores first: those who need help

    def key(r):
        v = r[sort]
        return (v is None, -(v or 0) if reverse else (v or 0), r["name"])

    return sorted(rows, key=key)


def trainees_measures(*, trainee_ids: list[int], course_ids: list[int]) -> dict[int, dict]:
    """all_measures of each listed trainee (1 query; for a page of trainees, not a cohort)."""
    per: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for tid, name, value in MeasureCounter.objects.filter(trainee_id__in=trainee_ids, course_id__in=course_ids).values_list(
            "trainee_id", "name", "value"):
        per[tid][name] += value
    return {tid: all_measures(per.get(tid, {})) for tid in trainee_ids}


def taxonomy_names() -> dict[str, dict[str, str]]:
    """Names of competencies and failure modes by code (2 queries)."""
    return {
        "competencies": dict(Competency.objects.values_list("code", "name")),
        "failure_modes": dict(FailureMode.objects.values_list("code", "name")),
    }


# -- trends: sums of the trend rows the grading task keeps (AnswerDay, AnswerAfterModule)

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


# -- one trainee

def cohort_trainee(*, cohort: Cohort, trainee_id: int) -> User | None:
    """The trainee if enrolled in the cohort as a trainee (1 query)."""
    return User.objects.filter(
        pk=trainee_id, enrollments__cohort=cohort, enrollments__role=Enrollment.CohortRole.TRAINEE,
    ).first()


def trainee_course_progress(*, trainee: User, courses: list[CohortCourse]) -> list[dict]:
    """The trainee's progress in each module of the given courses (1 query)."""
    rows = {
        (p.course_id, p.module_slug): p
        for p in ModuleProgress.objects.filter(trainee=trainee, course_id__in=[c.course.pk for c in courses])
    }
    out = []
    for c in courses:
        modules = []
        for m in c.modules:
            p = rows.get((c.course.pk, m.slug))
            modules.append({"slug": m.slug, "title": m.title, "progress": p,
                            "status": "not_started" if p is None else ("completed" if p.completed_at else "in_progress"),
                            "share": (min(p.items_graded / p.items_total, 1.0) if p and p.items_total else 0.0)})
        out.append({"course": c, "modules": modules,
                    "completed": sum(1 for m in modules if m["status"] == "completed")})
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


# -- exports and attestations

def staff_export_jobs(*, user: User, cohort: Cohort, limit: int = 20) -> list[ExportJob]:
    """The user's own export jobs of the cohort, newest first (1 query)."""
    return list(ExportJob.objects.filter(cohort=cohort, requested_by=user).select_related("course")[:limit])


def course_completions(*, cohort: Cohort, course: CohortCourse) -> list[dict]:
    """Trainees of the cohort who completed every module of the course's latest published
    version, with their completion date and mean score over the course (2 queries)."""
    slugs = [m.slug for m in course.modules]
    if not slugs:
        return []
    trainee_ids = cohort_trainee_ids(cohort=cohort)
    done = (
        ModuleProgress.objects.filter(trainee_id__in=trainee_ids, course_id=course.course.pk, module_slug__in=slugs)
        .values("trainee_id")
        .annotate(
            completed=Count("id", filter=Q(completed_at__isnull=False)), last=Max("completed_at"),
            graded=Sum("items_graded"), score=Sum("score_sum"),
        )
        .filter(completed=len(slugs))
        .order_by()
    )
    rows = {r["trainee_id"]: r for r in done}
    people = User.objects.filter(pk__in=list(rows)).order_by("last_name", "first_name", "username")
    return [
        {"trainee": u, "completed_at": rows[u.pk]["last"],
         "score": ratio(rows[u.pk]["score"], rows[u.pk]["graded"])}
        for u in people
    ]


def cohort_attestations(*, cohort: Cohort) -> list[Attestation]:
    return list(Attestation.objects.filter(cohort=cohort).select_related("trainee").order_by(
        "course_title", "trainee__last_name", "trainee__first_name", "trainee__username"))


def cohort_attestations_with_courses(*, cohort: Cohort) -> list[Attestation]:
    """``cohort_attestations`` with each attestation's course loaded too (2 queries)."""
    attestations = cohort_attestations(cohort=cohort)
    prefetch_related_objects(attestations, "course")
    return attestations


def holder_attestations(*, trainee: User) -> list[Attestation]:
    """The trainee's own attestations in every school, newest first (1 query)."""
    return list(Attestation.objects.filter(trainee=trainee).select_related("course", "school"))


def attestation_by_code(*, code: str) -> Attestation | None:
    from .attestations import normalise_code

    normalised = normalise_code(code)
    if not normalised:
        return None
    return Attestation.objects.filter(code=normalised).first()


def cohort_training_record(*, cohort: Cohort) -> list[dict]:
    """One row per trainee and assigned course: status, completion date, score, hours and
    attestation, for the institution's AI Act file (6 queries)."""
    courses = cohort_courses(cohort=cohort)
    trainee_ids = cohort_trainee_ids(cohort=cohort)
    people = list(User.objects.filter(pk__in=trainee_ids).order_by("last_name", "first_name", "username")
                  .values_list("id", "username", "first_name", "last_name"))
    progress: dict[tuple[int, int, str], tuple] = {}
    for tid, cid, slug, done, graded, score in ModuleProgress.objects.filter(
            trainee_id__in=trainee_ids, course_id__in=[c.course.pk for c in courses]).values_list(
            "trainee_id", "course_id", "module_slug", "completed_at", "items_graded", "score_sum"):
        progress[(tid, cid, slug)] = (done, graded, score)
    attestations = {
        (a.trainee_id, a.version_id): a
        for a in Attestation.objects.filter(trainee_id__in=trainee_ids,
                                            version_id__in=[c.version.pk for c in courses if c.version])
    }
    rows = []
    for tid, username, first, last_name in people:
        for c in courses:
            mine = [progress.get((tid, c.course.pk, m.slug)) for m in c.modules]
            completed = sum(1 for p in mine if p and p[0])
            graded = sum(p[1] for p in mine if p)
            status = ("completed" if c.modules and completed == len(c.modules)
                      else "in_progress" if any(mine) else "not_started")
            attestation = attestations.get((tid, c.version.pk)) if c.version else None
            rows.append({
                "trainee_id": tid, "name": f"{first} {last_name}".strip() or username, "username": username,
                "course_title": c.title, "course_slug": c.course.slug,
                "version": c.version.number if c.version else None, "status": status,
                "modules_completed": completed, "modules_total": len(c.modules),
                "completed_at": max(p[0] for p in mine if p and p[0]) if status == "completed" else None,
                "score": ratio(sum(p[2] for p in mine if p), graded),
                "hours": c.version.hours if c.version else 0,
                "attestation_code": attestation.code if attestation else None,
                "attestation_revoked": bool(attestation and attestation.revoked_at),
            })
    return rows


def trainee_attestations(*, trainee: User, school_id: int) -> list[Attestation]:
    return list(Attestation.objects.filter(trainee=trainee, school_id=school_id))


def course_completion_counts(*, cohort: Cohort, course: CohortCourse) -> dict[str, int]:
    """How many trainees of the cohort completed the course's latest published version, and
    how many of them have no attestation for it yet (2 queries, counted in SQL)."""
    slugs = [m.slug for m in course.modules]
    if not slugs or course.version is None:
        return {"completed": 0, "waiting": 0}
    done = (
        ModuleProgress.objects.filter(trainee_id__in=cohort_trainee_ids(cohort=cohort), course_id=course.course.pk,
                                      module_slug__in=slugs, completed_at__isnull=False)
        .values("trainee_id").annotate(n=Count("id")).filter(n=len(slugs)).values("trainee_id")
    )
    return {
        "completed": done.count(),
        "waiting": User.objects.filter(pk__in=done).exclude(attestations__version=course.version).count(),
    }


# -- the school's audit log (school admins only)

def school_cohort_list(*, school: School) -> list[Cohort]:
    """The school's cohorts, latest year first (1 query)."""
    return list(Cohort.objects.filter(school=school).order_by("-year", "name"))


def school_staff(*, school: School) -> list[User]:
    """Faculty, reviewers and admins of the school, and faculty teaching one of its cohorts,
    by name (1 query)."""
    return list(
        User.objects.filter(
            Q(pk__in=Membership.objects.filter(
                school=school, role__in=[Role.FACULTY, Role.REVIEWER, Role.ADMIN]).values("user_id"))
            | Q(pk__in=Enrollment.objects.filter(
                cohort__school=school, role=Enrollment.CohortRole.FACULTY).values("user_id"))
        ).order_by("last_name", "first_name", "username")
    )


def school_audit_person(*, school: School, username: str) -> User | None:
    """The user of that username (any case; the exact spelling wins) if they belong to the
    school (a membership, an enrolment in one of its cohorts) or appear in its audit log;
    None otherwise, so a filter tells nothing of other schools' people (1 query)."""
    events = AuditEvent.objects.filter(school=school)
    candidates = list(
        User.objects.filter(username__iexact=username).filter(
            Exists(Membership.objects.filter(school=school, user=OuterRef("pk")))
            | Exists(Enrollment.objects.filter(cohort__school=school, user=OuterRef("pk")))
            | Exists(events.filter(subject=OuterRef("pk")))
            | Exists(events.filter(actor=OuterRef("pk")))
        ).order_by("username")[:5]
    )
    return next((u for u in candidates if u.username == username), candidates[0] if candidates else None)


def school_audit_events(
    *, school: School, subject: User | None = None, actor: User | None = None, action: str | None = None,
    cohort: Cohort | None = None, date_from: date | None = None, date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The school's audit events, newest first, narrowed by the filters (dates are days of the
    site's time zone, both ends included). Lazy, with the actor, trainee and cohort joined:
    a page of events is one query whatever its length (index ``audit_event_school_at``)."""
    events = AuditEvent.objects.filter(school=school)
    if subject is not None:
        events = events.filter(subject=subject)
    if actor is not None:
        events = events.filter(actor=actor)
    if action:
        events = events.filter(action=action)
    if cohort is not None:
        events = events.filter(cohort=cohort)
    start, end = _day_bounds(date_from, date_to)
    if start:
        events = events.filter(at__gte=start)
    if end:
        events = events.filter(at__lt=end)
    return events.select_related("actor", "subject", "cohort").order_by("-at", "-id")


def _person(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.display_name}


def audit_event_rows(*, school: School, events: list[AuditEvent]) -> list[dict]:
    """The events (from ``school_audit_events``) as a person reads them: when, who with their
    current role in the school, what, about which trainee, in which cohort, a short detail,
    and the trainee's drill-down when it still exists (3 queries, whatever the number)."""
    actor_ids = {e.actor_id for e in events if e.actor_id}
    roles: dict[int, set[str]] = defaultdict(set)
    for user_id, role in Membership.objects.filter(school=school, user_id__in=actor_ids).values_list("user_id", "role"):
        roles[user_id].add(role)
    for user_id in Enrollment.objects.filter(cohort__school=school, user_id__in=actor_ids,
                                             role=Enrollment.CohortRole.FACULTY).values_list("user_id", flat=True):
        roles[user_id].add(Role.FACULTY)
    enrolled = set(Enrollment.objects.filter(
        cohort__school=school, role=Enrollment.CohortRole.TRAINEE,
        cohort_id__in={e.cohort_id for e in events if e.cohort_id and e.subject_id},
        user_id__in={e.subject_id for e in events if e.cohort_id and e.subject_id},
    ).values_list("cohort_id", "user_id"))
    rows = []
    for e in events:
        actor = _person(e.actor)
        if actor is not None:
            actor["role"] = role_label(roles.get(e.actor_id, ()), superuser=e.actor.is_superuser)
        rows.append({
            "id": e.pk, "at": e.at, "action": e.action, "action_label": action_label(e.action),
            "actor": actor, "subject": _person(e.subject),
            "cohort": {"id": e.cohort.pk, "name": e.cohort.name} if e.cohort else None,
            "detail": e.detail, "summary": detail_summary(e.detail),
            "drill_down": (e.cohort_id, e.subject_id) if (e.cohort_id, e.subject_id) in enrolled else None,
        })
    return rows


def trainee_course_school_id(*, trainee_id: int, course: Course) -> int | None:
    """The school an answer to this course belongs to: the course's own school, else the
    school of a cohort that has the trainee and is assigned the course (1 query at most)."""
    if course.school_id is not None:
        return course.school_id
    return (
        Enrollment.objects.filter(user_id=trainee_id, role=Enrollment.CohortRole.TRAINEE,
                                  cohort__assignments__course=course)
        .order_by("cohort_id").values_list("cohort__school_id", flat=True).first()
    )
