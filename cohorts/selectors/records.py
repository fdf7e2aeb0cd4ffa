"""The school's records of its cohorts: export jobs, course completions, the training
record for the institution's AI Act file, and attestations."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone

from django.db import connection
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from courses.models import Case, CourseVersion, Item, Module
from progress.measures import ratio
from progress.models import ModuleProgress
from quizzes.models import Attempt, Grade, Response
from schools.models import Cohort
from schools.selectors import cohort_trainee_ids

from ..models import Attestation, ExportJob
from .dashboard import CohortCourse, cohort_courses


def staff_export_jobs(*, user: User, cohort: Cohort, limit: int = 20) -> list[ExportJob]:
    """The user's own export jobs of the cohort, newest first (1 query)."""
    return list(ExportJob.objects.filter(cohort=cohort, requested_by=user).select_related("course")[:limit])


@dataclass(frozen=True)
class Completion:
    """A trainee completed one course version: every item of every module of that version has
    a final grade of an answer the trainee gave in an attempt on that version. ``completed_at``
    is when the last of those items was first answered (the submission of the answer, which a
    regrade never moves); ``score`` the mean over the version's items of the trainee's latest
    graded answer to each."""

    trainee_id: int
    version: CourseVersion
    completed_at: datetime
    score: float | None
    modules: int


def _aware(value) -> datetime:
    """A datetime read by raw SQL: SQLite gives text in UTC, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, dt_timezone.utc) if timezone.is_naive(value) else value


def version_completions(*, trainee_ids, course_ids: list[int]) -> dict[tuple[int, int], list[Completion]]:
    """Every completion of the trainees (ids or a subquery of ids) in the courses' published
    versions, keyed (trainee, course), the newest version first (2 queries, counted in SQL:
    no walk over the answers in Python)."""
    if not course_ids:
        return {}
    if isinstance(trainee_ids, QuerySet):
        sub_sql, sub_params = trainee_ids.query.sql_with_params()
    else:
        ids = list(trainee_ids) or [0]
        sub_sql, sub_params = ", ".join(["%s"] * len(ids)), ids
    courses = ", ".join(["%s"] * len(course_ids))
    t = {name: model._meta.db_table for name, model in (
        ("response", Response), ("attempt", Attempt), ("grade", Grade), ("module", Module),
        ("version", CourseVersion), ("item", Item), ("case", Case))}
    draft = CourseVersion.Status.DRAFT  # published, or withdrawn since: a completion stays a fact
    sql = f"""
        WITH answers AS (
            SELECT a.trainee_id, m.version_id, r.item_id, r.submitted_at, g.score,
                   ROW_NUMBER() OVER (PARTITION BY a.trainee_id, m.version_id, r.item_id
                                      ORDER BY r.submitted_at DESC, r.id DESC) AS latest
            FROM {t["response"]} r
            JOIN {t["attempt"]} a ON a.id = r.attempt_id
            JOIN {t["module"]} m ON m.id = a.module_id
            JOIN {t["version"]} v ON v.id = m.version_id
            JOIN {t["grade"]} g ON g.response_id = r.id
            WHERE r.state = %s AND g.is_final = %s AND v.status <> %s AND v.course_id IN ({courses})
              AND a.trainee_id IN ({sub_sql})
        ), per_item AS (
            SELECT trainee_id, version_id, item_id, MIN(submitted_at) AS first_at,
                   MAX(CASE WHEN latest = 1 THEN score END) AS score
            FROM answers
            GROUP BY trainee_id, version_id, item_id
        ), totals AS (
            SELECT m.version_id, COUNT(i.id) AS items, COUNT(DISTINCT m.id) AS modules
            FROM {t["item"]} i
            JOIN {t["case"]} c ON c.id = i.case_id
            JOIN {t["module"]} m ON m.id = c.module_id
            JOIN {t["version"]} v ON v.id = m.version_id
            WHERE v.status <> %s AND v.course_id IN ({courses})
            GROUP BY m.version_id
        )
        SELECT p.trainee_id, p.version_id, MAX(p.first_at), AVG(p.score), t.modules
        FROM per_item p JOIN totals t ON t.version_id = p.version_id
        GROUP BY p.trainee_id, p.version_id, t.items, t.modules
        HAVING COUNT(*) = t.items
    """
    # Portable SQL (PostgreSQL and the embedded SQLite): a window function picks each item's
    # latest graded answer.
    params = [Response.State.GRADED, True, draft, *course_ids, *sub_params, draft, *course_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return {}
    versions = CourseVersion.objects.in_bulk({r[1] for r in rows})
    out: dict[tuple[int, int], list[Completion]] = defaultdict(list)
    for trainee_id, version_id, completed_at, score, modules in rows:
        completed_at = _aware(completed_at)
        v = versions[version_id]
        out[(trainee_id, v.course_id)].append(
            Completion(trainee_id=trainee_id, version=v, completed_at=completed_at, score=score, modules=modules))
    for completions in out.values():
        completions.sort(key=lambda c: -c.version.number)
    return dict(out)


def assignment_completion(course: CohortCourse, completions: list[Completion]) -> tuple[Completion | None, bool]:
    """The completion that counts for the assignment, and whether the trainee is due for the
    latest published version: with ``retake_new_versions`` an older completion stays valid
    for its version but the trainee must take the new one; without it any completion counts."""
    if not completions:
        return None, False
    latest = completions[0]
    if course.version is None or latest.version.pk == course.version.pk:
        return latest, False
    return latest, course.retake_new_versions


def course_completions(*, cohort: Cohort, course: CohortCourse) -> list[dict]:
    """Each completion of the course by a trainee of the cohort, one per (trainee, version),
    with the trainee's own completion date and score in that version (3 queries)."""
    found = version_completions(trainee_ids=cohort_trainee_ids(cohort=cohort), course_ids=[course.course.pk])
    people = User.objects.in_bulk([tid for tid, _course in found])
    rows = [
        {"trainee": people[c.trainee_id], "version": c.version, "completed_at": c.completed_at, "score": c.score}
        for completions in found.values() for c in completions
    ]
    return sorted(rows, key=lambda r: (-r["version"].number, r["trainee"].last_name, r["trainee"].first_name,
                                       r["trainee"].username))


