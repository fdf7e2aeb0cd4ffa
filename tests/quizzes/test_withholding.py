"""What a trainee cannot obtain before it is released, from any page or endpoint.

Decide first: until every decide-first item about an AI output has its unaided answer
stored, nothing derived from that output is obtainable — its content, source and the AI's
answer, the other questions about it, the answers to them, their keys and rationales, not
even the order of the checks a refused answer meets. Feedback: the key, the rationale and
the artifact's ground truth (whether the AI was right, and any sentence saying so) wait for
the module's feedback policy; the score shows once graded.

Unique markers are planted in the AI output, the questions about it, the keys, the
rationales and the ground truth, and looked for in every body (API JSON and page HTML).
"""
import json

import pytest
from rest_framework.test import APIClient

from courses.models import Module
from quizzes import services
from quizzes.models import Response
from tests.factories import ArtifactFactory, EnrollmentFactory, ItemFactory

pytestmark = pytest.mark.django_db

AI_MODEL, AI_OUTPUT, AI_SOURCE = "MkAiModel7f3a", "MkAiOutput7f3a", "MkAiSource7f3a"
SIBLING_PROMPT, SIBLING_KEY = "MkSiblingPrompt7f3a", "MkSiblingKey7f3a"
RATIONALE, TRUTH = "MkRationale7f3a", "MkTruth7f3a"
MARKERS = (AI_MODEL, AI_OUTPUT, AI_SOURCE, SIBLING_PROMPT, SIBLING_KEY, RATIONALE, TRUTH)
# What says which answer the AI gave: the API's field and the page's sentence.
AI_ANSWER_SIGNS = ('"ai_answer"', "The AI recommends")
# Sentences of the feedback that say whether the AI was right (the ground truth).
AI_VERDICTS = ("it was right", "it was wrong", "which was wrong", "was correct.", "was wrong.", '"ai_correct"')


def leaks(body: str, signs=MARKERS + AI_ANSWER_SIGNS) -> list[str]:
    return [s for s in signs if s in body]


def text(reply) -> str:
    if reply.get("Content-Type", "").startswith("application/json"):
        return json.dumps(reply.json())
    return reply.content.decode()


@pytest.fixture
def api(trainee):
    client = APIClient()
    client.force_authenticate(trainee)
    return client


@pytest.fixture
def page(client, trainee):
    trainee.save(update_fields=["password"])  # see test_views.signed_in
    client.force_login(trainee)
    return client


@pytest.fixture
def attempt(trainee, module):
    return services.attempt_start(trainee=trainee, module=module)


def decide_first_item(case, artifact, *, ai_answer="start", key="wait"):
    item = ItemFactory(
        case=case, type="reliance_decision", artifact=artifact, prompt="Decide on your own first.",
        spec={"question": "Start the bundle?",
              "options": [{"id": "start", "text": "Start now"}, {"id": "wait", "text": "Wait an hour"}],
              "ai_answer": ai_answer, "decide_first": True, "ask_confidence": False},
        key={"answer": key}, competencies=["OVS"],
    )
    item.key.rationale = RATIONALE
    item.key.save()
    return item


@pytest.fixture
def withheld(case):
    """A case whose AI output is behind a decide-first item (question 1), with another question
    about the same output (question 2) quoting it; returns (decide-first item, sibling)."""
    artifact = ArtifactFactory(
        case=case, kind="prediction", title="Sepsis alert", source=AI_SOURCE, ai_correct=False,
        truth_explanation=TRUTH, content={"model": AI_MODEL, "target": "Sepsis", "output": AI_OUTPUT, "probability": 0.8},
    )
    first = decide_first_item(case, artifact)
    sibling = ItemFactory(
        case=case, artifact=artifact, prompt=f"The AI says {AI_OUTPUT}: {SIBLING_PROMPT}?",
        spec={"options": [{"id": "a", "text": "Trust it"}, {"id": "b", "text": SIBLING_KEY}]}, key={"answer": "b"},
    )
    sibling.key.rationale = RATIONALE
    sibling.key.save()
    return first, sibling


def post_answer(api, attempt, item, answer):
    return api.post(f"/api/v1/attempts/{attempt.pk}/items/{item.pk}/response/", {"answer": answer}, format="json")


def post_unaided(api, attempt, item, answer="wait"):
    return api.post(f"/api/v1/attempts/{attempt.pk}/items/{item.pk}/unaided/", {"answer": {"answer": answer}}, format="json")


def ai_output(api, attempt, item):
    return api.get(f"/api/v1/attempts/{attempt.pk}/items/{item.pk}/ai-output/")


# ---------------------------------------------------------------- decide first

