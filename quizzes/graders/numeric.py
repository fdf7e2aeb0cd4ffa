"""Grading of ``numeric``: a number within an absolute or relative tolerance.

Tolerance bounds are inclusive and compared with a hair of slack (1e-9) so that a
boundary the author meant to accept, like 9.7 for 9.2 ± 0.5, is not lost to binary
floating point. With no tolerance the answer must equal the key to that same slack.

Beyond the right value the key may list other ``answers``, as Moodle's numerical
questions hold them: each a ``value`` with its own ``tolerance_abs``, a ``fraction`` of the
marks (0 to 1: partial credit, or 0 for a known wrong answer) and ``feedback``; one
without a value stands for any other number (Moodle's ``*``). A number within the right
value's tolerance scores 1; otherwise the first of ``answers`` it falls within gives its
fraction; none scores 0. (Moodle checks its answers in their written order, the right one
among them; Vigil checks the right one first, which differs only when an earlier answer's
range overlaps it.) ``feedback`` is the right value's own feedback.
"""

from __future__ import annotations

import math
from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_MAX,
    MSG_MIN,
    MSG_NUMBER,
    MSG_STRING,
    add,
    check_list,
    check_object,
    feedback,
    gettext_noop,
    is_number,
    join,
)

VERSION = "numeric/1"

SLACK = 1e-9


def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, spec, "spec", allowed=("unit",)) and "unit" in spec:
        if not isinstance(spec["unit"], str):
            add(errors, "spec.unit", MSG_STRING)
    if not check_object(errors, key, "key", allowed=("value", "tolerance_abs", "tolerance_rel", "feedback", "answers"),
                        required=("value",)):
        return errors
    if "value" in key and not is_number(key["value"]):
        add(errors, "key.value", MSG_NUMBER)
    _check_tolerances(errors, key, "key", ("tolerance_abs", "tolerance_rel"))
    if "feedback" in key and not isinstance(key["feedback"], str):
        add(errors, "key.feedback", MSG_STRING)
    if "answers" in key and check_list(errors, key["answers"], "key.answers", minimum=1):
        for i, other in enumerate(key["answers"]):
            path = join("key.answers", i)
            if not check_object(errors, other, path, allowed=("value", "tolerance_abs", "fraction", "feedback"),
                                required=("fraction",)):
                continue
            if "value" in other and not is_number(other["value"]):
                add(errors, join(path, "value"), MSG_NUMBER)
            _check_tolerances(errors, other, path, ("tolerance_abs",))
            fraction = other.get("fraction")
            if not is_number(fraction):
                add(errors, join(path, "fraction"), MSG_NUMBER)
            elif fraction < 0:
                add(errors, join(path, "fraction"), MSG_MIN, min=0)
            elif fraction > 1:
                add(errors, join(path, "fraction"), MSG_MAX, max=1)
            if "feedback" in other and not isinstance(other["feedback"], str):
                add(errors, join(path, "feedback"), MSG_STRING)
    return errors


def _check_tolerances(errors: list[FieldError], obj: dict, path: str, names: tuple[str, ...]) -> None:
    for name in names:
        if obj.get(name) is None:
            continue
        if not is_number(obj[name]):
            add(errors, join(path, name), MSG_NUMBER)
        elif obj[name] < 0:
            add(errors, join(path, name), MSG_MIN, min=0)


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, answer, "", allowed=("value",), required=("value",)) and "value" in answer:
        if not is_number(answer["value"]):
            add(errors, "value", MSG_NUMBER)
    return errors


def _within(difference: float, tolerance: float) -> bool:
    return difference <= tolerance or math.isclose(difference, tolerance, rel_tol=SLACK, abs_tol=SLACK)


def within(value: float, expected: float, tolerance_abs: float | None, tolerance_rel: float | None = None) -> bool:
    """Whether ``value`` is ``expected`` within the tolerances (none: equal, to the slack)."""
    difference = abs(value - expected)
    if tolerance_abs is None and tolerance_rel is None:
        return math.isclose(value, expected, rel_tol=SLACK, abs_tol=SLACK)
    return (tolerance_abs is not None and _within(difference, tolerance_abs)) or (
        tolerance_rel is not None and _within(difference, tolerance_rel * abs(expected))
    )


def matching_answer(key: dict, value: float) -> int | None:
    """The index of the first of the key's other ``answers`` ``value`` falls within, or None."""
    for i, other in enumerate(key.get("answers") or []):
        if "value" not in other or within(value, other["value"], other.get("tolerance_abs")):
            return i
    return None


def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    value, expected = answer["value"], key["value"]
    difference = abs(value - expected)
    right = within(value, expected, key.get("tolerance_abs"), key.get("tolerance_rel"))
    matched = None if right else matching_answer(key, value)
    fraction = 1.0 if right else float(key["answers"][matched]["fraction"]) if matched is not None else 0.0
    if right:
        line = feedback(gettext_noop("Within the accepted tolerance."))
    elif fraction > 0:
        line = feedback(gettext_noop("Outside the accepted tolerance; your answer is worth %(percent)s%% of the "
                                     "marks."), percent=round(fraction * 100, 2))
    else:
        line = feedback(gettext_noop("Outside the accepted tolerance."))
    return GradeResult(
        score=min(1.0, max(0.0, fraction)),
        feedback=[line],
        detail={
            "value": value,
            "expected": expected,
            # None rather than inf, which JSON columns (PostgreSQL jsonb) refuse.
            "difference": difference if math.isfinite(difference) else None,
            "within_tolerance": right,
            "matched": matched,
            "fraction": fraction,
        },
    )