def course_completion_counts(*, cohort: Cohort, course: CohortCourse) -> list[dict]:
    """Per published version of the course the trainees of the cohort completed (the latest
    published one always listed): how many completed it and how many of them have no valid
    attestation for it yet (3 queries)."""
    found = version_completions(trainee_ids=cohort_trainee_ids(cohort=cohort), course_ids=[course.course.pk])
    by_version: dict[int, list[int]] = defaultdict(list)
    versions = {course.version.pk: course.version} if course.version else {}
    for completions in found.values():
        for c in completions:
            by_version[c.version.pk].append(c.trainee_id)
            versions.setdefault(c.version.pk, c.version)
    attested = set(Attestation.objects.filter(
        version_id__in=list(by_version), trainee_id__in=[t for ts in by_version.values() for t in ts],
        revoked_at__isnull=True).values_list("trainee_id", "version_id")) if by_version else set()
    return [
        {"version": v, "completed": len(by_version[v.pk]),
         "waiting": sum(1 for t in by_version[v.pk] if (t, v.pk) not in attested)}
        for v in sorted(versions.values(), key=lambda v: -v.number)
    ]


def cohort_attestations(*, cohort: Cohort) -> list[Attestation]:
    """The cohort's attestations, revoked ones included (the history: a re-issued attestation
    follows the one it replaces), 1 query."""
    return list(Attestation.objects.filter(cohort=cohort).select_related("trainee", "replaces").order_by(
        "course_title", "trainee__last_name", "trainee__first_name", "trainee__username", "-version_number",
        "issued_at", "id"))


def cohort_attestations_with_courses(*, cohort: Cohort) -> list[Attestation]:
    """``cohort_attestations`` with each attestation's course loaded too (2 queries)."""
    attestations = cohort_attestations(cohort=cohort)
    prefetch_related_objects(attestations, "course")
    return attestations


def holder_attestations(*, trainee: User) -> list[Attestation]:
    """The trainee's own attestations in every school, newest first (1 query)."""
    return list(Attestation.objects.filter(trainee=trainee).select_related("course", "school", "replaces"))


def trainee_attestations(*, trainee: User, school_id: int) -> list[Attestation]:
    return list(Attestation.objects.filter(trainee=trainee, school_id=school_id))


def attestation_by_code(*, code: str) -> Attestation | None:
    from ..attestations import normalise_code

    normalised = normalise_code(code)
    if not normalised:
        return None
    return Attestation.objects.filter(code=normalised).first()


def cohort_training_record(*, cohort: Cohort) -> list[dict]:
    """One row per trainee and assigned course: the version the trainee completed (or is
    taking), status, the trainee's own completion date, score, hours and attestation, for the
    institution's AI Act file (8 queries). Status ``due``: the trainee completed an older
    version, which stays valid, and the assignment asks for the new one to be retaken."""
    courses = cohort_courses(cohort=cohort)
    trainee_ids = cohort_trainee_ids(cohort=cohort)
    people = list(User.objects.filter(pk__in=trainee_ids).order_by("last_name", "first_name", "username")
                  .values_list("id", "username", "first_name", "last_name"))
    progress: dict[tuple[int, int, str], tuple] = {}
    for tid, cid, slug, done, graded, score in ModuleProgress.objects.filter(
            trainee_id__in=trainee_ids, course_id__in=[c.course.pk for c in courses]).values_list(
            "trainee_id", "course_id", "module_slug", "completed_at", "items_graded", "score_sum"):
        progress[(tid, cid, slug)] = (done, graded, score)
    completions = version_completions(trainee_ids=trainee_ids, course_ids=[c.course.pk for c in courses])
    attestations: dict[tuple[int, int], Attestation] = {}
    for a in Attestation.objects.filter(
            trainee_id__in=trainee_ids, course_id__in=[c.course.pk for c in courses]).order_by("issued_at", "id"):
        key = (a.trainee_id, a.version_id)
        if key not in attestations or attestations[key].revoked_at is not None:
            attestations[key] = a  # the valid one, else the latest revoked
    rows = []
    for tid, username, first, last_name in people:
        for c in courses:
            done, due = assignment_completion(c, completions.get((tid, c.course.pk), []))
            mine = [progress.get((tid, c.course.pk, m.slug)) for m in c.modules]
            graded = sum(p[1] for p in mine if p)
            if done is not None:
                status = "due" if due else "completed"
                version, completed, total = done.version, done.modules, done.modules
                score = done.score
            else:
                status = "in_progress" if any(mine) else "not_started"
                version, total = c.version, len(c.modules)
                completed = sum(1 for p in mine if p and p[0])
                score = ratio(sum(p[2] for p in mine if p), graded)
            attestation = attestations.get((tid, done.version.pk)) if done else None
            rows.append({
                "trainee_id": tid, "name": f"{first} {last_name}".strip() or username, "username": username,
                "course_title": version.title if version else c.title, "course_slug": c.course.slug,
                "version": version.number if version else None, "status": status,
                "due_version": c.version.number if due else None,
                "modules_completed": completed, "modules_total": total,
                "completed_at": done.completed_at if done else None,
                "score": score,
                "hours": version.hours if version else 0,
                "attestation_code": attestation.code if attestation else None,
                "attestation_revoked": bool(attestation and attestation.revoked_at),
            })
    return rows
