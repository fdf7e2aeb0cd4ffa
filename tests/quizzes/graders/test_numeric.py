import math

import pytest

from quizzes.graders import numeric
from quizzes.graders.base import FieldError


def grade(value, **key):
    return numeric.grade({"unit": "%"}, {"value": 9.2, **key}, {"value": value}, None)


def test_exact_without_tolerance():
    assert grade(9.2).score == 1.0


def test_near_miss_without_tolerance_scores_zero():
    assert grade(9.2001).score == 0.0


def test_float_noise_is_exact_enough():
    assert numeric.grade({}, {"value": 0.3}, {"value": 0.1 + 0.2}, None).score == 1.0


@pytest.mark.parametrize("value", [8.7, 9.7])
def test_absolute_tolerance_boundary_is_inclusive(value):
    assert grade(value, tolerance_abs=0.5).score == 1.0


def test_just_outside_absolute_tolerance():
    assert grade(9.71, tolerance_abs=0.5).score == 0.0


def test_relative_tolerance_uses_the_key_value():
    assert grade(9.2 * 1.05, tolerance_rel=0.05).score == 1.0
    assert grade(9.2 * 1.051, tolerance_rel=0.05).score == 0.0


def test_relative_tolerance_of_a_negative_value():
    result = numeric.grade({}, {"value": -10, "tolerance_rel": 0.1}, {"value": -11}, None)
    assert result.score == 1.0


def test_either_tolerance_suffices():
    assert grade(9.9, tolerance_abs=0.1, tolerance_rel=0.1).score == 1.0


def test_zero_tolerance_is_exact():
    assert grade(9.2, tolerance_abs=0).score == 1.0
    assert grade(9.3, tolerance_abs=0).score == 0.0


def test_detail():
    result = grade(9.0, tolerance_abs=0.5)
    assert result.detail["value"] == 9.0
    assert result.detail["expected"] == 9.2
    assert result.detail["difference"] == pytest.approx(0.2)
    assert result.detail["within_tolerance"] is True


def test_overflowing_difference_is_none():
    result = numeric.grade({}, {"value": 1e308}, {"value": -1e308}, None)
    assert result.score == 0.0
    assert result.detail["difference"] is None


def test_valid_key():
    assert numeric.validate_key({"unit": "%"}, {"value": 9, "tolerance_abs": 0.5, "tolerance_rel": 0}, None) == []


def test_negative_tolerance():
    assert numeric.validate_key({}, {"value": 9, "tolerance_abs": -0.5}, None) == [
        FieldError("key.tolerance_abs", "must be at least %(min)s", {"min": 0})
    ]


@pytest.mark.parametrize("value", [math.nan, math.inf, "9.2", None, True, 10**400])
def test_key_value_must_be_a_finite_number(value):
    assert [e.path for e in numeric.validate_key({}, {"value": value}, None)] == ["key.value"]


def test_misspelt_tolerance_is_rejected():
    assert [e.path for e in numeric.validate_key({}, {"value": 1, "tolerence_abs": 1}, None)] == ["key.tolerence_abs"]


@pytest.mark.parametrize("spec, key", [("x", "y"), ({"unit": 3}, {}), (None, {"value": [1]})])
def test_malformed_key_returns_errors(spec, key):
    assert numeric.validate_key(spec, key, None)


def test_valid_answer():
    assert numeric.validate_answer({}, {"value": -3}, None) == []


@pytest.mark.parametrize("value", [math.nan, -math.inf, "9.1", None, False, [9]])
def test_answer_must_be_a_finite_number(value):
    assert numeric.validate_answer({}, {"value": value}, None) == [FieldError("value", "must be a finite number")]


@pytest.mark.parametrize("answer", [None, 9.1, {}, {"value": 1, "unit": "%"}])
def test_malformed_answer_returns_errors(answer):
    assert numeric.validate_answer({}, answer, None)
