"""Item types as units: one module per type, gathering what Vigil does for that type.

Each unit (``quizzes.items.<type>.unit``, an ``ItemUnit``, see ``base``) names its pure
grader (``quizzes.graders.<type>``, which imports no Django) and holds the parts that do use
Django: the answer parser of the trainee pages and of the studio's preview, the studio
editor's parsing, the feedback presenter and templates, and the per-type bits of item
analysis. Callers ask ``unit_for(item.type)`` rather than testing the type, so adding an
item type means adding its grader, its unit and its line below.

Numbers typed anywhere are read by ``numbers.parse_number`` (one set of rules).
"""
from __future__ import annotations

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
from .base import FeedbackContext, FormContext, ItemUnit, ParsedAnswer

_UNITS: dict[str, ItemUnit] = {
    unit.type: unit
    for unit in (
        error_spans.unit,
        reliance_decision.unit,
        single_choice.unit,
        multiple_choice.unit,
        numeric.unit,
        script_concordance.unit,
        free_text.unit,
        short_answer.unit,
        matching.unit,
    )
}

ITEM_TYPES: tuple[str, ...] = tuple(_UNITS)

# Every field an answer form may report an error on, in the units' order.
ANSWER_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f for unit in _UNITS.values() for f in unit.answer_fields))


def unit_for(item_type: str) -> ItemUnit:
    """The unit of ``item_type``; ValueError for an unknown type."""
    try:
        return _UNITS[item_type]
    except (KeyError, TypeError):
        raise ValueError(f"unknown item type: {item_type!r}") from None


def units() -> tuple[ItemUnit, ...]:
    return tuple(_UNITS.values())


__all__ = ["ANSWER_FIELDS", "ITEM_TYPES", "FeedbackContext", "FormContext", "ItemUnit", "ParsedAnswer", "unit_for",
           "units"]
