"""Grading of ``script_concordance``: aggregate scoring against an expert panel.

Experts disagree on how much a new finding shifts a hypothesis, so an answer earns the
share of the panel that chose it relative to the most popular answer, not 0/1 against a
single "right" answer.

Panel keys are the scale values as strings ("-2" … "2"), as in the package format; integer
keys are accepted too because unquoted YAML keys (``-2: 0``) load as integers, and so is
"+1" for the positive side of the scale.
"""

from __future__ import annotations

from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_CHOICE,
    MSG_DUPLICATE,
    MSG_INTEGER,
    MSG_MIN,
    MSG_NEEDS_ARTIFACT,
    MSG_OBJECT,
    MSG_REQUIRED,
    add,
    check_object,
    check_text,
    feedback,
    gettext_noop,
    is_int,
    join,
)

VERSION = "script_concordance/1"

SCALE = (-2, -1, 0, 1, 2)
SCALE_CHOICES = ", ".join(str(v) for v in SCALE)

MSG_NO_VOTES = gettext_noop("the panel must have at least one vote")


def _scale_value(name: Any) -> int | None:
    """The scale value a panel key stands for, or None."""
    if is_int(name):
        return name if name in SCALE else None
    if isinstance(name, str):
        try:
            value = int(name.strip())
        except ValueError:
            return None
        spelled = name.strip().removeprefix("+") if value > 0 else name.strip()
        return value if value in SCALE and spelled == str(value) else None
    return None


def panel_votes(panel: dict) -> dict[int, int]:
    return {_scale_value(name): votes for name, votes in panel.items()}


def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(
        errors, spec, "spec", allowed=("hypothesis", "new_information"), required=("hypothesis", "new_information")
    ):
        check_text(errors, spec, "hypothesis", "spec")
        check_text(errors, spec, "new_information", "spec")
    if artifact is None:
        add(errors, "artifact", MSG_NEEDS_ARTIFACT)
    if not check_object(errors, key, "key", allowed=("panel",), required=("panel",)) or "panel" not in key:
        return errors
    panel = key["panel"]
    if not isinstance(panel, dict):
        add(errors, "key.panel", MSG_OBJECT)
        return errors
    seen: dict[int, Any] = {}
    usable = True
    for name, votes in panel.items():
        path = join("key.panel", str(name))
        value = _scale_value(name)
        if value is None:
            add(errors, path, MSG_CHOICE, choices=SCALE_CHOICES)
            usable = False
            continue
        if value in seen:
            add(errors, path, MSG_DUPLICATE, value=str(name))
            usable = False
        seen[value] = votes
        if not is_int(votes):
            add(errors, path, MSG_INTEGER)
            usable = False
        elif votes < 0:
            add(errors, path, MSG_MIN, min=0)
            usable = False
    for value in SCALE:
        if value not in seen:
            add(errors, join("key.panel", str(value)), MSG_REQUIRED)
            usable = False
    if usable and max(seen.values()) == 0:
        add(errors, "key.panel", MSG_NO_VOTES)
    return errors


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, answer, "", allowed=("value",), required=("value",)) and "value" in answer:
        value = answer["value"]
        if not is_int(value) or value not in SCALE:
            add(errors, "value", MSG_CHOICE, choices=SCALE_CHOICES)
    return errors


def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    votes = panel_votes(key["panel"])
    value = answer["value"]
    chosen, modal = votes.get(value, 0), max(votes.values())
    return GradeResult(
        score=chosen / modal if modal else 0.0,
        feedback=[feedback(
            gettext_noop("Experts who chose your answer: %(chosen)s; who chose the most popular answer: %(modal)s."),
            chosen=chosen, modal=modal,
        )],
        detail={"value": value, "votes": chosen, "modal_votes": modal},
    )
