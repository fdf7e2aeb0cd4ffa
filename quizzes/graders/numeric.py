"""Grading of ``numeric``: a number within an absolute or relative tolerance.

Tolerance bounds are inclusive and compared with a hair of slack (1e-9) so that a
boundary the author meant to accept, like 9.7 for 9.2 ± 0.5, is not lost to binary
floating point. With no tolerance the answer must equal the key to that same slack.
"""

from __future__ import annotations

import math
from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_MIN,
    MSG_NUMBER,
    MSG_STRING,
    add,
    check_object,
    feedback,
    gettext_noop,
    is_number,
)

VERSION = "numeric/1"

SLACK = 1e-9


def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, spec, "spec", allowed=("unit",)) and "unit" in spec:
        if not isinstance(spec["unit"], str):
            add(errors, "spec.unit", MSG_STRING)
    if not check_object(errors, key, "key", allowed=("value", "tolerance_abs", "tolerance_rel"), required=("value",)):
        return errors
    if "value" in key and not is_number(key["value"]):
        add(errors, "key.value", MSG_NUMBER)
    for name in ("tolerance_abs", "tolerance_rel"):
        if key.get(name) is None:
            continue
        if not is_number(key[name]):
            add(errors, f"key.{name}", MSG_NUMBER)
        elif key[name] < 0:
            add(errors, f"key.{name}", MSG_MIN, min=0)
    return errors


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, answer, "", allowed=("value",), required=("value",)) and "value" in answer:
        if not is_number(answer["value"]):
            add(errors, "value", MSG_NUMBER)
    return errors


def _within(difference: float, tolerance: float) -> bool:
    return difference <= tolerance or math.isclose(difference, tolerance, rel_tol=SLACK, abs_tol=SLACK)


def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    value, expected = answer["value"], key["value"]
    difference = abs(value - expected)
    tolerance_abs, tolerance_rel = key.get("tolerance_abs"), key.get("tolerance_rel")
    if tolerance_abs is None and tolerance_rel is None:
        within = math.isclose(value, expected, rel_tol=SLACK, abs_tol=SLACK)
    else:
        within = (tolerance_abs is not None and _within(difference, tolerance_abs)) or (
            tolerance_rel is not None and _within(difference, tolerance_rel * abs(expected))
        )
    return GradeResult(
        score=1.0 if within else 0.0,
        feedback=[feedback(
            gettext_noop("Within the accepted tolerance.") if within
            else gettext_noop("Outside the accepted tolerance.")
        )],
        detail={
            "value": value,
            "expected": expected,
            # None rather than inf, which JSON columns (PostgreSQL jsonb) refuse.
            "difference": difference if math.isfinite(difference) else None,
            "within_tolerance": within,
        },
    )
