import pytest

from quizzes.graders import single_choice as sc
from quizzes.graders.base import FieldError

OPTIONS = [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]


def spec(certainty=False):
    return {"options": OPTIONS, "certainty": certainty}


def grade(answer, certainty=False):
    return sc.grade(spec(certainty), {"answer": "b"}, answer, None)


def test_right_answer_scores_one():
    result = grade({"answer": "b"})
    assert result.score == 1.0
    assert result.cbm_mark is None
    assert result.detail == {"answer": "b", "correct": True, "certainty": None, "cbm_mark": None}


def test_wrong_answer_scores_zero():
    assert grade({"answer": "a"}).score == 0.0


@pytest.mark.parametrize("certainty, right_mark, wrong_mark", [(1, 1, 0), (2, 2, -2), (3, 3, -6)])
def test_cbm_marks(certainty, right_mark, wrong_mark):
    right = grade({"answer": "b", "certainty": certainty}, certainty=True)
    wrong = grade({"answer": "a", "certainty": certainty}, certainty=True)
    assert (right.cbm_mark, wrong.cbm_mark) == (right_mark, wrong_mark)
    assert (right.score, wrong.score) == (1.0, 0.0)
    assert right.detail["cbm_mark"] == right_mark


def test_certainty_ignored_for_marking_when_item_has_no_cbm():
    result = grade({"answer": "b", "certainty": 3})
    assert result.cbm_mark is None
    assert result.detail["certainty"] == 3


def test_valid_key():
    assert sc.validate_key(spec(True), {"answer": "a"}, None) == []


def test_key_answer_not_an_option():
    assert sc.validate_key(spec(), {"answer": "c"}, None) == [
        FieldError("key.answer", "%(value)s is not an option of this item", {"value": "c"})
    ]


def test_key_unknown_spec_field():
    assert [e.path for e in sc.validate_key({**spec(), "shuffle": True}, {"answer": "a"}, None)] == ["spec.shuffle"]


def test_option_needs_text():
    errors = sc.validate_key({"options": [{"id": "a"}, {"id": "b", "text": ""}]}, {"answer": "a"}, None)
    assert [e.path for e in errors] == ["spec.options[0].text", "spec.options[1].text"]


@pytest.mark.parametrize("bad_spec, key", [
    ("x", "y"), ({"options": None}, {"answer": None}), ({}, {}), ({"options": [[], 3]}, {"answer": ["a"]}),
])
def test_malformed_key_returns_errors(bad_spec, key):
    assert sc.validate_key(bad_spec, key, None)


def test_valid_answer():
    assert sc.validate_answer(spec(True), {"answer": "a", "certainty": 2}, None) == []


def test_answer_not_an_option():
    assert [e.path for e in sc.validate_answer(spec(), {"answer": "z"}, None)] == ["answer"]


def test_certainty_required_with_cbm():
    assert [e.path for e in sc.validate_answer(spec(True), {"answer": "a"}, None)] == ["certainty"]


@pytest.mark.parametrize("certainty", [0, 4, 2.0, "2", False])
def test_certainty_must_be_1_to_3(certainty):
    assert [e.path for e in sc.validate_answer(spec(True), {"answer": "a", "certainty": certainty}, None)] == ["certainty"]


@pytest.mark.parametrize("answer", [None, "a", {}, {"answer": ["a"]}, {"answer": "a", "extra": 1}])
def test_malformed_answer_returns_errors(answer):
    assert sc.validate_answer(spec(), answer, None)
