"""The trainee API: what a trainee may see and do, and the error shape of bad input."""
import json

import pytest
from rest_framework.test import APIClient

from courses.models import Module
from quizzes import services
from quizzes.models import Response
from tests.factories import ArtifactFactory, ItemFactory, ModuleFactory, UserFactory

NOTE = "Patient is allergic to penicillin. Start amoxicillin 500 mg three times daily."


@pytest.fixture
def client(trainee):
    c = APIClient()
    c.force_authenticate(trainee)
    return c


@pytest.fixture
def attempt(trainee, module):
    return services.attempt_start(trainee=trainee, module=module)


@pytest.fixture
def error_spans(case):
    text = ArtifactFactory(case=case, kind="text", content={"text": NOTE})
    return ItemFactory(case=case, type="error_spans", artifact=text, spec={},
                       key={"spans": [{"start": 11, "end": 33, "failure_mode": "HAL"}]})


@pytest.fixture
def free_text(case):
    return ItemFactory(case=case, type="free_text", spec={"max_words": 50},
                       key={"criteria": [{"id": "c", "text": "Says why", "points": 1, "look_for": [["why"]]}]})


def submit(client, attempt, item, answer):
    return client.post(f"/api/v1/attempts/{attempt.pk}/items/{item.pk}/response/", {"answer": answer}, format="json")


def test_my_courses_lists_the_assigned_course_with_its_modules(client, module):
    body = client.get("/api/v1/me/courses/").json()
    assert [c["course"] for c in body["courses"]] == [module.version.course.slug]
    assert body["courses"][0]["modules"][0]["id"] == module.pk


def test_case_never_shows_the_key(client, attempt, single_choice):
    body = client.get(f"/api/v1/cases/{single_choice.case_id}/").json()
    item = body["items"][0]
    assert "key" not in item and "rationale" not in item
    assert "Because B." not in str(body)


def test_decide_first_case_hides_the_ai_output_before_the_unaided_answer(client, attempt, decide_first):
    body = client.get(f"/api/v1/cases/{decide_first.case_id}/").json()
    assert body["artifacts"][0]["hidden"] is True
    assert "content" not in body["artifacts"][0]
    assert "ai_answer" not in body["items"][0]["spec"]
    assert '"High"' not in str(body).replace("'", '"')


def test_ai_output_is_refused_before_the_unaided_answer(client, attempt, decide_first):
    response = client.get(f"/api/v1/attempts/{attempt.pk}/items/{decide_first.pk}/ai-output/")
    assert response.status_code == 409
    assert response.json()["message"]


def test_ai_output_is_shown_after_the_unaided_answer(client, attempt, decide_first):
    stored = client.post(f"/api/v1/attempts/{attempt.pk}/items/{decide_first.pk}/unaided/", {"answer": {"answer": "wait"}}, format="json")
    assert stored.status_code == 201
    body = client.get(f"/api/v1/attempts/{attempt.pk}/items/{decide_first.pk}/ai-output/").json()
    assert body["ai_answer"] == "start"
    assert body["artifact"]["content"]["output"] == "High"


def test_bad_answer_gets_400_with_the_field_path(client, attempt, single_choice):
    response = submit(client, attempt, single_choice, {"answer": "nope"})
    assert response.status_code == 400
    assert "answer.answer" in response.json()["errors"]
    assert not Response.objects.exists()


def test_missing_answer_envelope_gets_400(client, attempt, single_choice):
    response = client.post(f"/api/v1/attempts/{attempt.pk}/items/{single_choice.pk}/response/", {}, format="json")
    assert response.status_code == 400
    assert "answer" in response.json()["errors"]


def test_submit_then_resubmit_the_same_answer(client, attempt, single_choice):
    assert submit(client, attempt, single_choice, {"answer": "b"}).status_code == 201
    assert submit(client, attempt, single_choice, {"answer": "b"}).status_code == 200
    assert submit(client, attempt, single_choice, {"answer": "a"}).status_code == 409


def test_graded_response_shows_score_key_and_rationale_with_immediate_feedback(client, attempt, single_choice):
    rid = submit(client, attempt, single_choice, {"answer": "a"}).json()["id"]
    services.response_grade(response_id=rid)
    body = client.get(f"/api/v1/responses/{rid}/").json()
    assert body["grade"]["score"] == 0
    assert body["key"] == {"answer": "b"}
    assert "Because B." in body["rationale"]


def test_after_attempt_feedback_withholds_the_key_until_the_attempt_is_submitted(client, attempt, single_choice):
    Module.objects.filter(pk=attempt.module_id).update(feedback_policy="after_attempt")
    rid = submit(client, attempt, single_choice, {"answer": "a"}).json()["id"]
    services.response_grade(response_id=rid)
    assert client.get(f"/api/v1/responses/{rid}/").json()["key"] is None
    client.post(f"/api/v1/attempts/{attempt.pk}/submit/")
    assert client.get(f"/api/v1/responses/{rid}/").json()["key"] == {"answer": "b"}


