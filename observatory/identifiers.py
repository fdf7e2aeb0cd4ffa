"""Obvious patient identifiers in a practice report's text (pure: no Django, no database).

A practice report says what an AI tool did wrong, never who the patient was. Before a report
is stored, each of its texts is searched for what would identify a patient at a glance:

- a French social security number (NIR): 13 characters (sex, year, month, département, with
  Corsica's ``2A``/``2B``, commune, order) and a 2-digit key ``97 - (n mod 97)``, where ``n``
  reads ``2A`` as 19 and ``2B`` as 18; spaces between the groups are allowed;
- an NHS number: 10 digits (``943 476 5919`` or ``9434765919``) whose tenth is the mod-11
  check digit of the first nine;
- a date: ``dd/mm/yyyy`` (or with ``.`` or ``-``), ``yyyy-mm-dd``, ``3 mars 1950``,
  ``3 March 1950``, ``March 3, 1950``; after "né le", "DOB" or "date de naissance" also
  ``dd/mm/yy``. A full date of a patient is a date of birth often enough to be refused;
- a telephone number: French (``06 12 34 56 78``, ``+33 6 12 34 56 78``, ``0033 …``) and UK
  (``07700 900123``, ``+44 7700 900123``, ``020 7946 0018``);
- an e-mail address.

Only valid numbers count as NIR and NHS numbers (their key or check digit holds), so a
random run of digits (a lab value, a device serial) is not refused for being one. Each
finding gives its place in the text (``start``, ``end``: character offsets, and ``line``,
``column``, from 1) so the form can mark it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

KINDS = ("nir", "nhs", "date", "phone", "email")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str
    line: int
    column: int


# ---------------------------------------------------------------- checks of the numbers

def nir_key(first13: str) -> int:
    """The key of the first 13 characters of a NIR (``2A``/``2B`` read as 19/18)."""
    digits = first13.upper().replace("2A", "19").replace("2B", "18")
    return 97 - int(digits) % 97


def nhs_check_digit(first9: str) -> int | None:
    """The check digit of the first 9 digits of an NHS number; None when there is none (10)."""
    total = sum(int(d) * w for d, w in zip(first9, range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_nhs_number(digits: str) -> bool:
    return len(digits) == 10 and digits.isdigit() and nhs_check_digit(digits[:9]) == int(digits[9])


def is_nir(compact: str) -> bool:
    if len(compact) != 15 or not compact[13:].isdigit():
        return False
    return _NIR_COMPACT.fullmatch(compact) is not None and nir_key(compact[:13]) == int(compact[13:])


# ---------------------------------------------------------------- patterns

_SEP = r"[ \u00a0]?"
_NIR_COMPACT = re.compile(r"[1-478]\d{2}(?:0[1-9]|1[0-2]|[2-9]\d)(?:\d{2}|2[AaBb])\d{3}\d{3}\d{2}")
_NIR = re.compile(
    rf"(?<![\dA-Za-z])[1-478]{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}(?:\d{{2}}|2[AaBb]){_SEP}\d{{3}}{_SEP}\d{{3}}"
    rf"{_SEP}\d{{2}}(?![\dA-Za-z])"
)
_NHS = re.compile(r"(?<![\d+])\d{3}[ \u00a0-]?\d{3}[ \u00a0-]?\d{4}(?!\d)")

_PHONE = re.compile(
    r"(?<![\d+])(?:"
    r"(?:\+|00)33[ .\u00a0-]?(?:\(0\)[ .\u00a0-]?)?[1-9](?:[ .\u00a0-]?\d{2}){4}"  # +33 6 12 34 56 78
    r"|0[1-9](?:[ .\u00a0-]?\d{2}){4}"  # 06 12 34 56 78
    r"|(?:\+|00)44[ \u00a0-]?(?:\(0\)[ \u00a0-]?)?\d(?:[ \u00a0-]?\d){8,9}"  # +44 7700 900123
    r"|07\d{3}[ \u00a0-]?\d{3}[ \u00a0-]?\d{3}"  # 07700 900 123
    r"|0[12]\d{1,3}[ \u00a0-]?\d{3,4}[ \u00a0-]?\d{3,4}"  # 020 7946 0018, 0161 496 0000
    r")(?!\d)"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

MONTHS = {
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_WORDS_DAY_FIRST = re.compile(rf"(?<!\d)(\d{{1,2}})(?:er|st|nd|rd|th)?\.?[ \u00a0]+({_MONTH})\.?,?[ \u00a0]+(\d{{4}})(?!\d)",
                              re.IGNORECASE)
_WORDS_MONTH_FIRST = re.compile(rf"\b({_MONTH})\.?[ \u00a0]+(\d{{1,2}})(?:st|nd|rd|th)?,?[ \u00a0]+(\d{{4}})(?!\d)",
                                re.IGNORECASE)
_BIRTH_SHORT = re.compile(
    r"(?:\bn[ée]e?s?\s+le|\bDOB|\bD\.O\.B\.?|\bdate\s+de\s+naissance|\bdate\s+of\s+birth|\bborn(?:\s+on)?)"
    r"\s*:?\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})(?!\d)",
    re.IGNORECASE,
)


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


# ---------------------------------------------------------------- the search

def _spans(text: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    for m in _EMAIL.finditer(text):
        found.append(("email", m.start(), m.end()))
    for m in _NIR.finditer(text):
        compact = re.sub(r"[ \u00a0]", "", m.group(0))
        if is_nir(compact):
            found.append(("nir", m.start(), m.end()))
    for m in _NHS.finditer(text):
        if is_nhs_number(_digits(m.group(0))):
            found.append(("nhs", m.start(), m.end()))
    for m in _PHONE.finditer(text):
        found.append(("phone", m.start(), m.end()))
    for m in _DAY_FIRST.finditer(text):
        if _valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1))):
            found.append(("date", m.start(), m.end()))
    for m in _ISO.finditer(text):
        if _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3))):
            found.append(("date", m.start(), m.end()))
    for m in _WORDS_DAY_FIRST.finditer(text):
        if _valid_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))):
            found.append(("date", m.start(), m.end()))
    for m in _WORDS_MONTH_FIRST.finditer(text):
        if _valid_date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2))):
            found.append(("date", m.start(), m.end()))
    for m in _BIRTH_SHORT.finditer(text):
        if _valid_date(2000 + int(m.group(3)), int(m.group(2)), int(m.group(1))):
            found.append(("date", m.start(1), m.end()))
    return found


def find_identifiers(text: str) -> list[Finding]:
    """The identifiers in ``text``, in order of place; of overlapping ones the first (then the
    longest) is kept, so one number is reported once."""
    if not text:
        return []
    spans = sorted(_spans(text), key=lambda s: (s[1], -(s[2] - s[1]), KINDS.index(s[0])))
    kept: list[tuple[str, int, int]] = []
    for kind, start, end in spans:
        if kept and start < kept[-1][2]:
            continue
        kept.append((kind, start, end))
    findings = []
    for kind, start, end in kept:
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        findings.append(Finding(kind=kind, start=start, end=end, text=text[start:end], line=line, column=column))
    return findings


def marked(text: str, findings: list[Finding]) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, is_an_identifier)`` for a page to mark the places."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start > at:
            pieces.append((text[at:f.start], False))
        pieces.append((text[f.start:f.end], True))
        at = f.end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces
