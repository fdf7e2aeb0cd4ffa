"""Moodle's Cloze ("Embedded answers", ``multianswer``) syntax, read into its parts.

A cloze question is a text with gaps ``{WEIGHT:TYPE:ALTERNATIVES}``, each gap a small
question of its own, as Moodle's ``qtype_multianswer_extract_question`` reads them:

- ``WEIGHT`` is optional digits (``{:MC:…}`` weighs 1);
- ``TYPE`` says which question the gap is: ``MULTICHOICE``/``MC`` and its layouts
  ``_V``/``_H`` and shuffled forms ``_S``/``_VS``/``_HS`` (``MCV``, ``MCH``, ``MCS``,
  ``MCVS``, ``MCHS``) one answer; ``MULTIRESPONSE``/``MR`` (and ``_H``, ``_S``, ``_HS``)
  several answers; ``SHORTANSWER``/``SA``/``MW`` (case ignored) and
  ``SHORTANSWER_C``/``SAC``/``MWC`` (case matters); ``NUMERICAL``/``NM``;
- ``ALTERNATIVES`` are separated by ``~``; each may start with ``=`` (full marks) or
  ``%50%`` (a fraction, ``,`` or ``.`` decimals, negative allowed), and may end with
  ``#feedback``; a ``#`` after ``&`` is part of an HTML entity (``&#233;``), not feedback;
- ``\\}`` ``\\~`` ``\\#`` are the literal characters inside a gap; a gap ends at the first
  ``}`` that is not escaped;
- a numerical answer is ``value`` or ``value:tolerance``; ``*`` is "any other answer".

The reader is pure (no Django, no I/O) and total: every gap-like ``{N:WORD:`` is a gap,
whatever its type, so nothing of the syntax is left in the text; a type Moodle does not
know (``{1:REGEXP:…}``) or a gap that is never closed is given back with ``kind == ""``
for the caller to report. Types are matched without regard to case (Moodle wants capitals,
and leaves ``{1:mc:…}`` in the text as written; here it is read as the author meant it).

Turning gaps into Vigil items is ``courses.packages.cloze_items``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SINGLE = "single_choice"
MULTIPLE = "multiple_choice"
SHORT = "short_answer"
NUMERIC = "numeric"

_SINGLE_TYPES = ("MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH")
_SHUFFLED_SINGLE = ("MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS")
_MULTIPLE_TYPES = ("MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH")
_SHUFFLED_MULTIPLE = ("MULTIRESPONSE_S", "MRS", "MULTIRESPONSE_HS", "MRHS")
KINDS: dict[str, str] = {
    **{name: SINGLE for name in _SINGLE_TYPES + _SHUFFLED_SINGLE},
    **{name: MULTIPLE for name in _MULTIPLE_TYPES + _SHUFFLED_MULTIPLE},
    **{name: SHORT for name in ("SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC")},
    **{name: NUMERIC for name in ("NUMERICAL", "NM")},
}
SHUFFLED = frozenset(_SHUFFLED_SINGLE + _SHUFFLED_MULTIPLE)
CASE_SENSITIVE = frozenset(("SHORTANSWER_C", "SAC", "MWC"))

GAP_START = re.compile(r"\{(\d*):([A-Za-z][A-Za-z_]*):")
_FRACTION = re.compile(r"^(?:=|%(-?\d+(?:[.,]\d*)?)%)")
_NUMBER = r"-?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][-+]?\d+)?"
_NUMERICAL = re.compile(rf"^({_NUMBER})(?::({_NUMBER}))?$")
ESCAPABLE = "}~#"


@dataclass(frozen=True)
class Alternative:
    """One answer of a gap: its text and feedback with the escapes undone (entities and
    HTML left as written), its fraction of the gap's marks, and whether the fraction was
    written as a percentage (``%50%``) rather than ``=`` or nothing."""

    text: str
    fraction: float
    feedback: str = ""
    percent: bool = False


@dataclass(frozen=True)
class Gap:
    """One ``{…}`` of the text. ``kind`` is the Vigil item type it reads as, "" when it
    cannot be read (an unknown ``subtype``, or ``closed`` False)."""

    weight: int
    subtype: str  # as written, in capitals: "MCV"
    kind: str
    alternatives: tuple[Alternative, ...]
    source: str  # the gap as written, for the report
    closed: bool = True

    @property
    def shuffled(self) -> bool:
        return self.subtype in SHUFFLED

    @property
    def case_sensitive(self) -> bool:
        return self.subtype in CASE_SENSITIVE


@dataclass(frozen=True)
class Cloze:
    """The text of a cloze question as text between gaps: ``parts`` alternates ``str`` and
    ``Gap``, in order."""

    parts: tuple[str | Gap, ...]

    @property
    def gaps(self) -> list[Gap]:
        return [part for part in self.parts if isinstance(part, Gap)]


def has_gaps(text: str) -> bool:
    """Whether the text holds a gap of a type Moodle knows (the sign of a cloze text)."""
    return any(match.group(2).upper() in KINDS for match in GAP_START.finditer(text))


def parse_cloze(text: str) -> Cloze:
    """The text split into the text between gaps and the gaps, each gap read."""
    parts: list[str | Gap] = []
    position = 0
    while (match := GAP_START.search(text, position)) is not None:
        parts.append(text[position:match.start()])
        raw_alternatives, end = _scan(text, match.end())
        subtype = match.group(2).upper()
        closed = end is not None
        end = len(text) if end is None else end
        alternatives = tuple(_alternative(answer, feedback) for answer, feedback in raw_alternatives
                             if answer.strip() or feedback.strip())
        parts.append(Gap(
            weight=int(match.group(1)) if match.group(1) else 1,
            subtype=subtype,
            kind=KINDS.get(subtype, "") if closed else "",
            alternatives=alternatives,
            source=text[match.start():end],
            closed=closed,
        ))
        position = end
    parts.append(text[position:])
    return Cloze(tuple(part for part in parts if part != ""))


def _scan(text: str, start: int) -> tuple[list[tuple[str, str]], int | None]:
    """The (answer, feedback) pairs of a gap whose alternatives start at ``start``, and the
    offset just after its closing ``}`` (None when it is never closed)."""
    pairs: list[tuple[str, str]] = []
    answer: list[str] = []
    feedback: list[str] | None = None
    i = start
    while i < len(text):
        char = text[i]
        target = answer if feedback is None else feedback
        if char == "\\" and i + 1 < len(text) and text[i + 1] in ESCAPABLE:
            target.append(text[i + 1])
            i += 2
            continue
        if char in "}~":
            pairs.append(("".join(answer), "".join(feedback or [])))
            answer, feedback = [], None
            if char == "}":
                return pairs, i + 1
        elif char == "#" and feedback is None and text[i - 1] != "&":
            feedback = []
        else:
            target.append(char)
        i += 1
    pairs.append(("".join(answer), "".join(feedback or [])))
    return pairs, None


def _alternative(answer: str, feedback: str) -> Alternative:
    answer = answer.strip()
    fraction, percent = 0.0, False
    found = _FRACTION.match(answer)
    if found:
        if found.group(1) is None:
            fraction = 1.0
        else:
            fraction, percent = float(found.group(1).replace(",", ".")) / 100, True
        answer = answer[found.end():].strip()
    return Alternative(text=answer, fraction=fraction, feedback=feedback.strip(), percent=percent)


def numerical_answer(text: str) -> tuple[float, float] | None:
    """(value, tolerance) of a numerical gap's answer ``9.2`` or ``9,2:0.5``; None when it
    is not a number (``*``, the catch-all, included)."""
    found = _NUMERICAL.match(text.strip())
    if found is None:
        return None
    value = float(found.group(1).replace(",", "."))
    tolerance = float(found.group(2).replace(",", ".")) if found.group(2) else 0.0
    return value, abs(tolerance)


def multiresponse_fractions(alternatives: tuple[Alternative, ...]) -> list[float]:
    """The fractions Moodle gives a MULTIRESPONSE gap's answers: the positive ones scaled to
    add up to 1 and, when no answer was given a percentage, each wrong answer minus one
    right answer's share (so ``{1:MR:=a~=b~c}`` is a ½, b ½, c −½)."""
    fractions = [a.fraction for a in alternatives]
    total = sum(f for f in fractions if f > 0)
    if not total:
        return fractions
    explicit = any(a.percent for a in alternatives)
    return [f / total if f > 0 else (f if explicit else -1 / total) for f in fractions]
