import pytest

from quizzes.graders import reliance_decision as rd
from quizzes.graders.base import FieldError

OPTIONS = [{"id": "start", "text": "Start the bundle"}, {"id": "reassess", "text": "Reassess in one hour"}]


def spec(**extra):
    return {"question": "Start the bundle?", "options": OPTIONS, "ai_answer": "start", **extra}


def artifact(correct):
    return {"kind": "prediction", "content": {}, "ground_truth": {"correct": correct, "failure_modes": []}}


def paths(errors):
    return [e.path for e in errors]


# --- grading ----------------------------------------------------------------------------

def test_accepting_a_right_ai_scores_one():
    result = rd.grade(spec(), {"answer": "start"}, {"decision": "accept"}, artifact(True))
    assert result.score == 1.0
    assert result.detail == {
        "ai_answer": "start", "ai_correct": True, "decision": "accept", "final_answer": "start",
        "final_correct": True, "initial_answer": None, "initial_correct": None, "confidence": None,
    }


def test_accepting_a_wrong_ai_scores_zero():
    result = rd.grade(spec(), {"answer": "reassess"}, {"decision": "accept", "confidence": 80}, artifact(False))
    assert result.score == 0.0
    assert result.detail["ai_correct"] is False
    assert result.detail["final_answer"] == "start"
    assert result.detail["confidence"] == 80


def test_overriding_a_wrong_ai_with_the_right_answer_scores_one():
    answer = {"decision": "override", "answer": "reassess"}
    result = rd.grade(spec(), {"answer": "reassess"}, answer, artifact(False))
    assert result.score == 1.0
    assert result.detail["final_answer"] == "reassess"


def test_overriding_a_right_ai_scores_zero():
    answer = {"decision": "override", "answer": "reassess"}
    result = rd.grade(spec(), {"answer": "start"}, answer, artifact(True))
    assert result.score == 0.0
    assert result.detail["final_correct"] is False


def test_override_with_a_wrong_answer_when_ai_was_wrong_scores_zero():
    three = spec(options=[*OPTIONS, {"id": "wait", "text": "Wait"}])
    answer = {"decision": "override", "answer": "wait"}
    assert rd.grade(three, {"answer": "reassess"}, answer, artifact(False)).score == 0.0


def test_initial_answer_is_recorded():
    answer = {"decision": "accept", "initial_answer": "reassess"}
    result = rd.grade(spec(), {"answer": "reassess"}, answer, artifact(False))
    assert result.detail["initial_answer"] == "reassess"
    assert result.detail["initial_correct"] is True


def test_switching_away_from_a_right_initial_answer_is_pointed_out():
    answer = {"decision": "accept", "initial_answer": "reassess"}
    result = rd.grade(spec(), {"answer": "reassess"}, answer, artifact(False))
    assert result.feedback[-1]["message"] == "Your first, unaided answer was right: the AI output changed your mind."


def test_initial_answer_none_means_no_initial():
    answer = {"decision": "accept", "initial_answer": None}
    result = rd.grade(spec(), {"answer": "start"}, answer, artifact(True))
    assert result.detail["initial_correct"] is None
    assert len(result.feedback) == 1


# --- key validation ---------------------------------------------------------------------

def test_valid_key():
    assert rd.validate_key(spec(decide_first=True, ask_confidence=True), {"answer": "reassess"}, artifact(False)) == []


def test_ai_answer_equal_to_key_but_artifact_marked_wrong():
    errors = rd.validate_key(spec(), {"answer": "start"}, artifact(False))
    assert paths(errors) == ["key.answer"]


def test_ai_answer_differs_from_key_but_artifact_marked_right():
    errors = rd.validate_key(spec(), {"answer": "reassess"}, artifact(True))
    assert paths(errors) == ["key.answer"]


def test_key_needs_an_artifact():
    assert paths(rd.validate_key(spec(), {"answer": "start"}, None)) == ["artifact"]


def test_artifact_without_ground_truth():
    assert paths(rd.validate_key(spec(), {"answer": "start"}, {"kind": "text", "content": {}})) == ["artifact"]


def test_key_answer_not_an_option():
    errors = rd.validate_key(spec(), {"answer": "wait"}, artifact(True))
    assert errors == [FieldError("key.answer", "%(value)s is not an option of this item", {"value": "wait"})]


