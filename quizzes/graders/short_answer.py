"""Grading of ``short_answer``: a typed answer compared with accepted answers, as Moodle does.

The key lists accepted answers in order, each with a fraction of the marks (0 to 1) and
optional feedback. The first answer (in that order) the typed text matches gives its
fraction; no match scores 0. Matching follows Moodle's ``compare_string_with_wildcard``
(qtype_shortanswer): both texts are NFC-normalised, the typed text is trimmed, a run of
``*`` in an accepted answer stands for any run of characters (``\\*`` is a literal star),
the whole text must match, and case is ignored unless the key says ``case_sensitive``.
A lone ``*`` accepts anything (Moodle's catch-all, usually with a fraction of 0 and
feedback for every other answer).
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_MAX,
    MSG_MIN,
    MSG_NUMBER,
    MSG_STRING,
    add,
    check_bool,
    check_list,
    check_object,
    check_text,
    feedback,
    gettext_noop,
    is_number,
    join,
)

VERSION = "short_answer/1"

MAX_LENGTH = 1000  # characters of a typed answer
MSG_FULL_MARKS = gettext_noop("at least one accepted answer must have a fraction of 1 (full marks)")
MSG_TOO_LONG = gettext_noop("must be at most %(max)s characters")

_STARS = re.compile(r"(?<!\\)\*+")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def pattern(accepted: str, case_sensitive: bool) -> re.Pattern:
    """The regular expression an accepted answer stands for (Moodle's rules, above)."""
    bits = _STARS.split(_normalise(accepted.strip()))
    body = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    return re.compile(body, 0 if case_sensitive else re.IGNORECASE)


def matches(typed: str, accepted: str, case_sensitive: bool) -> bool:
    """Whether ``typed`` matches the accepted answer ``accepted``."""
    if accepted.strip() == "*":
        return True
    return pattern(accepted, case_sensitive).fullmatch(_normalise(typed).strip()) is not None


def _clean(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    check_object(errors, spec, "spec", allowed=())
    if not check_object(errors, key, "key", allowed=("answers", "case_sensitive"), required=("answers",)):
        return errors
    check_bool(errors, key, "case_sensitive", "key")
    if "answers" not in key or not check_list(errors, key["answers"], "key.answers", minimum=1):
        return errors
    fractions = []
    for i, answer in enumerate(key["answers"]):
        path = join("key.answers", i)
        if not check_object(errors, answer, path, allowed=("text", "fraction", "feedback"), required=("text",)):
            continue
        check_text(errors, answer, "text", path)
        if "feedback" in answer and not isinstance(answer["feedback"], str):
            add(errors, join(path, "feedback"), MSG_STRING)
        fraction = answer.get("fraction", 1)
        if not is_number(fraction):
            add(errors, join(path, "fraction"), MSG_NUMBER)
        elif fraction < 0:
            add(errors, join(path, "fraction"), MSG_MIN, min=0)
        elif fraction > 1:
            add(errors, join(path, "fraction"), MSG_MAX, max=1)
        else:
            fractions.append(fraction)
    if fractions and len(fractions) == len(key["answers"]) and not any(math.isclose(f, 1) for f in fractions):
        add(errors, "key.answers", MSG_FULL_MARKS)
    return errors


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, answer, "", allowed=("text",), required=("text",)) and "text" in answer:
        if not isinstance(answer["text"], str):
            add(errors, "text", MSG_STRING)
        elif len(answer["text"]) > MAX_LENGTH:
            add(errors, "text", MSG_TOO_LONG, max=MAX_LENGTH)
    return errors


def matching_answer(key: dict, typed: str) -> int | None:
    """The index of the first accepted answer ``typed`` matches, or None."""
    case_sensitive = key.get("case_sensitive") is True
    for i, accepted in enumerate(key["answers"]):
        if matches(typed, accepted["text"], case_sensitive):
            return i
    return None


def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    typed = answer["text"]
    index = matching_answer(key, typed) if typed.strip() else None
    fraction = float(key["answers"][index].get("fraction", 1)) if index is not None else 0.0
    if index is None:
        line = feedback(gettext_noop("Your answer matches none of the accepted answers."))
    elif math.isclose(fraction, 1):
        line = feedback(gettext_noop("Your answer matches an accepted answer."))
    else:
        line = feedback(gettext_noop("Your answer matches an answer worth %(percent)s%% of the marks."),
                        percent=_clean(round(fraction * 100, 2)))
    return GradeResult(
        score=min(1.0, max(0.0, fraction)),
        feedback=[line],
        detail={"text": typed.strip(), "matched": index, "fraction": fraction},
    )
