"""The key fields Moodle questions brought to the graders: several right options of a single
choice, feedback per option, and a numeric key's other answers (partial credit, wrong values
with feedback, ``*`` for any other number). Pure rules, so properties where they fit."""
from hypothesis import given
from hypothesis import strategies as st

from quizzes.graders import multiple_choice as mc
from quizzes.graders import numeric
from quizzes.graders import single_choice as sc

IDS = list("abcdef")
SPEC = {"options": [{"id": i, "text": i.upper()} for i in IDS]}


def paths(errors):
    return {error.path for error in errors}


@given(right=st.lists(st.sampled_from(IDS), min_size=1, max_size=5, unique=True), data=st.data())
def test_any_option_the_single_choice_key_counts_right_scores_1_and_no_other_does(right, data):
    key = {"answer": right[0], **({"also_right": right[1:]} if right[1:] else {})}
    chosen = data.draw(st.sampled_from(IDS))
    assert sc.validate_key(SPEC, key, None) == []
    assert sc.grade(SPEC, key, {"answer": chosen}, None).score == (1.0 if chosen in right else 0.0)


def test_also_right_repeating_the_answer_or_naming_no_option_is_refused():
    errors = sc.validate_key(SPEC, {"answer": "a", "also_right": ["a", "z"]}, None)
    assert paths(errors) == {"key.also_right[0]", "key.also_right[1]"}


def test_an_empty_also_right_is_refused():
    assert paths(sc.validate_key(SPEC, {"answer": "a", "also_right": []}, None)) == {"key.also_right"}


def test_option_feedback_must_name_options_and_be_text():
    errors = mc.validate_key(SPEC, {"correct": ["a"], "feedback": {"a": "Yes", "z": "?", "b": 3}}, None)
    assert paths(errors) == {"key.feedback.z", "key.feedback.b"}


def test_single_choice_feedback_is_accepted_for_its_options():
    assert sc.validate_key(SPEC, {"answer": "a", "feedback": {"a": "Yes", "b": "No"}}, None) == []


PARTIAL = {"value": 9.2, "tolerance_abs": 0.5, "answers": [
    {"value": 98, "tolerance_abs": 1, "fraction": 0, "feedback": "The specificity."},
    {"value": 9, "tolerance_abs": 2, "fraction": 0.5},
    {"fraction": 0, "feedback": "Draw the table."},
]}


def test_a_numeric_key_with_other_answers_is_valid():
    assert numeric.validate_key({}, PARTIAL, None) == []


def test_another_answer_needs_a_fraction_between_0_and_1():
    key = {"value": 1, "answers": [{"value": 2}, {"value": 3, "fraction": 1.5}, {"fraction": -0.1}]}
    assert paths(numeric.validate_key({}, key, None)) == {
        "key.answers[0].fraction", "key.answers[1].fraction", "key.answers[2].fraction"}


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_the_right_value_scores_1_whatever_the_other_answers(offset):
    key = {**PARTIAL, "answers": [{"value": 9.2 + offset, "fraction": 0.25}, *PARTIAL["answers"]]}
    assert numeric.grade({}, key, {"value": 9.4}, None).score == 1.0


def test_a_value_within_a_partial_answer_scores_its_fraction():
    result = numeric.grade({}, PARTIAL, {"value": 8}, None)
    assert (result.score, result.detail["matched"]) == (0.5, 1)


def test_a_known_wrong_value_scores_0_and_is_matched_for_its_feedback():
    result = numeric.grade({}, PARTIAL, {"value": 97.5}, None)
    assert (result.score, result.detail["matched"]) == (0.0, 0)


def test_an_answer_without_a_value_stands_for_any_other_number():
    result = numeric.grade({}, PARTIAL, {"value": -40}, None)
    assert (result.score, result.detail["matched"]) == (0.0, 2)


@given(value=st.floats(-1e3, 1e3, allow_nan=False), data=st.data())
def test_the_score_is_the_fraction_of_the_first_other_answer_the_value_falls_within(value, data):
    others = data.draw(st.lists(st.fixed_dictionaries({
        "value": st.integers(-1000, 1000), "tolerance_abs": st.floats(0, 50), "fraction": st.floats(0, 1)}),
        max_size=4))
    key = {"value": 5000, "answers": others} if others else {"value": 5000}
    first = next((o for o in others if numeric.within(value, o["value"], o["tolerance_abs"])), None)
    assert numeric.grade({}, key, {"value": value}, None).score == (first["fraction"] if first else 0.0)