def test_pending_response_has_no_grade_and_no_key(client, attempt, single_choice):
    rid = submit(client, attempt, single_choice, {"answer": "b"}).json()["id"]
    body = client.get(f"/api/v1/responses/{rid}/").json()
    assert body["state"] == "submitted"
    assert body["grade"] is None and body["key"] is None


def test_another_trainee_cannot_read_my_response(attempt, single_choice, client):
    rid = submit(client, attempt, single_choice, {"answer": "b"}).json()["id"]
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.get(f"/api/v1/responses/{rid}/").status_code == 404


def test_a_module_of_a_course_not_assigned_is_not_found(client):
    assert client.get(f"/api/v1/modules/{ModuleFactory().pk}/").status_code == 404
    assert client.post(f"/api/v1/modules/{ModuleFactory().pk}/attempts/").status_code == 404


def test_an_item_of_another_module_is_not_found(client, attempt):
    foreign = ItemFactory()
    assert submit(client, attempt, foreign, {"answer": "b"}).status_code == 404


def test_an_answer_to_another_trainees_attempt_is_not_found_and_stores_nothing(attempt, single_choice):
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())
    assert submit(stranger, attempt, single_choice, {"answer": "b"}).status_code == 404
    assert not Response.objects.exists()


def test_anonymous_requests_are_refused(single_choice):
    assert APIClient().get("/api/v1/me/courses/").status_code in (401, 403)


def test_my_reliance_has_undefined_measures_before_any_answer(client):
    body = client.get("/api/v1/me/reliance/").json()
    assert body["measures"]["reliance"]["automation_bias_rate"] is None


def test_my_reliance_carries_each_rate_with_k_n_and_its_95_interval(client, trainee, module):
    from progress.models import MeasureCounter
    from progress.measures import wilson
    for name, value in {"rel.W.n": 10, "rel.W.accepted": 4, "rel.R.n": 5, "rel.R.accepted": 5,
                        "sent.signal": 3, "sent.noise": 9, "sent.hits": 2, "sent.fa": 1}.items():
        MeasureCounter.objects.create(trainee=trainee, course=module.version.course, name=name, value=value)
    measures = client.get("/api/v1/me/reliance/").json()["measures"]
    rel = measures["reliance"]
    assert rel["automation_bias_rate"] == 0.4  # the old key stays
    ab = rel["evidence"]["automation_bias"]
    assert (ab["k"], ab["n"]) == (4, 10) and [ab["low"], ab["high"]] == pytest.approx(list(wilson(4, 10)), abs=1e-9)
    assert rel["evidence"]["aversion"]["k"] == 0 and rel["evidence"]["aversion"]["high"] > 0
    dp = measures["detection"]["d_prime_evidence"]
    assert dp["max"] > dp["value"] and "Hautus" in dp["method"]


def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/attempts/{attempt_id}/items/{item_id}/response/" in response.content


def test_other_questions_about_a_hidden_ai_output_are_withheld(client, attempt, decide_first):
    ItemFactory(case=decide_first.case, artifact=decide_first.artifact, prompt="The AI says High: why?")
    body = client.get(f"/api/v1/cases/{decide_first.case_id}/").json()
    assert "The AI says High" not in str(body)
    assert [i.get("withheld", False) for i in body["items"]] == [False, True]


def test_overlapping_spans_are_refused_naming_both(client, attempt, error_spans):
    spans = [{"start": 35, "end": 46}, {"start": 11, "end": 33}, {"start": 50, "end": 60}, {"start": 11, "end": 33}]
    response = submit(client, attempt, error_spans, {"spans": spans})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "answer.spans[3]": ["overlaps span 1 (“allergic to penicillin”); mark each passage once"],
    }
    assert not Response.objects.exists()


def post_raw(client, attempt, item, body: str):
    return client.post(f"/api/v1/attempts/{attempt.pk}/items/{item.pk}/response/", body,
                       content_type="application/json")


def test_an_answer_nested_100000_deep_is_a_400_naming_the_field(client, attempt, single_choice):
    response = post_raw(client, attempt, single_choice, '{"answer": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answer"]
    assert not Response.objects.exists()


def test_a_nul_character_in_a_text_answer_is_a_400_at_its_path(client, attempt, free_text):
    response = submit(client, attempt, free_text, {"text": "Because\u0000 why"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answer.text"]
    assert not Response.objects.exists()


def test_a_lone_surrogate_in_a_text_answer_is_a_400_at_its_path(client, attempt, free_text):
    body = json.dumps({"answer": {"text": "Because \ud800 why"}})  # ensure_ascii: sent as the escape \ud800
    response = post_raw(client, attempt, free_text, body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answer.text"]
    assert not Response.objects.exists()


def test_a_nul_character_in_a_form_encoded_answer_is_a_400_at_its_path(client, attempt, free_text):
    response = client.post(f"/api/v1/attempts/{attempt.pk}/items/{free_text.pk}/response/",
                           {"answer.text": "Because\u0000 why"}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answer.text"]
    assert not Response.objects.exists()