def test_ai_answer_not_an_option():
    assert paths(rd.validate_key(spec(ai_answer="wait"), {"answer": "start"}, artifact(True))) == ["spec.ai_answer"]


def test_duplicate_option_ids():
    options = [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}]
    errors = rd.validate_key(spec(options=options, ai_answer="a"), {"answer": "a"}, artifact(True))
    assert paths(errors) == ["spec.options[1].id"]


def test_at_least_two_options():
    errors = rd.validate_key(spec(options=OPTIONS[:1]), {"answer": "start"}, artifact(True))
    assert errors == [FieldError("spec.options", "must have at least %(min)s items", {"min": 2})]


def test_flags_must_be_boolean():
    errors = rd.validate_key(spec(decide_first=1, ask_confidence="no"), {"answer": "start"}, artifact(True))
    assert paths(errors) == ["spec.decide_first", "spec.ask_confidence"]


@pytest.mark.parametrize("bad_spec, key", [
    ("spec", "key"),
    ({"options": "ab", "ai_answer": ["start"]}, {"answer": {}}),
    ({"question": 3, "options": [None, {"id": 1}], "ai_answer": "x"}, {}),
])
def test_malformed_key_returns_errors(bad_spec, key):
    assert rd.validate_key(bad_spec, key, artifact(True))


# --- answer validation --------------------------------------------------------------------

def test_valid_accept():
    assert rd.validate_answer(spec(), {"decision": "accept"}, None) == []


def test_accept_may_repeat_the_ai_answer():
    assert rd.validate_answer(spec(), {"decision": "accept", "answer": "start"}, None) == []


def test_accept_with_another_answer():
    assert paths(rd.validate_answer(spec(), {"decision": "accept", "answer": "reassess"}, None)) == ["answer"]


def test_override_needs_an_answer():
    assert paths(rd.validate_answer(spec(), {"decision": "override"}, None)) == ["answer"]


def test_override_with_the_ai_answer():
    errors = rd.validate_answer(spec(), {"decision": "override", "answer": "start"}, None)
    assert errors == [FieldError("answer", "must differ from the AI's answer when overriding")]


def test_override_with_an_unknown_option():
    assert paths(rd.validate_answer(spec(), {"decision": "override", "answer": "wait"}, None)) == ["answer"]


def test_unknown_decision():
    assert paths(rd.validate_answer(spec(), {"decision": "maybe"}, None)) == ["decision"]


def test_confidence_required_when_asked():
    assert paths(rd.validate_answer(spec(ask_confidence=True), {"decision": "accept"}, None)) == ["confidence"]


@pytest.mark.parametrize("confidence", [-1, 101, 50.5, "70", True])
def test_confidence_must_be_an_integer_from_0_to_100(confidence):
    answer = {"decision": "accept", "confidence": confidence}
    assert paths(rd.validate_answer(spec(ask_confidence=True), answer, None)) == ["confidence"]


@pytest.mark.parametrize("confidence", [0, 100])
def test_confidence_bounds_are_inclusive(confidence):
    assert rd.validate_answer(spec(ask_confidence=True), {"decision": "accept", "confidence": confidence}, None) == []


def test_unknown_answer_field():
    assert rd.validate_answer(spec(), {"decision": "accept", "initial_answer": "start"}, None) == [
        FieldError("initial_answer", "unknown field")
    ]


@pytest.mark.parametrize("answer", [None, "accept", [], {}, {"decision": ["accept"]}, {"decision": "override", "answer": {}}])
def test_malformed_answer_returns_errors(answer):
    assert rd.validate_answer(spec(), answer, None)


# --- initial answer validation ------------------------------------------------------------

def test_valid_initial_answer():
    assert rd.validate_initial_answer(spec(decide_first=True), {"answer": "reassess"}) == []


def test_initial_answer_only_for_decide_first_items():
    assert paths(rd.validate_initial_answer(spec(), {"answer": "reassess"})) == [""]


def test_initial_answer_must_be_an_option():
    assert paths(rd.validate_initial_answer(spec(decide_first=True), {"answer": "wait"})) == ["answer"]


@pytest.mark.parametrize("answer", [None, "start", {}, {"answer": 1}, {"answer": "start", "confidence": 3}])
def test_malformed_initial_answer_returns_errors(answer):
    assert rd.validate_initial_answer(spec(decide_first=True), answer)
