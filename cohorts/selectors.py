"""Reads of the cohorts app: who may do what, and cohort progress and reliance.

Every function here issues a fixed number of queries whatever the cohort's size; the
tests pin those numbers.
"""
from collections import defaultdict
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from courses.models import Course, CourseVersion, Item, Module

from .measures import all_measures
from .models import Assignment, Cohort, Enrollment, MeasureCounter, Membership, ModuleProgress, Role


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


def user_is_school_admin(*, user: User, school_id: int) -> bool:
    return user.is_superuser or Membership.objects.filter(user=user, school_id=school_id, role=Role.ADMIN).exists()


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
