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


# What the studio's item editor edits besides the key proper (feedback of each option, other
# right options, a numeric item's other answers, hints, tags, ID number) never reaches a trainee
# before grading; tags and the ID number never do.
SECRETS = ("Troponin rises", "hour-1 bundle", "Think of the", "SEP-001", "sepsis-week", "Close: round later",
           "Right: 9.2")


@pytest.fixture
def banked(case):
    choice = ItemFactory(case=case, key={"answer": "b", "also_right": ["c"], "feedback": FEEDBACK},
                         spec={"options": [{"id": "a", "text": "Troponin"}, {"id": "b", "text": "Lactate"},
                                           {"id": "c", "text": "Serum lactate"}]})
    number = ItemFactory(case=case, type="numeric", spec={}, key={
        "value": 9.2, "tolerance_abs": 0.5, "feedback": "Right: 9.2.",
        "answers": [{"value": 9, "tolerance_abs": 2, "fraction": 0.5, "feedback": "Close: round later."}]})
    for item in (choice, number):
        ItemKey.objects.filter(item=item).update(hints=["Think of the *bundle*."])
        type(item).objects.filter(pk=item.pk).update(tags=["sepsis-week"], idnumber="SEP-001")
    return choice, number


def _api(trainee):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(trainee)
    return client


def test_nothing_the_editor_adds_to_a_key_reaches_a_trainee_before_grading(client, attempt, banked, case, trainee):
    choice, _number = banked
    api = _api(trainee)
    submitted = api.post(f"/api/v1/attempts/{attempt.pk}/items/{choice.pk}/response/", {"answer": {"answer": "a"}},
                         format="json")
    polled = api.get(f"/api/v1/responses/{submitted.json()['id']}/")
    assert submitted.status_code == 201 and polled.json()["state"] == "submitted"  # not graded yet
    bodies = [html(client.get(case_url(case))), api.get(f"/api/v1/cases/{case.pk}/").content.decode(),
              submitted.content.decode(), polled.content.decode()]
    assert all(secret not in body for body in bodies for secret in SECRETS + ("also_right",))


def test_tags_and_the_id_number_never_reach_a_trainee(client, attempt, banked, case, trainee):
    choice, number = banked
    responses = [graded(attempt, choice, {"answer": "a"}), graded(attempt, number, {"value": 8})]
    api = _api(trainee)
    bodies = [html(client.get(case_url(case))), api.get(f"/api/v1/cases/{case.pk}/").content.decode(),
              *(api.get(f"/api/v1/responses/{r.pk}/").content.decode() for r in responses)]
    assert "Troponin rises" in bodies[0] and "Close: round later" in bodies[0]  # graded: the feedback is due
    assert all("SEP-001" not in body and "sepsis-week" not in body for body in bodies)
