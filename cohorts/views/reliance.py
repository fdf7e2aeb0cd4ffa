"""Reliance analytics of a cohort: the measures of docs/measures.md for the cohort, by training year
and trainee by trainee."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from courses.selectors import taxonomy_names
from progress.selectors import trainees_measures
from ..presenters import sort_key_figures
from ..selectors.reliance import cohort_reliance_overview, cohort_trainee_key_figures
from schools.services import audit_record
from . import figures
from ..access import cohort_for_staff
from .common import PAGE_SIZE, CourseFilter, courses_of, page_context

DRATSCH = {
    "inexperienced": {"ai_right": 0.797, "ai_wrong": 0.198},
    "very_experienced": {"ai_right": 0.823, "ai_wrong": 0.455},
}


class RelianceFilter(CourseFilter):
    SORT = (
        ("automation_bias", gettext_lazy("Highest automation bias first")),
        ("aversion", gettext_lazy("Highest aversion first")),
        ("brier", gettext_lazy("Worst calibration (Brier score) first")),
        ("mean_score", gettext_lazy("Lowest mean score first")),
        ("name", gettext_lazy("Name")),
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sort trainees by"), choices=SORT, required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


@login_required
@require_GET
def reliance(request, cohort_id: int):
    cohort = cohort_for_staff(request, cohort_id)
    courses = courses_of(cohort)
    form = RelianceFilter(request.GET, courses=courses)
    context = page_context(request, cohort, "reliance", form=form)
    if not form.is_valid():
        return render(request, "cohorts/reliance.html", context, status=400)
    course = form.selected_course()
    course_ids = [course.pk] if course else [c.course.pk for c in courses]
    overview = cohort_reliance_overview(cohort=cohort, course_ids=course_ids)
    key_figures = cohort_trainee_key_figures(cohort=cohort, course_ids=course_ids)
    ordered = sort_key_figures(key_figures, sort=form.cleaned_data.get("sort") or "automation_bias")
    page = Paginator(ordered, PAGE_SIZE).get_page(form.cleaned_data.get("page") or 1)
    measures = trainees_measures(trainee_ids=[t["id"] for t in page], course_ids=course_ids)
    rows = [{**t, "measures": measures[t["id"]]} for t in page]
    names = taxonomy_names()
    m = overview["measures"]
    codes = sorted(m["mastery_by_competency"])
    audit_record(actor=request.user, action="cohort.reliance.read", cohort=cohort,
                 detail={"course": course.slug if course else None, "page": page.number})
    minimum = cohort.school.min_decisions
    bias_chart, bias_left_out = figures.bias_histogram(key_figures, minimum=minimum)
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        overview=overview, m=m, rows=rows, page=page, query=query.urlencode(), names=names, codes=codes,
        dratsch=DRATSCH, min_decisions=minimum, bias_left_out=bias_left_out,
        charts={
            "rates": figures.reliance_rates(m),
            "dratsch": figures.dratsch(overview),
            "calibration": figures.calibration(m),
            "recall": figures.recall(m, names["failure_modes"]),
            "mastery": figures.mastery(m, names["competencies"]),
            "heat": figures.heat([(_("Whole cohort"), m)] + [(r["name"], r["measures"]) for r in rows],
                                 codes),
            "bias": bias_chart,
        },
    )
    return render(request, "cohorts/reliance.html", context)
