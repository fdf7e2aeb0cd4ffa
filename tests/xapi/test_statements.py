"""The statements Vigil builds are valid xAPI 1.0.3 (Ralph's pydantic models), and say
nothing the trainee may not see yet."""
import json
from datetime import datetime, timezone as tz

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement

from xapi import statements as st

AT = datetime(2026, 12, 3, 9, 30, tzinfo=tz.utc)
BASE = "https://vigil.invalid/xapi"
AGENT = st.actor(home_page="https://lms.example.org", name="lti-sub-7f3a")
COURSE = st.activity(base=BASE, kind="course", path="courses/c", name="c", language="en")
MODULE = st.activity(base=BASE, kind="module", path="courses/c/modules/m", name="Module", language="en")
RELIANCE_SPEC = {"question": "Start?", "options": [{"id": "start", "text": "Start"}, {"id": "wait", "text": "Wait"}],
                 "ai_answer": "start", "decide_first": True, "ask_confidence": True}


def _answered(result=None, item_type="reliance_decision", spec=RELIANCE_SPEC, answer=None):
    answer = answer or {"decision": "override", "answer": "wait", "confidence": 70}
    item = st.interaction(base=BASE, item_id=3, item_type=item_type, prompt="Start?", spec=spec, language="en")
    ext = st.reliance_extensions(answer=answer, initial_answer={"answer": "start"}, spec=spec, artifact_id=5,
                                 artifact_kind="prediction") if item_type == "reliance_decision" else {}
    return st.item_answered(scope="k", response_id=11, attempt_id=2, agent=AGENT, submitted_at=AT, item=item, module=MODULE,
                            course=COURSE, response=st.response_text(item_type=item_type, answer=answer, spec=spec),
                            extensions=ext, language="en", result=result)


def _valid(statement: dict) -> BaseXapiStatement:
    return BaseXapiStatement(**json.loads(json.dumps(statement)))


def test_an_attempt_started_statement_is_valid_xapi():
    s = st.attempt_started(scope="k", attempt_id=2, agent=AGENT, started_at=AT, course=COURSE, module=MODULE, language="en")
    assert str(_valid(s).verb.id) == "http://adlnet.gov/expapi/verbs/attempted"


def test_an_answered_statement_with_its_result_is_valid_xapi():
    s = _answered(result=st.result_part(score=1.0, ai_correct=False))
    model = _valid(s)
    assert model.result.score.scaled == 1.0 and model.result.success is True
    assert s["result"]["extensions"][st.EXT_AI_CORRECT] is False


