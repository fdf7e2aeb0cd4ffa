import pytest

from quizzes.graders import script_concordance as scr
from quizzes.graders.base import FieldError

SPEC = {"hypothesis": "Pneumonia", "new_information": "The AI flags an opacity."}
PANEL = {"-2": 0, "-1": 1, "0": 6, "1": 3, "2": 0}
ARTIFACT = {"kind": "image", "content": {}, "ground_truth": {"correct": True, "failure_modes": []}}


def grade(value, panel=PANEL):
    return scr.grade(SPEC, {"panel": panel}, {"value": value}, ARTIFACT)


def test_modal_answer_scores_one():
    assert grade(0).score == 1.0


def test_minority_answer_gets_partial_credit():
    result = grade(1)
    assert result.score == 0.5
    assert result.detail == {"value": 1, "votes": 3, "modal_votes": 6}


def test_answer_no_expert_chose_scores_zero():
    assert grade(2).score == 0.0


def test_tied_modal_answers_both_score_one():
    panel = {"-2": 0, "-1": 4, "0": 4, "1": 2, "2": 0}
    assert (grade(-1, panel).score, grade(0, panel).score, grade(1, panel).score) == (1.0, 1.0, 0.5)


def test_integer_panel_keys_from_yaml():
    panel = {-2: 0, -1: 1, 0: 6, 1: 3, 2: 0}
    assert scr.validate_key(SPEC, {"panel": panel}, ARTIFACT) == []
    assert grade(1, panel).score == 0.5


def test_plus_sign_panel_keys():
    panel = {"-2": 0, "-1": 1, "0": 6, "+1": 3, "+2": 0}
    assert scr.validate_key(SPEC, {"panel": panel}, ARTIFACT) == []
    assert grade(1, panel).score == 0.5


def test_valid_key():
    assert scr.validate_key(SPEC, {"panel": PANEL}, ARTIFACT) == []


def test_panel_without_votes():
    panel = dict.fromkeys(PANEL, 0)
    assert scr.validate_key(SPEC, {"panel": panel}, ARTIFACT) == [
        FieldError("key.panel", "the panel must have at least one vote")
    ]


def test_panel_missing_a_value():
    panel = {k: v for k, v in PANEL.items() if k != "2"}
    assert [e.path for e in scr.validate_key(SPEC, {"panel": panel}, ARTIFACT)] == ["key.panel.2"]


def test_panel_value_outside_scale():
    assert [e.path for e in scr.validate_key(SPEC, {"panel": {**PANEL, "3": 1}}, ARTIFACT)] == ["key.panel.3"]


@pytest.mark.parametrize("votes", [-1, 1.5, "2", None, True])
def test_panel_counts_are_non_negative_integers(votes):
    assert [e.path for e in scr.validate_key(SPEC, {"panel": {**PANEL, "1": votes}}, ARTIFACT)] == ["key.panel.1"]


def test_panel_duplicate_value():
    panel = {**PANEL, 1: 2}
    assert [e.path for e in scr.validate_key(SPEC, {"panel": panel}, ARTIFACT)] == ["key.panel.1"]


def test_key_needs_an_artifact():
    assert [e.path for e in scr.validate_key(SPEC, {"panel": PANEL}, None)] == ["artifact"]


def test_spec_needs_hypothesis_and_new_information():
    errors = scr.validate_key({"hypothesis": " "}, {"panel": PANEL}, ARTIFACT)
    assert [e.path for e in errors] == ["spec.new_information", "spec.hypothesis"]


@pytest.mark.parametrize("key", ["x", {}, {"panel": [0, 1, 6, 3, 0]}, {"panel": {None: 1, (1,): 2}}, {"panel": {"a": 1}}])
def test_malformed_key_returns_errors(key):
    assert scr.validate_key(SPEC, key, ARTIFACT)


@pytest.mark.parametrize("value", [-2, 0, 2])
def test_valid_answer(value):
    assert scr.validate_answer(SPEC, {"value": value}, ARTIFACT) == []


@pytest.mark.parametrize("value", [3, -3, 0.5, "1", True, None])
def test_answer_outside_scale(value):
    assert [e.path for e in scr.validate_answer(SPEC, {"value": value}, ARTIFACT)] == ["value"]


@pytest.mark.parametrize("answer", [None, 1, {}, {"value": 1, "why": "x"}])
def test_malformed_answer_returns_errors(answer):
    assert scr.validate_answer(SPEC, answer, ARTIFACT)
