"""The player asks a decide-first item's unaided question before anything about its AI
output: first among the questions about that output, on the page and in the API, and a
question withheld with it names the right question to answer first."""
import re

from django.urls import reverse

import pytest
from rest_framework.test import APIClient

from quizzes import services
from tests.factories import ArtifactFactory, ItemFactory

pytestmark = pytest.mark.django_db

LETTER = "Mrs Durand has a documented penicillin allergy. Plan: amoxicillin 1 g three times daily."


@pytest.fixture
def late_decide_first(case):
    """An error_spans item (position 0) then a decide-first item (position 1) on the same text,
    as a version published before the check refused it would hold."""
    letter = ArtifactFactory(case=case, kind="text", title="Letter", ai_correct=False, content={"text": LETTER})
    spans = ItemFactory(case=case, type="error_spans", artifact=letter, prompt="Mark the errors.", position=0,
                        spec={"labels_required": False}, key={"spans": [{"start": 12, "end": 46, "failure_mode": "HAL"}]})
    sign = ItemFactory(
        case=case, type="reliance_decision", artifact=letter, prompt="Sign it?", position=1,
        spec={"question": "Sign the letter as drafted?", "options": [{"id": "sign", "text": "Sign it"},
              {"id": "fix", "text": "Correct it first"}], "ai_answer": "sign", "decide_first": True},
        key={"answer": "fix"},
    )
    return spans, sign


@pytest.fixture
def page(client, trainee):
    trainee.save(update_fields=["password"])
    client.force_login(trainee)
    return client


def test_the_unaided_question_is_asked_first_on_the_page(page, trainee, module, late_decide_first):
    spans, sign = late_decide_first
    services.attempt_start(trainee=trainee, module=module)
    html = page.get(reverse("trainee-case", args=[sign.case_id])).content.decode()
    order = re.findall(r'id="item-(\d+)"', html)
    assert order == [str(sign.pk), str(spans.pk)]
    assert "Question 1 of 2" in html.split(f'id="item-{spans.pk}"')[0]
    assert "question None" not in html
    assert "once you have answered question 1 on your own" in html


def test_the_unaided_question_is_first_in_the_case_api(trainee, module, late_decide_first):
    spans, sign = late_decide_first
    services.attempt_start(trainee=trainee, module=module)
    api = APIClient()
    api.force_authenticate(trainee)
    items = api.get(f"/api/v1/cases/{sign.case_id}/").json()["items"]
    assert [i["id"] for i in items] == [sign.pk, spans.pk]
    assert items[1]["withheld_by"] == sign.pk


def test_a_question_withheld_with_the_output_names_the_unaided_one_by_its_number(trainee, module, late_decide_first):
    spans, sign = late_decide_first
    attempt = services.attempt_start(trainee=trainee, module=module)
    api = APIClient()
    api.force_authenticate(trainee)
    reply = api.get(f"/api/v1/attempts/{attempt.pk}/items/{spans.pk}/ai-output/")
    assert reply.status_code == 409
    assert "question 1, “Sign the letter as drafted?”" in reply.json()["message"]


def test_once_the_unaided_answer_is_stored_the_questions_keep_that_order(page, trainee, module, late_decide_first):
    spans, sign = late_decide_first
    attempt = services.attempt_start(trainee=trainee, module=module)
    services.response_answer_unaided(attempt=attempt, item=sign, answer={"answer": "fix"})
    html = page.get(reverse("trainee-case", args=[sign.case_id])).content.decode()
    assert re.findall(r'id="item-(\d+)"', html) == [str(sign.pk), str(spans.pk)]
    assert "once you have answered question" not in html and ">penicillin<" in html
