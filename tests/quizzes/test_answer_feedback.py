"""The author's feedback on the answer given (Moodle's per-answer feedback) and the hints are
shown with the key once graded, on the case page, and held back with it."""
import pytest

from courses.models import ItemKey, Module
from tests.factories import ItemFactory
from tests.quizzes.test_player_results import graded
from tests.quizzes.test_views import attempt, case_url, client, html  # noqa: F401 - the pages' fixtures

pytestmark = pytest.mark.django_db

FEEDBACK = {"a": "Troponin rises **later**.", "b": "Lactate is in the hour-1 bundle."}


@pytest.fixture
def lactate(case):
    item = ItemFactory(case=case, key={"answer": "b", "feedback": FEEDBACK})
    ItemKey.objects.filter(item=item).update(hints=["Think of the *bundle*."])
    return item


def test_the_feedback_of_the_chosen_option_is_shown_once_graded(client, attempt, lactate, case):
    graded(attempt, lactate, {"answer": "a"})
    page = html(client.get(case_url(case)))
    assert "Troponin rises <strong>later</strong>." in page and "hour-1 bundle" not in page


def test_hints_are_shown_once_graded(client, attempt, lactate, case):
    graded(attempt, lactate, {"answer": "b"})
    assert "Think of the <em>bundle</em>." in html(client.get(case_url(case)))


def test_answer_feedback_and_hints_wait_for_the_feedback_policy(client, attempt, lactate, case, module):
    Module.objects.filter(pk=module.pk).update(feedback_policy=Module.FeedbackPolicy.AFTER_ATTEMPT)
    graded(attempt, lactate, {"answer": "a"})
    page = html(client.get(case_url(case)))
    assert "Troponin rises" not in page and "Think of the" not in page


def test_the_feedback_of_the_numeric_answer_matched_is_shown(client, attempt, case):
    item = ItemFactory(case=case, type="numeric", spec={}, key={
        "value": 9.2, "tolerance_abs": 0.5, "answers": [{"value": 9, "tolerance_abs": 2, "fraction": 0.5,
                                                         "feedback": "Close: round later."}]})
    graded(attempt, item, {"value": 8})
    page = html(client.get(case_url(case)))
    assert "Close: round later." in page and "50%" in page
