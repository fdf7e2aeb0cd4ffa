"""Reads of the AI tool register: the tools, the training suggested for one, and the coverage
of the school's tools (who of their users completed the required training, who is overdue,
and their cohorts' reliance on the cases that show the tools' failure modes).

Each read costs a fixed number of queries whatever the number of tools, users and answers.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cohorts.models import Attestation
from cohorts.selectors.records import version_completions
from courses.models import Artifact, CourseVersion, Item, Module
from progress.measures import proportion
from progress.models import MeasureCounter, ModuleProgress
from quizzes.models import Grade
from schools.models import Assignment, Enrollment, Membership, School

from .models import Tool, ToolCategory

SUGGESTIONS = 5


def school_tools(*, school: School) -> QuerySet[Tool]:
    """The school's tools by name with everything a list shows (5 queries when read)."""
    return (Tool.objects.filter(school=school).select_related("category", "school")
            .prefetch_related("failure_modes", "cohorts", "training__course"))


def school_tool(*, school: School, tool_id: int) -> Tool | None:
    return school_tools(school=school).filter(pk=tool_id).first()


def categories() -> list[ToolCategory]:
    return list(ToolCategory.objects.all())


# ---------------------------------------------------------------- suggested training

@dataclass
class Suggestion:
    module: Module
    course_slug: str
    cases: int  # cases of the module that show the category's kind of output or a failure mode
    failure_modes: list[str]
    kinds: list[str]

    @property
    def reference(self) -> str:
        return f"{self.course_slug}/{self.module.slug}"


def training_suggestions(*, tool: Tool, course_ids: list[int]) -> list[Suggestion]:
    """The modules of the latest published versions of ``course_ids`` whose cases show the tool's
    failure modes or the kinds of AI output of its category, the most cases first (4 queries)."""
    codes = {fm.code for fm in tool.failure_modes.all()}
    kinds = set(tool.category.artifact_kinds or [])
    latest: dict[int, int] = {}
    for course_id, version_id in CourseVersion.objects.filter(
            course_id__in=course_ids, status=CourseVersion.Status.PUBLISHED).order_by(
            "course_id", "-number").values_list("course_id", "id"):
        latest.setdefault(course_id, version_id)
    hits: dict[int, dict[int, tuple[set, set]]] = defaultdict(dict)  # module -> case -> (codes, kinds)

    def note(module_id, case_id, code=None, kind=None):
        found = hits[module_id].setdefault(case_id, (set(), set()))
        if code in codes:
            found[0].add(code)
        if kind in kinds:
            found[1].add(kind)

    for module_id, case_id, kind, code in Artifact.objects.filter(
            case__module__version_id__in=latest.values()).values_list(
            "case__module_id", "case_id", "kind", "failure_modes__code"):
        note(module_id, case_id, code=code, kind=kind)
    for module_id, case_id, code in Item.objects.filter(
            case__module__version_id__in=latest.values(), failure_modes__code__in=codes).values_list(
            "case__module_id", "case_id", "failure_modes__code"):
        note(module_id, case_id, code=code)
    scored = []
    for module_id, cases in hits.items():
        matching = [found for found in cases.values() if found[0] or found[1]]
        if matching:
            scored.append((module_id, len(matching), sorted(set().union(*(f[0] for f in matching))),
                           sorted(set().union(*(f[1] for f in matching)))))
    modules = Module.objects.select_related("version__course").in_bulk([s[0] for s in scored])
    out = [Suggestion(module=modules[m], course_slug=modules[m].version.course.slug, cases=n, failure_modes=fms,
                      kinds=ks) for m, n, fms, ks in scored]
    out.sort(key=lambda s: (-len(s.failure_modes), -s.cases, s.course_slug, s.module.position))
    return out[:SUGGESTIONS]


def course_choices(*, vocab) -> list[tuple[str, str]]:
    """The courses and published modules a school may require, as (reference, label) (1 query)."""
    latest: dict[int, CourseVersion] = {}
    for v in CourseVersion.objects.filter(course__in=list(vocab.courses.values()),
                                          status=CourseVersion.Status.PUBLISHED).order_by("course_id", "-number"):
        latest.setdefault(v.course_id, v)
    choices = []
    for slug, course in sorted(vocab.courses.items()):
        version = latest.get(course.pk)
        title = version.title if version else slug
        choices.append((slug, title))
        for module in sorted(vocab.modules.get(course.pk, set())):
            choices.append((f"{slug}/{module}", f"{title} — {module}"))
    return choices


# ---------------------------------------------------------------- coverage

COVERED, IN_TIME, OVERDUE, NOT_ASSIGNED = "covered", "in_time", "overdue", "not_assigned"


