"""Drill-down to one trainee of a cohort; every view of it is recorded in the audit log."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from courses.selectors import taxonomy_names
from progress.selectors import trainees_measures
from schools.selectors import cohort_trainee
from ..selectors.audit_log import audit_event_rows, school_audit_events
from ..selectors.dashboard import trainee_course_progress
from ..selectors.records import trainee_attestations
from ..selectors.reliance import trainee_fooled_decisions
from ..selectors.trends import cohort_measure_trend
from schools.services import audit_record
from . import figures
from ..access import cohort_for_staff
from .common import courses_of, page_context
from .trends import _period_label

LOOKED_AT = 10  # the latest audit events about the trainee shown to the school's admins


@login_required
@require_GET
def trainee_detail(request, cohort_id: int, trainee_id: int):
    cohort = cohort_for_staff(request, cohort_id)
    trainee = cohort_trainee(cohort=cohort, trainee_id=trainee_id)
    if trainee is None:
        raise Http404
    courses = courses_of(cohort)
    course_ids = [c.course.pk for c in courses]
    audit_record(actor=request.user, action="cohort.trainee.read", cohort=cohort, subject=trainee)
    m = trainees_measures(trainee_ids=[trainee.pk], course_ids=course_ids)[trainee.pk]
    names = taxonomy_names()
    periods = cohort_measure_trend(cohort=cohort, course_ids=course_ids, trainee_id=trainee.pk)
    labels = [_period_label(p["period"], "week") for p in periods]
    for p, label in zip(periods, labels):
        p["label"] = label
    context = page_context(
        request, cohort, "dashboard", trainee=trainee, m=m, names=names,
        progress=trainee_course_progress(trainee=trainee, courses=courses),
        fooled=trainee_fooled_decisions(trainee=trainee, course_ids=course_ids),
        periods=periods,
        attestations=trainee_attestations(trainee=trainee, school_id=cohort.school_id),
        looked_at=_looked_at(request, cohort, trainee),
        charts={
            "rates": figures.reliance_rates(m),
            "calibration": figures.calibration(m),
            "recall": figures.recall(m, names["failure_modes"]),
            "mastery": figures.mastery(m, names["competencies"]),
            "trend": figures.trend(periods, labels) if periods else None,
        },
        title=_("%(name)s in %(cohort)s") % {"name": trainee.display_name, "cohort": cohort.name},
    )
    return render(request, "cohorts/trainee.html", context)


def _looked_at(request, cohort, trainee) -> list[dict] | None:
    """For the school's admins, the latest audit events about the trainee (this view included);
    None for anyone else, who may not read the audit log."""
    if not request.user.has_perm("schools.view_audit_log", cohort.school):
        return None
    events = school_audit_events(school=cohort.school, subject=trainee)[:LOOKED_AT]
    return audit_event_rows(school=cohort.school, events=list(events))
