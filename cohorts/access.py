"""Which cohort a staff member may open, for the pages and the API alike (404 rather than
telling a stranger that a cohort exists): the rules ``cohorts.view_cohort`` and
``cohorts.administer_cohort`` (schools.rules), asked here."""
from django.http import HttpRequest

from schools.models import Cohort
from training.permissions import object_or_404


def cohort_for_staff(request: HttpRequest, cohort_id: int) -> Cohort:
    """The cohort if the user may see its trainees' work; 404 otherwise (trainees, other schools)."""
    return object_or_404(request.user, "cohorts.view_cohort", Cohort.objects.select_related("school"), pk=cohort_id)


def cohort_for_admin(request: HttpRequest, cohort_id: int) -> Cohort:
    """The cohort if the user administers its school; 404 otherwise."""
    return object_or_404(request.user, "cohorts.administer_cohort", Cohort.objects.select_related("school"),
                         pk=cohort_id)
