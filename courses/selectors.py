"""Reads of course content. Keyword-only; each costs a fixed number of queries."""
from django.db.models import Exists, OuterRef, Prefetch, Q

from .models import Artifact, Case, Competency, Course, CourseVersion, FailureMode, Item, Lesson, MediaAsset, Module


def version_media_urls(*, version_id: int) -> dict[str, str]:
    """The URLs of a version's media files by package path (``media/scan.png``), as the
    Markdown renderer and the image artifacts look them up (1 query)."""
    return {m.path: m.file.url for m in MediaAsset.objects.filter(version_id=version_id)}


def course_latest_published(*, course: Course) -> CourseVersion | None:
    """The version trainees take: the published one with the highest number."""
    return (
        CourseVersion.objects.filter(course=course, status=CourseVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def course_draft(*, course: Course) -> CourseVersion | None:
    return CourseVersion.objects.filter(course=course, status=CourseVersion.Status.DRAFT).first()


def course_latest_version(*, course: Course) -> CourseVersion | None:
    """The version with the highest number, whatever its status."""
    return CourseVersion.objects.filter(course=course).order_by("-number").first()


def version_tree(*, version: CourseVersion) -> list[Module]:
    """The modules of ``version`` in order, with everything beneath them prefetched.

    Eight queries whatever the size of the course: modules, lessons, cases, artifacts
    (and their failure modes), items with their keys (and their competencies and failure
    modes). Each item's ``artifact`` is the same object as the one in ``case.artifacts``.
    """
    items = (
        Item.objects.select_related("key")
        .prefetch_related("competencies", "failure_modes")
        .order_by("position")
    )
    cases = Case.objects.order_by("position").prefetch_related(
        Prefetch("artifacts", queryset=Artifact.objects.prefetch_related("failure_modes").order_by("position")),
        Prefetch("items", queryset=items),
    )
    modules = list(
        Module.objects.filter(version=version)
        .order_by("position")
        .prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.order_by("position")),
            Prefetch("cases", queryset=cases),
        )
    )
    for module in modules:
        for case in module.cases.all():
            by_id = {artifact.id: artifact for artifact in case.artifacts.all()}
            for item in case.items.all():
                if item.artifact_id in by_id:
                    item.artifact = by_id[item.artifact_id]  # no query per item
    return modules


def taxonomy_names() -> dict[str, dict[str, str]]:
    """Names of competencies and failure modes by code (2 queries)."""
    return {
        "competencies": dict(Competency.objects.values_list("code", "name")),
        "failure_modes": dict(FailureMode.objects.values_list("code", "name")),
    }


def assignable_courses(*, school_id: int) -> list[dict]:
    """The courses a school may give its cohorts: its own and the platform-wide ones, with a
    published version, by slug, each with the title of its latest published version (1 query)."""
    published = CourseVersion.objects.filter(course=OuterRef("pk"), status=CourseVersion.Status.PUBLISHED)
    rows = (Course.objects.filter(Q(school_id=school_id) | Q(school__isnull=True)).filter(Exists(published))
            .order_by("slug").values("pk", "slug"))
    titles = dict(CourseVersion.objects.filter(course__in=[r["pk"] for r in rows], status=CourseVersion.Status.PUBLISHED)
                  .order_by("course_id", "number").values_list("course_id", "title")) if rows else {}
    return [{"pk": r["pk"], "slug": r["slug"], "title": titles.get(r["pk"], r["slug"])} for r in rows]


def assignable_course(*, school_id: int, slug: str) -> Course | None:
    """One of ``assignable_courses`` by slug (1 query)."""
    published = CourseVersion.objects.filter(course=OuterRef("pk"), status=CourseVersion.Status.PUBLISHED)
    return (Course.objects.filter(Q(school_id=school_id) | Q(school__isnull=True)).filter(Exists(published))
            .filter(slug=slug).first())
