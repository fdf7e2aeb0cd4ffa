"""The answer forms of the trainee pages: a posted form becomes the item type's answer payload
(docs/course-package.md), and the services' error paths become form fields again.

Parsing only turns strings into the payload's types and asks for what is missing; whether
an answer is valid (options that exist, spans inside the text, labels in the taxonomy…) is
decided by the services, exactly as for the API, so a tampered form meets the same checks.
"""
import math
import re
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext as _

from courses.models import Item

_SPAN_PATH = re.compile(r"^spans\[(\d+)\](?:\.(\w+))?$")
_LIST_PATH = re.compile(r"^(\w+)\[\d+\]$")
MAX_FORM_SPANS = 200


@dataclass
class ParsedAnswer:
    """What a form posted: the payload for the service (None when the form itself is
    incomplete), errors by form field, and the values to show again."""

    payload: dict | None
    errors: dict[str, list[str]] = field(default_factory=dict)
    values: dict = field(default_factory=dict)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def parse_number(raw: str) -> float | None:
    """A number typed by a person: spaces ignored, a decimal comma accepted (9,2)."""
    text = (raw or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_unaided(item: Item, post: QueryDict) -> ParsedAnswer:
    """The unaided first answer of a decide-first item."""
    answer = post.get("answer", "")
    parsed = ParsedAnswer(payload={"answer": answer}, values={"answer": answer})
    if not answer:
        parsed.errors["answer"] = [_("Choose your answer before you see the AI output.")]
        parsed.payload = None
    return parsed


def parse_answer(item: Item, post: QueryDict) -> ParsedAnswer:
    """The final answer of an item of any type."""
    parser = _PARSERS[item.type]
    parsed = ParsedAnswer(payload={})
    parser(item.spec or {}, post, parsed)
    if parsed.errors:
        parsed.payload = None
    return parsed


def _single_choice(spec: dict, post: QueryDict, parsed: ParsedAnswer) -> None:
    answer = post.get("answer", "")
    parsed.values["answer"] = answer
    if not answer:
        parsed.errors["answer"] = [_("Choose an answer.")]
    parsed.payload["answer"] = answer
    if spec.get("certainty") is True or "certainty" in post:
        raw = post.get("certainty", "")
        parsed.values["certainty"] = raw
        certainty = _int(raw)
        if raw == "":
            parsed.errors["certainty"] = [_("Say how sure you are of your answer.")]
        elif certainty is None:
            parsed.errors["certainty"] = [_("Choose a certainty of 1, 2 or 3.")]
        else:
            parsed.payload["certainty"] = certainty


def _multiple_choice(spec: dict, post: QueryDict, parsed: ParsedAnswer) -> None:
    answers = post.getlist("answers")
    parsed.values["answers"] = answers
    parsed.payload["answers"] = answers


def _numeric(spec: dict, post: QueryDict, parsed: ParsedAnswer) -> None:
    raw = post.get("value", "")
    parsed.values["value"] = raw
    if not raw.strip():
        parsed.errors["value"] = [_("Enter a number.")]
        return
    number = parse_number(raw)
    if number is None:
        parsed.errors["value"] = [_("Enter a number, such as 9.2 (digits, with a decimal point or comma).")]
        return
    parsed.payload["value"] = int(number) if number.is_integer() and "." not in raw and "," not in raw else number


def _script_concordance(spec: dict, post: QueryDict, parsed: ParsedAnswer) -> None:
    raw = post.get("value", "")
    parsed.values["value"] = raw
    value = _int(raw)
    if raw == "":
        parsed.errors["value"] = [_("Choose a point on the scale.")]
    elif value is None:
        parsed.errors["value"] = [_("Choose a point from -2 to +2 on the scale.")]
    else:
        parsed.payload["value"] = value


def _free_text(spec: dict, post: QueryDict, parsed: ParsedAnswer) -> None:
    text = post.get("text", "").replace("\r\n", "\n")
    parsed.values["text"] = text
    if not text.strip():
        parsed.errors["text"] = [_("Write your answer.")]
    parsed.payload["text"] = text


def _reliance_decision(spec: dict, post: QueryDict, parsed: ParsedAnswer) -> None:
    decision = post.get("decision", "")
    own = post.get("answer", "")
    raw_confidence = post.get("confidence", "")
    parsed.values.update({"decision": decision, "answer": own, "confidence": raw_confidence})
    if not decision:
        parsed.errors["decision"] = [_("Choose whether you accept or override the AI output.")]
    parsed.payload["decision"] = decision
    if decision == "override":
        if not own:
            parsed.errors["answer"] = [_("Choose your own answer when you override the AI.")]
        parsed.payload["answer"] = own
    if raw_confidence != "":
        confidence = _int(raw_confidence)
        if confidence is None:
            parsed.errors["confidence"] = [_("Give your confidence as a whole number from 0 to 100.")]
        else:
            parsed.payload["confidence"] = confidence
    elif spec.get("ask_confidence") is True:
        parsed.errors["confidence"] = [_("Say how confident you are, from 0 to 100.")]


def _error_spans(spec: dict, post: QueryDict, parsed: ParsedAnswer) -> None:
    starts, ends = post.getlist("span_start"), post.getlist("span_end")
    labels, corrections = post.getlist("span_label"), post.getlist("span_correction")
    rows = []
    if not (len(starts) == len(ends) == len(labels)) or len(corrections) not in (0, len(starts)):
        parsed.errors["spans"] = [_("The passages you marked did not arrive complete; mark them again.")]
    elif len(starts) > MAX_FORM_SPANS:
        parsed.errors["spans"] = [_("Mark at most %(max)s passages.") % {"max": MAX_FORM_SPANS}]
    else:
        for i, (raw_start, raw_end, label) in enumerate(zip(starts, ends, labels)):
            correction = corrections[i] if corrections else ""
            start, end = _int(raw_start), _int(raw_end)
            rows.append({"start": start, "end": end, "label": label, "correction": correction})
            if start is None or end is None:
                parsed.errors[f"spans[{i}].start"] = [_("This passage has no valid position; remove it and mark it again.")]
    parsed.values["spans"] = rows
    payload_spans = []
    for row in rows:
        span = {"start": row["start"], "end": row["end"]}
        if row["label"]:
            span["label"] = row["label"]
        if row["correction"].strip():
            span["correction"] = row["correction"].strip()
        payload_spans.append(span)
    parsed.payload["spans"] = payload_spans


_PARSERS = {
    Item.Type.SINGLE_CHOICE: _single_choice,
    Item.Type.MULTIPLE_CHOICE: _multiple_choice,
    Item.Type.NUMERIC: _numeric,
    Item.Type.SCRIPT_CONCORDANCE: _script_concordance,
    Item.Type.FREE_TEXT: _free_text,
    Item.Type.RELIANCE_DECISION: _reliance_decision,
    Item.Type.ERROR_SPANS: _error_spans,
}


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
        if name in ("answer", "answers", "certainty", "value", "text", "decision", "confidence", "spans"):
            placed.fields.setdefault(name, []).extend(messages)
        else:
            placed.general.extend(f"{path}: {m}" for m in messages)
    return placed
