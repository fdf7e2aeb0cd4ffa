"""Which cohort a staff member may open, for the pages and the API alike (404 rather than
telling a stranger that a cohort exists)."""
from django.http import Http404, HttpRequest

from schools.models import Cohort
from .selectors import staff_cohorts, user_is_school_admin


def cohort_for_staff(request: HttpRequest, cohort_id: int) -> Cohort:
    """The cohort if the user may see its trainees' work; 404 otherwise (trainees, other schools)."""
    cohort = staff_cohorts(user=request.user).filter(pk=cohort_id).select_related("school").first()
    if cohort is None:
        raise Http404
    return cohort


def cohort_for_admin(request: HttpRequest, cohort_id: int) -> Cohort:
    """The cohort if the user administers its school; 404 otherwise."""
    cohort = Cohort.objects.select_related("school").filter(pk=cohort_id).first()
    if cohort is None or not user_is_school_admin(user=request.user, school_id=cohort.school_id):
        raise Http404
    return cohort
