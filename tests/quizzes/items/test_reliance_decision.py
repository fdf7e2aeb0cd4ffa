"""The reliance_decision unit: its answer parsers (unaided and final), its editor parsing, what
the grader is given, and analysis."""
from quizzes.items.reliance_decision import unit

from .helpers import form

SPEC = {"question": "Start?", "options": [{"id": "start", "text": "Start"}, {"id": "wait", "text": "Wait"}],
        "ai_answer": "start", "ask_confidence": True}


def test_accepting_the_ai_is_an_answer():
    assert unit.parse_answer({}, form(decision="accept")).payload == {"decision": "accept"}


def test_overriding_the_ai_carries_the_trainee_s_own_answer_and_confidence():
    parsed = unit.parse_answer(SPEC, form(decision="override", answer="wait", confidence="80"))
    assert parsed.payload == {"decision": "override", "answer": "wait", "confidence": 80}


def test_an_own_answer_posted_with_an_acceptance_is_left_out():
    assert unit.parse_answer({}, form(decision="accept", answer="wait")).payload == {"decision": "accept"}


def test_no_decision_is_refused_at_the_decision():
    parsed = unit.parse_answer({}, form())
    assert parsed.payload is None
    assert parsed.errors == {"decision": ["Choose whether you accept or override the AI output."]}


def test_an_override_without_an_own_answer_is_refused_at_the_answer():
    parsed = unit.parse_answer({}, form(decision="override"))
    assert parsed.errors == {"answer": ["Choose your own answer when you override the AI."]}


def test_a_confidence_that_is_not_a_whole_number_is_refused():
    parsed = unit.parse_answer({}, form(decision="accept", confidence="high"))
    assert parsed.errors == {"confidence": ["Give your confidence as a whole number from 0 to 100."]}


def test_a_missing_confidence_is_refused_when_the_item_asks_for_one():
    parsed = unit.parse_answer(SPEC, form(decision="accept"))
    assert parsed.errors == {"confidence": ["Say how confident you are, from 0 to 100."]}


def test_the_unaided_answer_is_an_option():
    assert unit.parse_unaided(SPEC, form(answer="wait")).payload == {"answer": "wait"}


def test_a_missing_unaided_answer_is_refused_at_the_answer():
    parsed = unit.parse_unaided(SPEC, form())
    assert parsed.payload is None and parsed.errors == {"answer": ["Choose your answer before you see the AI output."]}


def test_the_grader_is_given_the_unaided_answer_beside_the_final_one():
    assert unit.grading_answer({"decision": "accept"}, "wait") == {"decision": "accept", "initial_answer": "wait"}


def test_the_editor_reads_the_question_the_ai_s_answer_and_the_key():
    spec, key, errors = unit.parse_editor(form(**{
        "question": " Start? ", "options-0-text": "Start", "options-1-text": "Wait", "ai_answer": "0", "answer": "1",
        "decide_first": "on",
    }))
    assert spec == {"question": "Start?", "options": [{"id": "a", "text": "Start"}, {"id": "b", "text": "Wait"}],
                    "ai_answer": "a", "decide_first": True, "ask_confidence": False}
    assert key == {"answer": "b"} and errors == {}


def test_the_editor_refuses_an_item_without_the_ai_s_answer():
    _spec, _key, errors = unit.parse_editor(form(**{"options-0-text": "Start", "options-1-text": "Wait", "answer": "1"}))
    assert errors == {"spec.ai_answer": ["mark the option the AI recommends"]}


def test_the_editor_refuses_an_item_without_the_right_answer():
    _spec, key, errors = unit.parse_editor(form(**{"options-0-text": "Start", "options-1-text": "Wait",
                                                   "ai_answer": "0"}))
    assert key == {} and errors == {"key.answer": ["mark the right option"]}


def test_the_analysis_counts_an_acceptance_as_the_ai_s_option():
    assert unit.chosen(SPEC, {"decision": "accept"}) == ["start"]
    assert unit.chosen(SPEC, {"decision": "override", "answer": "wait"}) == ["wait"]


def test_the_analysis_tells_acceptances_apart():
    assert unit.accepted_ai({"decision": "accept"}) is True and unit.accepted_ai("garbage") is False
