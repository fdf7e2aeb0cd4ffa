"""Grading of ``single_choice``, with optional certainty-based marking (CBM).

The key names the right option (``answer``); ``also_right`` may name more options that
are right as well (a Moodle single-answer question may grade several answers 100%: any of
them is right), and ``feedback`` a text per option, shown once graded.

The CBM mark (Moodle's scheme) is kept beside the 0/1 score rather than folded into it:
the score stays comparable across items, while the summed marks show whether a trainee's
certainty is earned, which is the calibration habit the course is about.
"""

from __future__ import annotations

from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_DUPLICATE,
    MSG_INTEGER,
    MSG_MAX,
    MSG_MIN,
    add,
    check_bool,
    check_list,
    check_object,
    check_option_feedback,
    check_option_ref,
    check_options,
    feedback,
    gettext_noop,
    is_int,
    join,
    option_ids,
)

VERSION = "single_choice/1"

# certainty -> (mark when right, mark when wrong)
CBM_MARKS = {1: (1, 0), 2: (2, -2), 3: (3, -6)}

MSG_CERTAINTY_REQUIRED = gettext_noop("say how certain you are (1 to 3)")


def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    ids: list[str] = []
    if check_object(errors, spec, "spec", allowed=("options", "certainty"), required=("options",)):
        ids = check_options(errors, spec, "spec")
        check_bool(errors, spec, "certainty", "spec")
    if not check_object(errors, key, "key", allowed=("answer", "also_right", "feedback"), required=("answer",)):
        return errors
    if "answer" in key:
        check_option_ref(errors, key["answer"], "key.answer", ids)
    if "also_right" in key and check_list(errors, key["also_right"], "key.also_right", minimum=1):
        seen = [key.get("answer")]
        for i, value in enumerate(key["also_right"]):
            path = join("key.also_right", i)
            if check_option_ref(errors, value, path, ids) and value in seen:
                add(errors, path, MSG_DUPLICATE, value=value)
            seen.append(value)
    check_option_feedback(errors, key, ids)
    return errors


def right_options(key: dict) -> list[str]:
    """Every option the key counts as right, the main one first."""
    return [key["answer"], *key.get("also_right", [])]


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    spec = spec if isinstance(spec, dict) else {}
    if not check_object(errors, answer, "", allowed=("answer", "certainty"), required=("answer",)):
        return errors
    if "answer" in answer:
        check_option_ref(errors, answer["answer"], "answer", option_ids(spec))
    certainty = answer.get("certainty")
    if certainty is None:
        if spec.get("certainty") is True:
            add(errors, "certainty", MSG_CERTAINTY_REQUIRED)
    elif not is_int(certainty):
        add(errors, "certainty", MSG_INTEGER)
    elif certainty < 1:
        add(errors, "certainty", MSG_MIN, min=1)
    elif certainty > 3:
        add(errors, "certainty", MSG_MAX, max=3)
    return errors



def cbm_mark(correct: bool, certainty: int) -> int:
    right, wrong = CBM_MARKS[certainty]
    return right if correct else wrong


def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    correct = answer["answer"] in right_options(key)
    certainty = answer.get("certainty")
    mark = cbm_mark(correct, certainty) if spec.get("certainty") is True and certainty is not None else None
    lines = [feedback(gettext_noop("Right answer.") if correct else gettext_noop("Wrong answer."))]
    if mark is not None:
        lines.append(feedback(
            gettext_noop("Certainty %(certainty)s of 3: certainty-based mark %(mark)s."),
            certainty=certainty, mark=mark,
        ))
    return GradeResult(
        score=1.0 if correct else 0.0,
        feedback=lines,
        detail={"answer": answer["answer"], "correct": correct, "certainty": certainty, "cbm_mark": mark},
        cbm_mark=mark,
    )
