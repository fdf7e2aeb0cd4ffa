"""The answer forms of the trainee pages: a posted form becomes the item type's answer payload
(docs/course-package.md), and the services' error paths become form fields again.

Each item type's parser is its unit's (``quizzes.items.<type>``), the same the studio's
preview uses. Parsing only turns strings into the payload's types and asks for what is
missing; whether an answer is valid (options that exist, spans inside the text, labels in
the taxonomy…) is decided by the services, exactly as for the API, so a tampered form meets
the same checks.
"""
import re
from dataclasses import dataclass, field

from django.http import QueryDict

from courses.models import Item
from quizzes.items import ANSWER_FIELDS, ParsedAnswer, unit_for

_SPAN_PATH = re.compile(r"^spans\[(\d+)\](?:\.(\w+))?$")
_LIST_PATH = re.compile(r"^(\w+)\[\d+\]$")

__all__ = ["FieldErrors", "ParsedAnswer", "parse_answer", "parse_unaided", "place_errors"]


def parse_unaided(item: Item, post: QueryDict) -> ParsedAnswer:
    """The unaided first answer of a decide-first item."""
    return unit_for(item.type).parse_unaided(item.spec or {}, post)


def parse_answer(item: Item, post: QueryDict) -> ParsedAnswer:
    """The final answer of an item of any type."""
    return unit_for(item.type).parse_answer(item.spec or {}, post)


@dataclass
class FieldErrors:
    """Errors placed where the form shows them: by field, by marked passage (index →
    ``label``/``offsets``/``correction``), and the rest for the summary above the form."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    spans: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.spans or self.general)

    @property
    def count(self) -> int:
        return (sum(len(v) for v in self.fields.values()) + len(self.general)
                + sum(len(m) for row in self.spans.values() for m in row.values()))


def place_errors(errors: dict[str, list[str]], *, prefix: str = "answer") -> FieldErrors:
    """Map error paths (``answer.spans[2].label``, ``answer.confidence`` or the form's own
    ``spans[0].start``) to the fields of the forms."""
    placed = FieldErrors()
    for path, messages in errors.items():
        if path == prefix or path in ("item", "non_field_errors", "__all__"):
            placed.general.extend(messages)
            continue
        if path.startswith(prefix + "."):
            path = path[len(prefix) + 1:]
        span = _SPAN_PATH.match(path)
        if span:
            index, part = int(span.group(1)), span.group(2) or "offsets"
            part = "offsets" if part in ("start", "end") else part
            placed.spans.setdefault(index, {}).setdefault(part, []).extend(messages)
            continue
        listed = _LIST_PATH.match(path)
        name = listed.group(1) if listed else path
        if name in ANSWER_FIELDS:
            placed.fields.setdefault(name, []).extend(messages)
        else:
            placed.general.extend(f"{path}: {m}" for m in messages)
    return placed
