"""The staff home (cohorts they may see) and the cohort dashboard."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from schools.selectors import staff_cohort_list
from ..presenters import dashboard_trainees_shown, dashboard_trainees_sorted
from ..selectors.dashboard import cohort_dashboard
from schools.services import audit_record
from progress import charts
from . import figures
from ..access import cohort_for_staff
from .common import PAGE_SIZE, DashboardFilter, courses_of, page_context

TABS = {"dashboard": "school:dashboard", "reliance": "school:reliance", "trends": "school:trends",
        "exports": "school:exports", "attestations": "school:attestations"}


@login_required
@require_GET
def cohort_index(request):
    cohorts = staff_cohort_list(user=request.user)
    if not cohorts and not request.user.has_perm("cohorts.list_cohorts"):
        raise Http404
    return render(request, "cohorts/index.html", {"cohorts": cohorts})


@login_required
@require_GET
def cohort_switch(request):
    """The cohort picker of every page: the same tab of the cohort chosen."""
    cohort_id = request.GET.get("cohort", "")
    if not cohort_id.isdigit():
        raise Http404
    cohort_for_staff(request, int(cohort_id))
    return redirect(reverse(TABS.get(request.GET.get("tab"), "school:dashboard"), args=[int(cohort_id)]))


@login_required
@require_GET
def dashboard(request, cohort_id: int):
    cohort = cohort_for_staff(request, cohort_id)
    courses = courses_of(cohort)
    form = DashboardFilter(request.GET, courses=courses)
    context = page_context(request, cohort, "dashboard", form=form, courses=courses)
    if not form.is_valid():
        return render(request, "cohorts/dashboard.html", context, status=400)
    data = form.cleaned_data
    module = form.selected_module()
    course = module[0].course if module else form.selected_course()
    dashboard_data = cohort_dashboard(
        cohort=cohort, now=timezone.now(), courses=courses, course_id=course.pk if course else None,
        module_slug=module[1] if module else None, active_from=data.get("active_from"), active_to=data.get("active_to"),
    )
    audit_record(actor=request.user, action="cohort.dashboard.read", cohort=cohort, detail={
        "course": course.slug if course else None, "module": module[1] if module else None,
    })
    trainees = dashboard_data["trainees"]
    show = data.get("show") or "all"
    listed = dashboard_trainees_sorted(dashboard_trainees_shown(trainees, show), data.get("sort") or "name")
    page = Paginator(listed, PAGE_SIZE).get_page(data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    for m in dashboard_data["modules"]:
        m["chart"] = figures.module_histogram(m)
        m["completed_pct"] = round((m["completed_share"] or 0) * 100)
        m["in_progress_pct"] = round((m["in_progress_share"] or 0) * 100)
    context.update(
        data=dashboard_data, page=page, show=show, query=query.urlencode(),
        not_started=[t for t in trainees if t["status"] == "not_started"][:8],
        overdue=[t for t in trainees if t["overdue"]][:8],
        struggling=[t for t in trainees if t["struggling"]][:8],
        score_chart=figures.score_histogram(dashboard_data["score_bins"]), bin_labels=charts.score_bin_labels(),
        filtered=bool(course or module or data.get("active_from") or data.get("active_to")),
    )
    return render(request, "cohorts/dashboard.html", context)
