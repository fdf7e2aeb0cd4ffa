"""The rows an admin page works on, or 404 for anyone who may not manage them (as if the page
did not exist: the rules of ``schools.manage_school`` and ``schools.manage_cohort``)."""
from django.http import Http404, HttpRequest

from schools.models import Assignment, Cohort, School
from schools.selectors import school_member
from training.permissions import object_or_404


def school_for_admin(request: HttpRequest, slug: str) -> School:
    return object_or_404(request.user, "schools.manage_school", School.objects.all(), slug=slug)


def cohort_for_admin(request: HttpRequest, cohort_id: int) -> Cohort:
    return object_or_404(request.user, "schools.manage_cohort", Cohort.objects.select_related("school"), pk=cohort_id)


def assignment_of(cohort: Cohort, course_slug: str) -> Assignment:
    assignment = Assignment.objects.select_related("course").filter(cohort=cohort, course__slug=course_slug).first()
    if assignment is None:
        raise Http404
    return assignment


def member_of(school: School, username: str):
    user = school_member(school=school, username=username)
    if user is None:
        raise Http404
    return user