def test_an_answered_statement_is_a_cmi_interaction_with_its_interaction_type():
    definition = _answered()["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert definition["interactionType"] == "choice"
    assert [c["id"] for c in definition["choices"]] == ["start", "wait"]


def test_a_reliance_decision_carries_the_unaided_answer_the_ai_output_the_decision_and_the_confidence():
    ext = _answered()["result"]["extensions"]
    assert ext[st.EXT_UNAIDED_ANSWER] == "start"
    assert ext[st.EXT_AI_OUTPUT] == {"artifact": 5, "kind": "prediction", "answer": "start"}
    assert ext[st.EXT_DECISION] == "override"
    assert ext[st.EXT_CONFIDENCE] == 70


def test_without_its_result_an_answered_statement_says_nothing_of_the_score_or_the_truth():
    s = _answered(result=None)
    _valid(s)
    assert "score" not in s["result"] and "success" not in s["result"]
    assert st.EXT_AI_CORRECT not in s["result"]["extensions"]


def test_no_statement_carries_a_correct_responses_pattern():
    assert "correctResponsesPattern" not in json.dumps(_answered(result=st.result_part(score=0.0, ai_correct=True)))


def test_an_accepted_ai_output_is_answered_with_the_ai_answer():
    s = _answered(answer={"decision": "accept"})
    assert s["result"]["response"] == "start"


@pytest.mark.parametrize("item_type, answer, expected", [
    ("single_choice", {"answer": "b"}, "b"),
    ("multiple_choice", {"answers": ["a", "c"]}, "a[,]c"),
    ("numeric", {"value": 4.5}, "4.5"),
    ("free_text", {"text": "Check the allergy."}, "Check the allergy."),
    ("error_spans", {"spans": [[1, 4]]}, '{"spans":[[1,4]]}'),
])
def test_the_response_takes_the_form_of_its_interaction_type(item_type, answer, expected):
    assert st.response_text(item_type=item_type, answer=answer) == expected


@pytest.mark.parametrize("item_type", sorted(st.INTERACTION_TYPES))
def test_every_item_type_makes_a_valid_statement(item_type):
    spec = {"options": [{"id": "a", "text": "A"}]} if item_type in st.CHOICE_TYPES else {}
    _valid(_answered(result=st.result_part(score=0.5, ai_correct=None), item_type=item_type, spec=spec,
                     answer={"answer": "a", "decision": "accept"}))


def test_a_result_released_later_refers_to_its_answered_statement():
    item = st.interaction(base=BASE, item_id=3, item_type="single_choice", prompt="P", spec={}, language="en")
    s = st.result_released(scope="k", response_id=11, attempt_id=2, agent=AGENT, released_at=AT, item=item, module=MODULE,
                           course=COURSE, result=st.result_part(score=0.0, ai_correct=None), language="en")
    _valid(s)
    assert s["context"]["statement"]["id"] == _answered()["id"]
    assert s["id"] != _answered()["id"]


def test_a_module_completed_and_an_attestation_earned_are_valid_xapi():
    _valid(st.module_completed(scope="k", key=(7, 1, "m"), agent=AGENT, completed_at=AT, module=MODULE, course=COURSE,
                               language="en"))
    cert = st.activity(base=BASE, kind="attestation", path="attestations/ABC", name="Course v1", language="en")
    _valid(st.attestation_issued(scope="k", code="ABC", agent=AGENT, issued_at=AT, attestation=cert, course=COURSE,
                                 language="en"))


def test_the_same_row_always_gets_the_same_statement_id():
    assert st.statement_id("k", "answered", 11) == st.statement_id("k", "answered", 11)
    assert st.statement_id("k", "answered", 11) != st.statement_id("k", "answered", 12)


def test_the_same_row_of_two_schools_gets_two_statement_ids():
    assert st.statement_id("school-a", "answered", 11) != st.statement_id("school-b", "answered", 11)


def test_a_pseudonym_is_stable_within_a_school_and_differs_across_schools():
    one = st.pseudonym(key="school-a", user_id=7)
    assert one == st.pseudonym(key="school-a", user_id=7) != st.pseudonym(key="school-b", user_id=7)
    assert len(one) == 32 and "7" != one


def _revised(revision=1):
    item = st.interaction(base=BASE, item_id=3, item_type="reliance_decision", prompt="Start?", spec=RELIANCE_SPEC,
                          language="en")
    answer = {"decision": "override", "answer": "wait", "confidence": 70}
    ext = st.reliance_extensions(answer=answer, initial_answer={"answer": "start"}, spec=RELIANCE_SPEC,
                                 artifact_id=5, artifact_kind="prediction")
    return st.result_revised(scope="k", response_id=11, revision=revision, attempt_id=2, agent=AGENT,
                             revised_at=AT, item=item, module=MODULE, course=COURSE,
                             response=st.response_text(item_type="reliance_decision", answer=answer,
                                                       spec=RELIANCE_SPEC),
                             extensions=ext, result=st.result_part(score=0.0, ai_correct=True), language="en")


def test_a_revised_result_is_valid_xapi_and_repeats_the_answer():
    s = _revised()
    model = _valid(s)
    assert str(model.verb.id) == "http://adlnet.gov/expapi/verbs/scored" and model.result.success is False
    assert s["result"]["response"] == "wait" and s["result"]["extensions"][st.EXT_AI_CORRECT] is True
    assert s["context"]["statement"]["id"] == st.statement_id("k", "answered", 11)


def test_each_revision_has_its_own_id_and_none_is_the_first_scored_statement():
    ids = {_revised(1)["id"], _revised(2)["id"], st.statement_id("k", "scored", 11)}
    assert len(ids) == 3 and _revised(1)["id"] == _revised(1)["id"]


def test_a_voiding_statement_is_valid_xapi_and_names_no_trainee():
    voided = st.statement_id("k", "answered", 11)
    s = st.voiding(scope="k", voided_id=voided, agent=st.vigil_agent(base=BASE), voided_at=AT, language="en")
    model = _valid(s)
    assert str(model.verb.id) == "http://adlnet.gov/expapi/verbs/voided"
    assert s["object"] == {"objectType": "StatementRef", "id": voided}
    assert s["id"] == st.statement_id("k", "voided", voided) and "lti-sub" not in json.dumps(s)
