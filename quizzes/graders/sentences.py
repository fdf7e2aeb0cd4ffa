"""Sentence ranges of an AI text, the unit of the error-detection sensitivity d′.

d′ needs a fixed set of "trials" shared by the key and the trainee: each sentence is either
signal (it contains an error) or noise, and either marked or not. A light rule-based
splitter is enough: the texts are short clinical notes, the same splitter is applied to
key and answer, and it must be deterministic so a regrade yields the same counts.

Boundaries: a line break, or terminal punctuation (. ! ? …, with any closing quotes or
brackets) followed by whitespace, unless the next word starts in lower case ("e.g.
aspirin") or the word before the period is a common title or abbreviation ("Dr. Martin").
Decimal numbers ("3.1 mmol/L") never split because no whitespace follows the point.
"""

from __future__ import annotations

import re
from functools import lru_cache

_END = re.compile(r"[.!?…]+[)\]\"'’”»]*(?=\s)|\n")
_TOKEN_BEFORE = re.compile(r"[^\s(\[\"'«“]*$")
_ABBREVIATIONS = frozenset(
    {"dr", "drs", "mr", "mrs", "ms", "prof", "pr", "st", "vs", "e.g", "i.e", "cf", "approx", "fig"}
)
_CASE_SENSITIVE_ABBREVIATIONS = frozenset({"M"})  # French "M. Dupont"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character ranges, in order, trimmed of surrounding spaces.

    Every non-space character of ``text`` belongs to exactly one range. Memoised: every
    response to an item splits the same AI text, and a regrade splits it thousands of times.
    """
    return list(_split(text))


@lru_cache(maxsize=512)
def _split(text: str) -> tuple[tuple[int, int], ...]:
    ranges: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if match.group() != "\n" and not _is_boundary(text, match):
            continue
        _append_trimmed(ranges, text, start, match.end())
        start = match.end()
    _append_trimmed(ranges, text, start, len(text))
    return tuple(ranges)


def _is_boundary(text: str, match: re.Match) -> bool:
    rest = text[match.end():].lstrip()
    if rest and rest[0].islower():
        return False
    if match.group().startswith(".") and len(match.group().rstrip(")]\"'’”»")) == 1:
        token = _TOKEN_BEFORE.search(text, 0, match.start()).group()
        if token in _CASE_SENSITIVE_ABBREVIATIONS or token.casefold() in _ABBREVIATIONS:
            return False
    return True


def _append_trimmed(ranges: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        ranges.append((start, end))