@dataclass
class Person:
    id: int
    name: str
    username: str
    status: str
    missing: list[str] = field(default_factory=list)  # the required training not completed
    due_at: datetime | None = None  # the earliest due date passed (overdue) or to come


@dataclass
class CohortFigures:
    name: str
    trainees: int
    automation_bias: dict  # proportion: wrong AI outputs with the tool's failure modes accepted
    detection: dict  # proportion: errors of the tool's failure modes found
    enough: bool  # at least the school's minimum of decisions


@dataclass
class ToolCoverage:
    tool: Tool
    users: list[Person]
    covered: dict  # proportion of its users who completed every required training
    overdue: list[Person]
    not_assigned: list[Person]
    in_time: list[Person]
    attested: int  # users holding a valid attestation of every required course
    cohorts: list[CohortFigures]

    @property
    def has_training(self) -> bool:
        return bool(self.tool.training.all())

    @property
    def level(self) -> str:
        """For the map: ``none`` (no training required, or nobody covered), ``low`` (< 50%),
        ``partial`` (< 90%), ``full``; ``nobody`` when no user is known."""
        if not self.users:
            return "nobody"
        value = self.covered["value"] or 0
        if not self.has_training or value == 0:
            return "none"
        return "full" if value >= 0.9 else "partial" if value >= 0.5 else "low"


def _name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def school_coverage(*, school: School, tools: list[Tool] | None = None) -> list[ToolCoverage]:
    """Coverage of each of the school's tools (13 queries with the tools' own 5).

    A tool's users are the school's members in the roles it names and the members of the
    cohorts it names. A user completed a required course by completing any published version
    of it (``version_completions``, the completion rule of the training record), a required
    module by completing it in any version (module progress). A user not covered is overdue
    when a cohort of theirs is assigned a course they still need and its due date has passed,
    and *not assigned* when no cohort of theirs is assigned one of the courses they need."""
    tools = list(school_tools(school=school)) if tools is None else tools
    now = timezone.now()
    roles = {r for t in tools for r in t.user_roles}
    by_role: dict[str, set[int]] = defaultdict(set)
    if roles:
        for user_id, role in Membership.objects.filter(school=school, role__in=roles).values_list("user_id", "role"):
            by_role[role].add(user_id)
    cohorts_of: dict[int, set[int]] = defaultdict(set)
    members_of: dict[int, set[int]] = defaultdict(set)
    trainees_of: dict[int, set[int]] = defaultdict(set)
    for user_id, cohort_id, role in Enrollment.objects.filter(cohort__school=school).values_list(
            "user_id", "cohort_id", "role"):
        cohorts_of[user_id].add(cohort_id)
        members_of[cohort_id].add(user_id)
        if role == Enrollment.CohortRole.TRAINEE:
            trainees_of[cohort_id].add(user_id)
    users_of = {t.pk: set().union(*(by_role[r] for r in t.user_roles), *(members_of[c.pk] for c in t.cohorts.all()))
                for t in tools}
    everyone = set().union(*users_of.values()) if users_of else set()
    people = {pk: _name(first, last, username) for pk, first, last, username in
              User.objects.filter(pk__in=everyone).values_list("id", "first_name", "last_name", "username")} \
        if everyone else {}
    usernames = dict(User.objects.filter(pk__in=everyone).values_list("id", "username")) if everyone else {}
    course_ids = sorted({r.course_id for t in tools for r in t.training.all()})
    completions = version_completions(trainee_ids=everyone, course_ids=course_ids) if everyone else {}
    module_courses = sorted({r.course_id for t in tools for r in t.training.all() if r.module_slug})
    modules_done = set(ModuleProgress.objects.filter(
        trainee_id__in=everyone, course_id__in=module_courses, completed_at__isnull=False).values_list(
        "trainee_id", "course_id", "module_slug")) if everyone and module_courses else set()
    assigned: dict[tuple[int, int], list[datetime | None]] = defaultdict(list)  # (cohort, course) -> due dates
    school_courses: set[int] = set()
    for cohort_id, course_id, due_at in Assignment.objects.filter(cohort__school=school).values_list(
            "cohort_id", "course_id", "due_at"):
        assigned[(cohort_id, course_id)].append(due_at)
        school_courses.add(course_id)
    attested = set(Attestation.objects.filter(
        school=school, course_id__in=course_ids, trainee_id__in=everyone, revoked_at__isnull=True).values_list(
        "trainee_id", "course_id")) if everyone and course_ids else set()
    decisions, detections = _reliance_sums(trainees=set().union(*trainees_of.values()) if trainees_of else set(),
                                           course_ids=sorted(school_courses))
    out = []
    for t in tools:
        requirements = list(t.training.all())
        persons = []
        for pk in sorted(users_of[t.pk], key=lambda p: (people.get(p, "").lower(), p)):
            missing, dues, unassigned = [], [], False
            for r in requirements:
                done = ((pk, r.course_id, r.module_slug) in modules_done if r.module_slug
                        else bool(completions.get((pk, r.course_id))))
                if done:
                    continue
                missing.append(r.reference)
                due_dates = [d for c in cohorts_of[pk] for d in assigned.get((c, r.course_id), [])]
                dated = [d for d in due_dates if d is not None]
                if not due_dates:
                    unassigned = True
                elif dated:
                    dues.append(min(dated))
            if not requirements:
                status = NOT_ASSIGNED
            elif not missing:
                status = COVERED
            elif unassigned:
                status = NOT_ASSIGNED
            elif dues and min(dues) < now:
                status = OVERDUE
            else:
                status = IN_TIME
            persons.append(Person(id=pk, name=people.get(pk, ""), username=usernames.get(pk, ""), status=status,
                                  missing=missing, due_at=min(dues) if dues else None))
        covered = sum(1 for p in persons if p.status == COVERED)
        course_reqs = {r.course_id for r in requirements if not r.module_slug}
        holders = sum(1 for p in persons if course_reqs and all((p.id, c) in attested for c in course_reqs))
        codes = {fm.code for fm in t.failure_modes.all()}
        figures = []
        for cohort in sorted(t.cohorts.all(), key=lambda c: c.name):
            figures.append(_figures(cohort.name, trainees_of[cohort.pk], codes, decisions, detections,
                                    school.min_decisions))
        out.append(ToolCoverage(
            tool=t, users=persons, covered=proportion(covered, len(persons)),
            overdue=[p for p in persons if p.status == OVERDUE],
            not_assigned=[p for p in persons if p.status == NOT_ASSIGNED],
            in_time=[p for p in persons if p.status == IN_TIME], attested=holders, cohorts=figures))
    return out