def test_a_sibling_questions_ai_output_is_refused_until_the_unaided_answer(api, attempt, withheld):
    first, sibling = withheld
    early = ai_output(api, attempt, sibling)
    assert early.status_code == 409 and "question 1" in early.json()["message"]
    assert leaks(text(early)) == []
    assert post_unaided(api, attempt, first).status_code == 201
    assert ai_output(api, attempt, sibling).json()["artifact"]["content"]["output"] == AI_OUTPUT


def test_a_decide_first_ai_output_waits_for_every_unaided_answer_about_it(api, attempt, withheld):
    first, _sibling = withheld
    second = decide_first_item(first.case, first.artifact)
    assert post_unaided(api, attempt, first).status_code == 201
    assert ai_output(api, attempt, first).status_code == 409
    case = text(api.get(f"/api/v1/cases/{first.case_id}/"))
    assert leaks(case) == []
    assert post_unaided(api, attempt, second).status_code == 201
    assert ai_output(api, attempt, first).json()["ai_answer"] == "start"


def test_a_final_answer_before_the_unaided_one_meets_one_refusal_whatever_it_says(api, attempt, withheld):
    first, _sibling = withheld
    answers = [
        {"decision": "accept", "answer": "start"},  # the AI's answer
        {"decision": "accept", "answer": "wait"},
        {"decision": "override", "answer": "start"},
        {"decision": "override", "answer": "wait"},
        {"decision": "accept", "confidence": 500},
        {"decision": "maybe"},
    ]
    replies = [post_answer(api, attempt, first, answer) for answer in answers]
    assert {(r.status_code, json.dumps(r.json())) for r in replies} == {(replies[0].status_code, json.dumps(replies[0].json()))}
    assert replies[0].status_code == 409 and "unaided answer first" in replies[0].json()["message"]
    assert not Response.objects.exists()


def test_a_decide_first_item_without_an_ai_output_still_waits_for_its_unaided_answer(api, attempt, case):
    alone = decide_first_item(case, None)
    early = post_answer(api, attempt, alone, {"decision": "override", "answer": "wait"})
    assert early.status_code == 409 and "unaided answer first" in early.json()["message"]
    assert not Response.objects.filter(state=Response.State.SUBMITTED).exists()
    assert post_unaided(api, attempt, alone).status_code == 201
    assert post_answer(api, attempt, alone, {"decision": "override", "answer": "wait"}).status_code == 201


def test_another_attempts_unaided_answer_opens_nothing_in_mine(api, attempt, withheld, module):
    first, sibling = withheld
    other = EnrollmentFactory(cohort=module.version.course.assignments.get().cohort).user
    theirs = services.attempt_start(trainee=other, module=module)
    services.response_answer_unaided(attempt=theirs, item=first, answer={"answer": "wait"})
    assert post_answer(api, attempt, sibling, {"answer": "b"}).status_code == 409
    assert post_answer(api, attempt, first, {"decision": "override", "answer": "wait"}).status_code == 409
    assert not Response.objects.filter(attempt=attempt).exists()


def test_the_page_refuses_a_final_answer_before_the_unaided_one_alike_whatever_it_says(page, attempt, withheld):
    first, _sibling = withheld
    url = f"/learn/attempts/{attempt.pk}/items/{first.pk}/answer/"
    as_the_ai = page.post(url, {"decision": "override", "answer": "start"})
    otherwise = page.post(url, {"decision": "override", "answer": "wait"})
    assert as_the_ai.status_code == otherwise.status_code == 409
    assert "unaided answer first" in text(as_the_ai) and "must differ" not in text(as_the_ai)
    assert leaks(text(as_the_ai)) == leaks(text(otherwise)) == []
    assert not Response.objects.exists()


def test_answering_a_withheld_sibling_is_refused_naming_the_unaided_question(api, attempt, withheld):
    first, sibling = withheld
    refused = post_answer(api, attempt, sibling, {"answer": "b"})
    assert refused.status_code == 409
    assert "Answer the unaided question first" in refused.json()["message"] and "question 1" in refused.json()["message"]
    assert leaks(text(refused)) == []
    assert not Response.objects.exists()
    post_unaided(api, attempt, first)
    assert post_answer(api, attempt, sibling, {"answer": "b"}).status_code == 201


def test_the_page_refuses_an_answer_to_a_withheld_sibling(page, attempt, withheld):
    _first, sibling = withheld
    refused = page.post(f"/learn/attempts/{attempt.pk}/items/{sibling.pk}/answer/", {"answer": "b"})
    assert refused.status_code == 409 and "Answer the unaided question first" in text(refused)
    assert leaks(text(refused)) == []
    assert not Response.objects.exists()


