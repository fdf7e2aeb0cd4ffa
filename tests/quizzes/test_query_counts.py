"""The trainee API and the grading task cost an exact number of queries, whatever the size of
the module: a change that adds one fails here, so it is a choice, not an accident.

Each count is for a case of three questions; the page and selector tests elsewhere show the
counts do not grow with cases, items or cohorts.
"""
import pytest
from rest_framework.test import APIClient

from quizzes import services
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(trainee):
    client = APIClient()
    client.force_authenticate(trainee)
    return client


@pytest.fixture
def attempt(trainee, module):
    return services.attempt_start(trainee=trainee, module=module)


@pytest.fixture
def items(case, single_choice):
    return [single_choice, ItemFactory(case=case), ItemFactory(case=case)]


def test_submitting_an_answer(api, attempt, items, django_assert_num_queries):
    with django_assert_num_queries(SUBMIT):
        response = api.post(f"/api/v1/attempts/{attempt.pk}/items/{items[0].pk}/response/",
                            {"answer": {"answer": "b"}}, format="json")
    assert response.status_code == 201


def test_grading_an_answer(attempt, items, django_assert_num_queries):
    response, _created = services.response_submit(attempt=attempt, item=items[0], answer={"answer": "b"})
    with django_assert_num_queries(GRADE):
        services.response_grade(response_id=response.pk)
    response.refresh_from_db()
    assert response.state == response.State.GRADED


def test_polling_a_grade(api, attempt, items, django_assert_num_queries):
    response, _created = services.response_submit(attempt=attempt, item=items[0], answer={"answer": "b"})
    services.response_grade(response_id=response.pk)
    with django_assert_num_queries(POLL):
        polled = api.get(f"/api/v1/responses/{response.pk}/")
    assert polled.status_code == 200


def test_starting_an_attempt(api, module, items, django_assert_num_queries):
    with django_assert_num_queries(START):
        response = api.post(f"/api/v1/modules/{module.pk}/attempts/", format="json")
    assert response.status_code == 201


def test_submitting_the_attempt(api, attempt, items, django_assert_num_queries):
    with django_assert_num_queries(FINISH):
        response = api.post(f"/api/v1/attempts/{attempt.pk}/submit/", format="json")
    assert response.status_code == 200


def test_reading_a_case(api, attempt, items, django_assert_num_queries):
    with django_assert_num_queries(CASE):
        response = api.get(f"/api/v1/cases/{items[0].case_id}/")
    assert response.status_code == 200


def test_reading_a_module(api, attempt, module, items, django_assert_num_queries):
    with django_assert_num_queries(MODULE):
        response = api.get(f"/api/v1/modules/{module.pk}/")
    assert response.status_code == 200


def test_listing_my_courses(api, module, items, django_assert_num_queries):
    with django_assert_num_queries(MY_COURSES):
        response = api.get("/api/v1/me/courses/")
    assert response.status_code == 200


def test_reading_my_reliance(api, module, items, django_assert_num_queries):
    with django_assert_num_queries(MY_RELIANCE):
        response = api.get("/api/v1/me/reliance/")
    assert response.status_code == 200


# What each costs today; a change here is a choice to be explained in its commit.
# GRADE, START and FINISH each ask once whether the school sends xAPI statements (xapi.emit).
# GRADE is the test's SAVEPOINT and RELEASE around three statements: the response read and
# locked with its item, key, artifact, case, attempt, grade and competency codes, bounding
# the lock wait (quizzes.to_grade); the grade, the response's state and the running sums
# (one WITH statement); the xAPI question.
SUBMIT, GRADE, POLL, START, FINISH, CASE, MODULE, MY_COURSES, MY_RELIANCE = 7, 5, 1, 10, 4, 10, 5, 4, 2
