"""Measures over time, against another cohort, and before and after a module."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from schools.selectors import staff_cohorts
from ..selectors.dashboard import cohort_course_ids
from ..selectors.reliance import cohort_reliance_overview
from ..selectors.trends import cohort_measure_trend, module_before_after
from schools.services import audit_record
from . import figures
from ..access import cohort_for_staff
from .common import CourseFilter, courses_of, module_choices, page_context, split_module


class TrendFilter(CourseFilter):
    PERIODS = (("week", gettext_lazy("Week")), ("month", gettext_lazy("Month")))
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIODS, required=False)
    compare = forms.ChoiceField(label=gettext_lazy("Compare with the cohort"), required=False)
    module = forms.ChoiceField(label=gettext_lazy("Before and after the module"), required=False)

    def __init__(self, *args, courses, other_cohorts, **kwargs):
        super().__init__(*args, courses=courses, **kwargs)
        self.fields["compare"].choices = [("", _("No comparison"))] + [
            (str(c.pk), f"{c.name} ({c.year})" if c.year else c.name) for c in other_cohorts]
        self.fields["module"].choices = [("", _("Choose a module"))] + module_choices(courses)[1:]

    def clean_module(self):
        value = self.cleaned_data.get("module")
        if value and split_module(value, self.courses) is None:
            raise forms.ValidationError(_("This module is not part of the cohort's courses."))
        return value


def _period_label(period, kind: str) -> str:
    if kind == "month":
        return formats.date_format(period, "YEAR_MONTH_FORMAT")
    year, week, _day = period.isocalendar()
    return _("Week %(week)s of %(year)s") % {"week": week, "year": year}


@login_required
@require_GET
def trends(request, cohort_id: int):
    cohort = cohort_for_staff(request, cohort_id)
    courses = courses_of(cohort)
    others = [c for c in staff_cohorts(user=request.user).order_by("-year", "name") if c.pk != cohort.pk]
    form = TrendFilter(request.GET, courses=courses, other_cohorts=others)
    context = page_context(request, cohort, "trends", form=form)
    if not form.is_valid():
        return render(request, "cohorts/trends.html", context, status=400)
    data = form.cleaned_data
    course = form.selected_course()
    course_ids = [course.pk] if course else [c.course.pk for c in courses]
    period = data.get("period") or "week"
    minimum = cohort.school.min_decisions
    periods = cohort_measure_trend(cohort=cohort, course_ids=course_ids, period=period)
    labels = [_period_label(p["period"], period) for p in periods]
    for p, label in zip(periods, labels):
        p["label"] = label
    other = None
    if data.get("compare"):
        other = next(c for c in others if str(c.pk) == data["compare"])
    elif "compare" not in request.GET and cohort.year:
        other = next((c for c in others if c.school_id == cohort.school_id and c.year == cohort.year - 1), None)
    comparison = None
    if other is not None:
        # The other cohort over its own courses: the chosen one only if it has it too.
        other_ids = [cid for cid in cohort_course_ids(cohort=other) if course is None or cid == course.pk]
        comparison = {
            "other": other,
            "this": cohort_reliance_overview(cohort=cohort, course_ids=course_ids)["measures"],
            "that": cohort_reliance_overview(cohort=other, course_ids=other_ids)["measures"],
        }
        # A side with fewer decisions than the school's minimum is said, not drawn.
        sides = [(cohort.name, comparison["this"]), (other.name, comparison["that"])]
        comparison["below_minimum"] = [name for name, m in sides if m["reliance"]["decisions"] < minimum]
        comparison["chart"] = None if comparison["below_minimum"] else figures.compare(sides)
    before_after = None
    if data.get("module"):
        module_course, slug = split_module(data["module"], courses)
        title = next(m.title for m in module_course.modules if m.slug == slug)
        phases = module_before_after(cohort=cohort, course_ids=course_ids, course=module_course.course,
                                     module_slug=slug)
        below = [label for label, key in ((_("Before"), "before"), (_("After"), "after"))
                 if phases[key]["measures"]["reliance"]["decisions"] < minimum]
        before_after = {"title": title, "phases": phases, "below_minimum": below,
                        "chart": None if below else figures.before_after(phases, title)}
    audit_record(actor=request.user, action="cohort.trends.read", cohort=cohort,
                 detail={"course": course.slug if course else None, "compare": other.pk if other else None})
    context.update(
        periods=periods, period=period, comparison=comparison, before_after=before_after, min_decisions=minimum,
        # The same chart twice: wide on a wide screen, narrow on a phone (CSS shows one).
        trend_chart=figures.trend(periods, labels) if periods else None,
        trend_chart_wide=figures.trend(periods, labels, width=880) if periods else None,
    )
    return render(request, "cohorts/trends.html", context)
