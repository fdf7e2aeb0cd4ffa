"""Reads of the quizzes app: what a trainee may see of an item, a response and its grade."""
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cohorts.models import Assignment
from cohorts.selectors import staff_cohorts, trainee_due_date
from courses.models import Course, Item, Module

from .models import Attempt, Response


def feedback_is_due(*, response: Response) -> bool:
    """May the trainee see the key and rationale of this graded response yet?"""
    if response.state != Response.State.GRADED:
        return False
    policy = response.attempt.module.feedback_policy
    if policy == Module.FeedbackPolicy.IMMEDIATE:
        return True
    if policy == Module.FeedbackPolicy.AFTER_ATTEMPT:
        return response.attempt.status == Attempt.Status.SUBMITTED
    due = trainee_due_date(trainee=response.attempt.trainee, course=response.attempt.course)
    return response.attempt.status == Attempt.Status.SUBMITTED and (due is None or due <= timezone.now())


def ai_output_hidden(*, item: Item, response: Response | None) -> bool:
    """Decide-first: the AI output stays hidden until the unaided answer is stored."""
    return item.decide_first and (response is None or response.initial_answer is None)


def trainee_responses(*, attempt: Attempt) -> QuerySet[Response]:
    return attempt.responses.select_related("grade", "item")


def review_queue(*, user: User) -> QuerySet[Response]:
    """Free-text answers waiting for a faculty grade in the cohorts the user may grade."""
    qs = Response.objects.filter(state=Response.State.REVIEW, item__type=Item.Type.FREE_TEXT)
    if not user.is_superuser:
        cohorts = staff_cohorts(user=user)
        qs = qs.filter(attempt__trainee__enrollments__cohort__in=cohorts).filter(
            attempt__course__in=_authored_or_taught_courses(user)
        )
    return qs.select_related("item__key", "grade", "attempt").order_by("submitted_at").distinct()


def _authored_or_taught_courses(user: User) -> QuerySet[Course]:
    taught = Assignment.objects.filter(cohort__in=staff_cohorts(user=user)).values("course_id")
    return Course.objects.filter(Q(owner=user) | Q(coauthors=user) | Q(pk__in=taught))
