"""The cohort dashboard: the cohort's assigned courses, completion of their modules, score
distributions and the trainees who need attention, and one trainee's progress."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q, Sum
from django.utils import timezone

from accounts.models import User
from courses.models import Course, CourseVersion, Item, Module
from progress.measures import mean_of, proportion
from progress.models import MeasureCounter, ModuleProgress
from schools.models import Assignment, Cohort
from schools.selectors import cohort_trainee_ids, cohort_trainees


SCORE_BINS = 10
STRUGGLING_SCORE = 0.5  # a mean score below this flags a trainee
STRUGGLING_BIAS = 0.5  # so does accepting at least half of the wrong AI outputs …
STRUGGLING_MIN_DECISIONS = 3  # … over at least this many wrong AI outputs


@dataclass
class CohortCourse:
    """A course assigned to a cohort, with the modules of its latest published version."""

    course: Course
    due_at: datetime | None
    version: CourseVersion | None
    modules: list[Module] = field(default_factory=list)
    retake_new_versions: bool = False

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
                     modules=modules.get(versions[a.course_id].pk, []) if a.course_id in versions else [],
                     retake_new_versions=a.retake_new_versions)
        for a in assignments
    ]


def cohort_course_ids(*, cohort: Cohort) -> list[int]:
    """The courses assigned to the cohort: the only ones any of its figures covers (1 query)."""
    return list(Assignment.objects.filter(cohort=cohort).order_by("course_id").values_list("course_id", flat=True))


def cohort_assigned_course(*, cohort: Cohort, slug: str) -> Course | None:
    """The course of that slug if it is assigned to the cohort, else None (1 query)."""
    assignment = Assignment.objects.filter(cohort=cohort, course__slug=slug).select_related("course").first()
    return assignment.course if assignment else None


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


def _bin(score: float) -> int:
    return min(int(score * SCORE_BINS), SCORE_BINS - 1)


def day_bounds(active_from: date | None, active_to: date | None) -> tuple[datetime | None, datetime | None]:
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
    start, end = day_bounds(active_from, active_to)
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
            "automation_bias": proportion(wrong_accepted, wrong_n), "mean_score_evidence": mean_of(score_sum, graded),
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
            # The same shares and mean with their evidence (k of n, 95% interval).
            "completed_evidence": proportion(completed, len(rows)),
            "in_progress_evidence": proportion(started - completed, len(rows)),
            "mean_score_evidence": mean_of(sum(r[1] for r in graded), sum(r[0] for r in graded)),
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
