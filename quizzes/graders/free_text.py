"""Grading of ``free_text``: a rubric with an automatic, keyword-based suggestion.

The suggestion only pre-fills the faculty review (unless the item is marked ``auto``), so
it favours being predictable over being clever. An alternative matches when it occurs
case- and accent-insensitively starting at a word boundary; its last word must end at a
word boundary too when it is short (three characters or less), so "AI" or "PE" do not
match inside "aim" or "people", while "confound" still matches "confounding".
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_DUPLICATE,
    MSG_INTEGER,
    MSG_MAX,
    MSG_MIN,
    MSG_NOT_EMPTY,
    MSG_NUMBER,
    MSG_STRING,
    add,
    check_bool,
    check_list,
    check_object,
    check_text,
    clamp,
    feedback,
    gettext_noop,
    is_int,
    is_number,
    join,
)

VERSION = "free_text/1"

MAX_CHARACTERS = 20_000
SHORT_WORD = 3

MSG_MAX_WORDS = gettext_noop("must have at most %(max)s words")
MSG_POSITIVE = gettext_noop("must be greater than 0")


# --- validation ---------------------------------------------------------------------

def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, spec, "spec", allowed=("max_words", "auto")):
        check_bool(errors, spec, "auto", "spec")
        if spec.get("max_words") is not None:
            if not is_int(spec["max_words"]):
                add(errors, "spec.max_words", MSG_INTEGER)
            elif spec["max_words"] < 1:
                add(errors, "spec.max_words", MSG_MIN, min=1)
    if not check_object(errors, key, "key", allowed=("criteria",), required=("criteria",)) or "criteria" not in key:
        return errors
    if not check_list(errors, key["criteria"], "key.criteria", minimum=1):
        return errors
    ids: list[str] = []
    for i, criterion in enumerate(key["criteria"]):
        path = join("key.criteria", i)
        if not check_object(
            errors, criterion, path, allowed=("id", "text", "points", "look_for"), required=("id", "text", "points")
        ):
            continue
        if check_text(errors, criterion, "id", path):
            if criterion["id"] in ids:
                add(errors, join(path, "id"), MSG_DUPLICATE, value=criterion["id"])
            ids.append(criterion["id"])
        check_text(errors, criterion, "text", path)
        if "points" in criterion:
            if not is_number(criterion["points"]):
                add(errors, join(path, "points"), MSG_NUMBER)
            elif criterion["points"] <= 0:
                add(errors, join(path, "points"), MSG_POSITIVE)
        if criterion.get("look_for") is not None:
            _check_groups(errors, criterion["look_for"], join(path, "look_for"))
    return errors


def _check_groups(errors: list[FieldError], groups: Any, path: str) -> None:
    if not check_list(errors, groups, path):
        return
    for i, group in enumerate(groups):
        group_path = join(path, i)
        if not check_list(errors, group, group_path, minimum=1):
            continue
        for j, alternative in enumerate(group):
            if not isinstance(alternative, str):
                add(errors, join(group_path, j), MSG_STRING)
            elif not alternative.strip():
                add(errors, join(group_path, j), MSG_NOT_EMPTY)


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if not check_object(errors, answer, "", allowed=("text",), required=("text",)):
        return errors
    if not check_text(errors, answer, "text", ""):
        return errors
    text = answer["text"]
    max_words = spec.get("max_words") if isinstance(spec, dict) else None
    if len(text) > MAX_CHARACTERS:
        add(errors, "text", MSG_MAX, max=MAX_CHARACTERS)
    elif is_int(max_words) and len(text.split()) > max_words:
        add(errors, "text", MSG_MAX_WORDS, max=max_words)
    return errors


# --- grading ------------------------------------------------------------------------

def _fold(text: str) -> str:
    """Lower case without accents, so "Échelle" and "echelle" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1024)
def _pattern(alternative: str) -> re.Pattern | None:
    words = _fold(alternative).split()
    if not words:
        return None
    body = r"\s+".join(re.escape(w) for w in words)
    start = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    last = words[-1]
    end = r"(?!\w)" if re.search(r"\w$", last) and len(last) <= SHORT_WORD else ""
    return re.compile(start + body + end)


def matches(text: str, alternative: str) -> bool:
    pattern = _pattern(alternative)
    return pattern is not None and pattern.search(_fold(text)) is not None


def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    text = answer.get("text") or ""
    criteria = []
    for criterion in key["criteria"]:
        groups = criterion.get("look_for") or []
        matched = sum(any(matches(text, alt) for alt in group) for group in groups)
        suggested = criterion["points"] * matched / len(groups) if groups else 0.0
        criteria.append({
            "id": criterion["id"],
            "points": criterion["points"],
            "suggested": suggested,
            "matched_groups": matched,
            "groups": len(groups),
        })
    total = math.fsum(c["points"] for c in criteria)
    suggested_points = math.fsum(c["suggested"] for c in criteria)
    needs_review = spec.get("auto") is not True
    message = (
        gettext_noop("Suggested automatically: %(points)s of %(total)s points; a teacher will confirm your grade.")
        if needs_review
        else gettext_noop("Points: %(points)s of %(total)s.")
    )
    return GradeResult(
        score=clamp(round(suggested_points / total, 9)) if total else 0.0,
        feedback=[feedback(message, points=round(suggested_points, 2), total=round(total, 2))],
        detail={"criteria": criteria, "total_points": total, "suggested_points": suggested_points},
        needs_review=needs_review,
    )
