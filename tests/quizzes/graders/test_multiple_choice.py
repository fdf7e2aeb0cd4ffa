import pytest

from quizzes.graders import multiple_choice as mc
from quizzes.graders.base import FieldError

SPEC = {"options": [{"id": i, "text": i.upper()} for i in "abcd"]}
KEY = {"correct": ["a", "c"]}


def grade(ticked, key=KEY):
    return mc.grade(SPEC, key, {"answers": ticked}, None)


def test_exactly_the_right_options_score_one():
    assert grade(["a", "c"]).score == 1.0


def test_default_weights():
    assert grade([]).detail["weights"] == {"a": 0.5, "b": -0.5, "c": 0.5, "d": -0.5}


def test_one_right_one_wrong_scores_zero_with_default_weights():
    result = grade(["a", "b"])
    assert result.score == 0.0
    assert result.detail["raw"] == 0.0


def test_ticking_everything_scores_zero():
    assert grade(["a", "b", "c", "d"]).score == 0.0


def test_score_is_floored_at_zero():
    result = grade(["b", "d"])
    assert result.detail["raw"] == -1.0
    assert result.score == 0.0


def test_partial_credit():
    assert grade(["c"]).score == 0.5


def test_three_thirds_make_one():
    key = {"correct": ["a", "b", "c"]}
    assert grade(["a", "b", "c"], key).score == 1.0


def test_custom_weights_and_missing_options_weigh_zero():
    key = {"correct": ["a", "c"], "weights": {"a": 0.7, "c": 0.7, "b": -1}}
    result = grade(["a", "d"], key)
    assert result.detail["weights"] == {"a": 0.7, "b": -1.0, "c": 0.7, "d": 0.0}
    assert result.score == pytest.approx(0.7)


def test_custom_weights_are_capped_at_one():
    key = {"correct": ["a", "c"], "weights": {"a": 0.7, "c": 0.7}}
    assert grade(["a", "c"], key).score == 1.0


def test_ticked_listed_in_option_order():
    assert grade(["c", "a"]).detail["ticked"] == ["a", "c"]


def test_valid_key():
    assert mc.validate_key(SPEC, {"correct": ["a"], "weights": {"a": 1, "b": -0.5}}, None) == []


def test_key_needs_a_correct_option():
    assert mc.validate_key(SPEC, {"correct": []}, None) == [
        FieldError("key.correct", "must have at least %(min)s items", {"min": 1})
    ]


def test_key_correct_unknown_and_duplicate():
    errors = mc.validate_key(SPEC, {"correct": ["a", "z", "a"]}, None)
    assert [e.path for e in errors] == ["key.correct[1]", "key.correct[2]"]


def test_weights_for_unknown_option():
    assert [e.path for e in mc.validate_key(SPEC, {"correct": ["a"], "weights": {"a": 1, "z": 0}}, None)] == ["key.weights.z"]


def test_weights_sign_must_match_correctness():
    errors = mc.validate_key(SPEC, {"correct": ["a"], "weights": {"a": 1, "b": 0.5, "c": -1}}, None)
    assert [e.path for e in errors] == ["key.weights.b"]


def test_correct_option_weight_must_be_positive():
    errors = mc.validate_key(SPEC, {"correct": ["a", "b"], "weights": {"a": 1, "b": 0}}, None)
    assert [e.path for e in errors] == ["key.weights.b"]


def test_weights_of_correct_options_must_reach_one():
    errors = mc.validate_key(SPEC, {"correct": ["a", "c"], "weights": {"a": 0.4, "c": 0.4}}, None)
    assert errors == [FieldError(
        "key.weights",
        "the weights of the correct options must add up to at least 1 (they add up to %(total)s)",
        {"total": 0.8},
    )]


def test_weights_must_be_finite_numbers():
    errors = mc.validate_key(SPEC, {"correct": ["a"], "weights": {"a": float("inf"), "b": "x"}}, None)
    assert [e.path for e in errors] == ["key.weights.a", "key.weights.b"]


@pytest.mark.parametrize("key", [
    "a", {}, {"correct": "a"}, {"correct": [1, None]},
    {"correct": ["a"], "weights": [1]}, {"correct": ["a"], "weights": None},
])
def test_malformed_key_returns_errors(key):
    assert mc.validate_key(SPEC, key, None)


def test_valid_answer_may_be_empty():
    assert mc.validate_answer(SPEC, {"answers": []}, None) == []


def test_answer_unknown_option():
    assert [e.path for e in mc.validate_answer(SPEC, {"answers": ["a", "q"]}, None)] == ["answers[1]"]


def test_answer_duplicate_tick():
    assert [e.path for e in mc.validate_answer(SPEC, {"answers": ["a", "a"]}, None)] == ["answers[1]"]


@pytest.mark.parametrize("answer", [None, ["a"], {}, {"answers": "a"}, {"answers": [["a"]]}, {"answers": [], "x": 1}])
def test_malformed_answer_returns_errors(answer):
    assert mc.validate_answer(SPEC, answer, None)