def _reliance_sums(*, trainees: set[int], course_ids: list[int]):
    """Per trainee: the decisions about wrong AI outputs, by the output's failure modes, and the
    errors to find and found per failure mode (3 queries)."""
    decisions: dict[int, list[tuple[frozenset, int, int]]] = defaultdict(list)
    detections: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
    if not trainees or not course_ids:
        return decisions, detections
    rows = list(Grade.objects.filter(
        is_final=True, response__attempt__trainee_id__in=trainees, response__attempt__course_id__in=course_ids,
        response__item__type=Item.Type.RELIANCE_DECISION, response__item__artifact__ai_correct=False,
    ).values_list("response__attempt__trainee_id", "response__item__artifact_id").annotate(
        n=Count("id"), accepted=Count("id", filter=Q(detail__decision="accept"))).order_by())
    codes: dict[int, set[str]] = defaultdict(set)
    for artifact_id, code in Artifact.failure_modes.through.objects.filter(
            artifact_id__in={r[1] for r in rows}).values_list("artifact_id", "failuremode_id"):
        codes[artifact_id].add(code)
    for trainee_id, artifact_id, n, accepted in rows:
        decisions[trainee_id].append((frozenset(codes[artifact_id]), n, accepted))
    sums: dict[tuple[int, str], float] = {}
    for trainee_id, name, value in MeasureCounter.objects.filter(
            trainee_id__in=trainees, course_id__in=course_ids, name__startswith="fm.").values_list(
            "trainee_id", "name", "value"):
        sums[(trainee_id, name)] = sums.get((trainee_id, name), 0) + value
    for (trainee_id, name), value in sums.items():
        _fm, code, part = name.split(".", 2)
        keys, found = detections[trainee_id].get(code, (0, 0))
        detections[trainee_id][code] = (keys + value, found) if part == "keys" else (keys, found + value)
    return decisions, detections


def _figures(name, trainees, codes, decisions, detections, minimum) -> CohortFigures:
    n = accepted = keys = found = 0
    for tid in trainees:
        for fms, dn, da in decisions.get(tid, []):
            if fms & codes:
                n, accepted = n + dn, accepted + da
        for code in codes:
            k, f = detections.get(tid, {}).get(code, (0, 0))
            keys, found = keys + k, found + f
    return CohortFigures(name=name, trainees=len(trainees), automation_bias=proportion(accepted, n),
                         detection=proportion(found, keys), enough=n >= minimum)


def tool_map(*, coverage: list[ToolCoverage], categories: list[ToolCategory]) -> list[dict]:
    """The map: one row per category of use that has tools (every one when none has), one
    column per status, each cell the tools there with their coverage level."""
    statuses = list(Tool.Status)
    rows = []
    for category in categories:
        cells = {s: [c for c in coverage if c.tool.category_id == category.pk and c.tool.status == s] for s in statuses}
        if any(cells.values()):
            rows.append({"category": category, "cells": [{"status": s, "label": s.label, "tools": cells[s]}
                                                          for s in statuses]})
    return rows