def test_the_poll_and_the_feedback_fragment_agree_on_a_withheld_answer(api, page, attempt, withheld):
    first, sibling = withheld
    # An answer stored while nothing refused it (before the rule held on this path).
    legacy = Response.objects.create(attempt=attempt, item=sibling, state=Response.State.SUBMITTED, answer={"answer": "b"},
                                     submitted_at=attempt.started_at)
    services.response_grade(response_id=legacy.pk)
    poll = api.get(f"/api/v1/responses/{legacy.pk}/")
    fragment = page.get(f"/learn/responses/{legacy.pk}/feedback/")
    assert (poll.status_code, fragment.status_code) == (404, 404)
    assert leaks(text(poll)) == []
    post_unaided(api, attempt, first)
    assert api.get(f"/api/v1/responses/{legacy.pk}/").json()["key"] == {"answer": "b"}
    assert page.get(f"/learn/responses/{legacy.pk}/feedback/").status_code == 200


def test_nothing_derived_from_a_withheld_ai_output_is_in_any_body(api, page, attempt, withheld):
    first, sibling = withheld
    case, module = first.case, first.case.module
    bodies = {}
    for item in (first, sibling):  # everything a trainee might try before the unaided answer
        bodies[f"ai-output {item.slug}"] = ai_output(api, attempt, item)
        for n, answer in enumerate(({"decision": "accept", "answer": "start"}, {"answer": "b"})):
            bodies[f"api answer {item.slug} {n}"] = post_answer(api, attempt, item, answer)
        for n, form in enumerate(({"decision": "accept", "answer": "start"}, {"answer": "b"})):
            bodies[f"page answer {item.slug} {n}"] = page.post(
                f"/learn/attempts/{attempt.pk}/items/{item.pk}/answer/", form)
    for r in Response.objects.filter(state=Response.State.SUBMITTED):
        services.response_grade(response_id=r.pk)
    for path in (f"/api/v1/cases/{case.pk}/", f"/api/v1/modules/{module.pk}/", f"/api/v1/attempts/{attempt.pk}/",
                 "/api/v1/me/courses/", f"/learn/cases/{case.pk}/", f"/learn/modules/{module.pk}/", "/"):
        bodies[path] = (api if path.startswith("/api/") else page).get(path)
    for r in Response.objects.all():
        bodies[f"poll {r.pk}"] = api.get(f"/api/v1/responses/{r.pk}/")
        bodies[f"fragment {r.pk}"] = page.get(f"/learn/responses/{r.pk}/feedback/")
    found = {name: leaks(text(reply)) for name, reply in bodies.items()}
    assert {name: signs for name, signs in found.items() if signs} == {}


# ---------------------------------------------------------------- the feedback policy

@pytest.fixture
def ai_right_after_attempt(attempt, withheld):
    """In a module whose feedback is due after the attempt, the trainee overrode an AI
    output that was right; the answer is graded, the attempt still open."""
    first, _sibling = withheld
    Module.objects.filter(pk=attempt.module_id).update(feedback_policy=Module.FeedbackPolicy.AFTER_ATTEMPT)
    artifact = first.artifact
    artifact.ai_correct = True
    artifact.save()
    first.key.answer = {"answer": "start"}
    first.key.save()
    services.response_answer_unaided(attempt=attempt, item=first, answer={"answer": "wait"})
    response, _created = services.response_submit(attempt=attempt, item=first, answer={"decision": "override", "answer": "wait"})
    services.response_grade(response_id=response.pk)
    return response


def test_after_attempt_the_api_says_nothing_of_the_ai_being_right_until_the_attempt_is_submitted(
        api, attempt, ai_right_after_attempt):
    response = ai_right_after_attempt
    bodies = [api.get(f"/api/v1/responses/{response.pk}/"), api.get(f"/api/v1/attempts/{attempt.pk}/"),
              api.get(f"/api/v1/cases/{response.item.case_id}/")]
    assert bodies[0].json()["grade"]["score"] == 0
    assert [leaks(text(b), AI_VERDICTS + (RATIONALE, TRUTH)) for b in bodies] == [[], [], []]
    services.attempt_submit(attempt=attempt)
    released = api.get(f"/api/v1/responses/{response.pk}/").json()
    assert "You overrode the AI output, but it was right." in released["grade"]["feedback"]
    assert released["detail"]["ai_correct"] is True


def test_after_attempt_the_pages_say_nothing_of_the_ai_being_right_until_the_attempt_is_submitted(
        page, attempt, ai_right_after_attempt):
    response = ai_right_after_attempt
    case_url, fragment_url = f"/learn/cases/{response.item.case_id}/", f"/learn/responses/{response.pk}/feedback/"
    bodies = [page.get(case_url), page.get(fragment_url)]
    assert all("your score is 0%" in text(b) for b in bodies)
    assert [leaks(text(b), AI_VERDICTS + (RATIONALE, TRUTH)) for b in bodies] == [[], []]
    services.attempt_submit(attempt=attempt)
    for url in (case_url, fragment_url):
        released = text(page.get(url))
        assert "You overrode the AI output, but it was right." in released and TRUTH in released
