"""An archived cohort takes no new answers: its trainee can neither start an attempt nor
answer in one opened before the archive (409, saying why); a trainee also in an open cohort
assigned the same course answers on."""
import pytest
from rest_framework.test import APIClient

from quizzes import services
from schools.models import Cohort
from schools import services as school_services
from tests.factories import AssignmentFactory, EnrollmentFactory
from training.errors import Conflict

pytestmark = pytest.mark.django_db


def _archive_cohorts_of(trainee):
    for cohort in Cohort.objects.filter(enrollments__user=trainee):
        school_services.cohort_archive(cohort=cohort)


def test_a_trainee_of_an_archived_cohort_starts_no_attempt(trainee, module):
    _archive_cohorts_of(trainee)
    with pytest.raises(Conflict, match="archived"):
        services.attempt_start(trainee=trainee, module=module)


def test_an_attempt_opened_before_the_archive_takes_no_answer_by_the_api(trainee, module, single_choice):
    attempt = services.attempt_start(trainee=trainee, module=module)
    _archive_cohorts_of(trainee)
    api = APIClient()
    api.force_authenticate(trainee)
    response = api.post(f"/api/v1/attempts/{attempt.pk}/items/{single_choice.pk}/response/",
                        {"answer": {"answer": "b"}}, format="json")
    assert response.status_code == 409
    assert "archived" in str(response.json())
    assert not attempt.responses.exists()


def test_an_attempt_opened_before_the_archive_takes_no_answer_by_the_service(trainee, module, single_choice):
    attempt = services.attempt_start(trainee=trainee, module=module)
    _archive_cohorts_of(trainee)
    with pytest.raises(Conflict, match="archived"):
        services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})


def test_a_trainee_also_in_an_open_cohort_with_the_course_answers_on(trainee, module, single_choice):
    attempt = services.attempt_start(trainee=trainee, module=module)
    _archive_cohorts_of(trainee)
    other = EnrollmentFactory(user=trainee).cohort
    AssignmentFactory(cohort=other, course=module.version.course)
    response, created = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    assert created
