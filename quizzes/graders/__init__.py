"""Pure graders, one module per item type.

Each module exposes ``VERSION``, ``validate_key(spec, key, artifact)``,
``validate_answer(spec, answer, artifact)`` and ``grade(spec, key, answer, artifact)``;
``reliance_decision`` also has ``validate_initial_answer(spec, answer)``. They use no ORM,
settings, clock, randomness or I/O, so grading is reproducible and testable anywhere.
"""

from types import ModuleType

from . import (
    error_spans,
    free_text,
    matching,
    multiple_choice,
    numeric,
    reliance_decision,
    script_concordance,
    short_answer,
    single_choice,
)
from .base import COMPETENCIES, FAILURE_MODES, FieldError, GradeResult

_GRADERS: dict[str, ModuleType] = {
    "error_spans": error_spans,
    "reliance_decision": reliance_decision,
    "single_choice": single_choice,
    "multiple_choice": multiple_choice,
    "numeric": numeric,
    "script_concordance": script_concordance,
    "free_text": free_text,
    "short_answer": short_answer,
    "matching": matching,
}

ITEM_TYPES = tuple(_GRADERS)


def grader_for(item_type: str) -> ModuleType:
    """The grader module of ``item_type``; ValueError for an unknown type."""
    try:
        return _GRADERS[item_type]
    except (KeyError, TypeError):
        raise ValueError(f"unknown item type: {item_type!r}") from None


__all__ = ["COMPETENCIES", "FAILURE_MODES", "ITEM_TYPES", "FieldError", "GradeResult", "grader_for"]
