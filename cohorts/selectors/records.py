"""The school's records of its cohorts: export jobs, course completions, the training
record for the institution's AI Act file, and attestations."""
from django.db.models import Count, Max, Q, Sum, prefetch_related_objects

from accounts.models import User
from progress.measures import ratio
from progress.models import ModuleProgress
from schools.models import Cohort
from schools.selectors import cohort_trainee_ids

from ..models import Attestation, ExportJob
from .dashboard import CohortCourse, cohort_courses


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


def trainee_attestations(*, trainee: User, school_id: int) -> list[Attestation]:
    return list(Attestation.objects.filter(trainee=trainee, school_id=school_id))


def attestation_by_code(*, code: str) -> Attestation | None:
    from ..attestations import normalise_code

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
