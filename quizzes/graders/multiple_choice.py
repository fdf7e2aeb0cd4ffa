"""Grading of ``multiple_choice``: right ticks add, wrong ticks subtract, floored at 0.

Negative weights for wrong options stop "tick everything" from scoring; the default
weights make ticking all options score 0 and ticking exactly the right ones score 1.
When an author gives ``weights``, options left out of them weigh 0. ``feedback`` may give
a text per option, shown once graded for each option the trainee ticked.
"""

from __future__ import annotations

import math
from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_DUPLICATE,
    MSG_NOT_OPTION,
    MSG_NUMBER,
    MSG_OBJECT,
    add,
    check_list,
    check_object,
    check_option_feedback,
    check_option_ref,
    check_options,
    clamp,
    feedback,
    gettext_noop,
    is_number,
    join,
    option_ids,
)

VERSION = "multiple_choice/1"

MSG_RIGHT_WEIGHT = gettext_noop("the weight of a correct option must be positive")
MSG_WRONG_WEIGHT = gettext_noop("the weight of an incorrect option must not be positive")
MSG_FULL_MARKS = gettext_noop(
    "the weights of the correct options must add up to at least 1 (they add up to %(total)s)"
)


def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    ids: list[str] = []
    if check_object(errors, spec, "spec", allowed=("options",), required=("options",)):
        ids = check_options(errors, spec, "spec")
    if not check_object(errors, key, "key", allowed=("correct", "weights", "feedback"),
                        required=("correct",)):
        return errors
    check_option_feedback(errors, key, ids)
    correct: list[str] = []
    if "correct" in key and check_list(errors, key["correct"], "key.correct", minimum=1):
        correct = _check_ids(errors, key["correct"], "key.correct", ids)
    if "weights" in key:
        _check_weights(errors, key["weights"], ids, correct)
    return errors


def _check_ids(errors: list[FieldError], values: list, path: str, ids: list[str]) -> list[str]:
    seen: list[str] = []
    for i, value in enumerate(values):
        if not check_option_ref(errors, value, join(path, i), ids):
            continue
        if value in seen:
            add(errors, join(path, i), MSG_DUPLICATE, value=value)
        else:
            seen.append(value)
    return seen


def _check_weights(errors: list[FieldError], weights: Any, ids: list[str], correct: list[str]) -> None:
    if not isinstance(weights, dict):
        add(errors, "key.weights", MSG_OBJECT)
        return
    usable = True
    for option, weight in weights.items():
        path = join("key.weights", str(option))
        if ids and option not in ids:
            add(errors, path, MSG_NOT_OPTION, value=str(option))
        elif not is_number(weight):
            add(errors, path, MSG_NUMBER)
            usable = False
        elif option in correct and weight <= 0:
            add(errors, path, MSG_RIGHT_WEIGHT)
        elif option in ids and option not in correct and weight > 0:
            add(errors, path, MSG_WRONG_WEIGHT)
    if usable and correct:
        total = math.fsum(weights.get(option, 0) for option in correct)
        if total < 1 - 1e-9:
            add(errors, "key.weights", MSG_FULL_MARKS, total=round(total, 6))


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if not check_object(errors, answer, "", allowed=("answers",), required=("answers",)):
        return errors
    if "answers" not in answer or not check_list(errors, answer["answers"], "answers"):
        return errors
    ids = option_ids(spec)
    seen: list[str] = []
    for i, value in enumerate(answer["answers"]):
        path = join("answers", i)
        if not isinstance(value, str) or value not in ids:
            add(errors, path, MSG_NOT_OPTION, value=value if isinstance(value, str) else repr(value))
        elif value in seen:
            add(errors, path, MSG_DUPLICATE, value=value)
        else:
            seen.append(value)
    return errors


def effective_weights(spec: dict, key: dict) -> dict[str, float]:
    ids = option_ids(spec)
    if "weights" in key and key["weights"] is not None:
        return {option: float(key["weights"].get(option, 0)) for option in ids}
    right = [o for o in ids if o in key["correct"]]
    wrong = [o for o in ids if o not in key["correct"]]
    return {o: (1 / len(right) if o in right else -1 / len(wrong)) for o in ids}


def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    weights = effective_weights(spec, key)
    ticked = [o for o in weights if o in answer["answers"]]  # spec order, whatever the tick order
    # fsum and rounding keep the sum independent of order and 3 × 1/3 equal to 1.
    raw = round(math.fsum(weights[o] for o in ticked), 9)
    right = sum(o in key["correct"] for o in ticked)
    return GradeResult(
        score=clamp(raw),
        feedback=[feedback(
            gettext_noop("Correct options ticked: %(right)s of %(total)s; incorrect options ticked: %(wrong)s."),
            right=right, total=len(key["correct"]), wrong=len(ticked) - right,
        )],
        detail={"ticked": ticked, "weights": weights, "raw": raw},
    )
