"""Reading practice reports: the school's triage list, its analytics beside the cohort's
detection of the same failure modes, and the cross-school cells large enough to publish."""
from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncQuarter
from django.utils.translation import gettext as _

from cohorts.selectors.reliance import cohort_reliance_overview
from courses.models import FailureMode
from schools.models import Assignment, Cohort, School

from .models import PracticeReport, ToolCategory


def school_reports(*, school: School, status: str = "") -> QuerySet[PracticeReport]:
    """The school's reports, newest first, with what the list shows (one query)."""
    reports = PracticeReport.objects.filter(school=school).select_related("failure_mode", "case")
    return reports.filter(status=status) if status else reports


def register_choices(*, school: School) -> list[tuple[str, list[tuple[int, str]]]]:
    """The school's register, as the report form's groups: (category of use, [(tool id, name)]),
    a retired tool marked so (one query; none without the register app). Looked up,
    not imported: the register is in the same layer as this app."""
    if not apps.is_installed("registry"):
        return []
    groups: dict[str, list[tuple[int, str]]] = {}
    tools = (apps.get_model("registry", "Tool").objects.filter(school=school).select_related("category")
             .order_by("category__position", "category__code", "name"))
    for tool in tools:
        name = _("%(name)s (retired)") % {"name": tool.name} if tool.status == "retired" else tool.name
        groups.setdefault(_(tool.category.name), []).append((tool.pk, name))
    return list(groups.items())


def my_reports(*, user) -> QuerySet[PracticeReport]:
    """The reports a person filed, in every school, newest first, with what their page shows
    (one query)."""
    return PracticeReport.objects.filter(reporter=user).select_related("school", "failure_mode")


def status_counts(*, school: School) -> dict[str, int]:
    counts = dict(PracticeReport.objects.filter(school=school).values_list("status").annotate(n=Count("id"))
                  .order_by())
    return {value: counts.get(value, 0) for value in PracticeReport.Status.values}


def _quarter(day) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(quarter: tuple[int, int]) -> str:
    """A quarter as the reader's language writes it ("2026 Q4", "T4 2026")."""
    year, n = quarter
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": n}


def report_counts(*, school: School) -> dict:
    """Reports by tool and by category of use, per failure mode and per quarter (one query)."""
    rows = (PracticeReport.objects.filter(school=school)
            .annotate(quarter=TruncQuarter("created_at"))
            .values_list("tool_name", "tool_category", "failure_mode_id", "quarter")
            .annotate(n=Count("id")).order_by())
    by_tool: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    by_category: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    quarters: set[tuple[int, int]] = set()
    for tool, category, mode, quarter, n in rows:
        q = _quarter(quarter)
        quarters.add(q)
        by_tool[(tool, category, mode or "")][q] += n
        by_category[(category, mode or "")][q] += n
    order = sorted(quarters)
    labels = dict(ToolCategory.choices)

    def rows_of(table, key_names):
        out = []
        for key, per in sorted(table.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
            row = dict(zip(key_names, key))
            row.update(total=sum(per.values()), per_quarter=[per.get(q, 0) for q in order])
            row["category_label"] = labels.get(row["category"], row["category"])
            out.append(row)
        return out

    return {"quarters": [quarter_label(q) for q in order], "by_tool": rows_of(by_tool, ("tool", "category", "failure_mode")),
            "by_category": rows_of(by_category, ("category", "failure_mode"))}


def detection_by_failure_mode(*, cohort: Cohort | None) -> dict[str, dict]:
    """The cohort's recall of AI errors per failure mode in the cases of its assigned courses
    (cohorts.selectors.reliance; 3 queries), or {} without a cohort."""
    if cohort is None:
        return {}
    course_ids = list(Assignment.objects.filter(cohort=cohort).values_list("course_id", flat=True).distinct())
    overview = cohort_reliance_overview(cohort=cohort, course_ids=course_ids)
    return overview["measures"]["detection"]["recall_by_failure_mode"]


def analytics(*, school: School, cohort: Cohort | None) -> dict:
    counts = report_counts(school=school)
    detection = detection_by_failure_mode(cohort=cohort)
    names = {fm.code: fm.label for fm in FailureMode.objects.all()}
    for table in ("by_tool", "by_category"):
        for row in counts[table]:
            row["failure_mode_name"] = names.get(row["failure_mode"], "")
            found = detection.get(row["failure_mode"])
            # The cohort's recall as a proportion with its evidence: k of n and the Wilson interval.
            row["detection"] = found["evidence"] if found and found.get("keys") else None
    counts["cohort"] = cohort
    return counts


def threshold() -> int:
    return max(1, int(getattr(settings, "VIGIL_OBSERVATORY_K", 5)))


def cross_school_cells(*, k: int | None = None) -> list[dict]:
    """Counts of reports by category of use and failure mode over the schools that share them,
    only for cells of at least ``k`` schools and ``k`` reports: a smaller cell is not computed
    out of the database, so no page or answer can show it (one query)."""
    k = threshold() if k is None else k
    rows = (PracticeReport.objects.filter(school__observatory_sharing__share=True, failure_mode__isnull=False)
            .values("tool_category", "failure_mode_id")
            .annotate(schools=Count("school_id", distinct=True), reports=Count("id"))
            .filter(schools__gte=k, reports__gte=k)
            .order_by("tool_category", "failure_mode_id"))
    labels = dict(ToolCategory.choices)
    return [{"category": r["tool_category"], "category_label": str(labels.get(r["tool_category"], r["tool_category"])),
             "failure_mode": r["failure_mode_id"], "schools": r["schools"], "reports": r["reports"]} for r in rows]
