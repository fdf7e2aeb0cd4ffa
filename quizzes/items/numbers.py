"""The one reader of numbers typed by a person, for every form of Vigil (trainee answers, the
studio's editors and preview, the grading queue's points). Pure: no Django, no locale.

The rules, those of ISO 80000-1 (and of French and English usage alike):

- the sign is an optional leading ASCII ``-``, Unicode minus ``−`` (U+2212) or ``+``, written
  against the digits;
- the decimal sign is **either** a point **or** a comma, once: ``9.2``, ``9,2``, ``.5``,
  ``5.`` (a lone comma is always a decimal comma, so ``1,234`` is 1.234);
- digits may be grouped by threes, left of the decimal sign only, with a space, a no-break
  space (U+00A0), a narrow no-break space (U+202F) or a thin space (U+2009):
  ``1 234 567,5``; a group that is not three digits (``12 34``) is refused;
- the point and the comma are never thousands separators, so a number with both
  (``1,234.5``, ``1.234,5``) is refused as ambiguous rather than guessed;
- an exponent is allowed (``1e-3``, ``2,5E3``); ASCII digits only; nothing else (no ``inf``,
  ``nan``, ``1_000``, ``1'234``, letters or units); spaces around the number are ignored;
- the value must be finite.

The result is an ``int`` when the number is written without a decimal sign or an exponent
(``"1 234"`` → 1234), else a ``float`` (``"9,0"`` → 9.0); ``None`` when it is refused.
"""
from __future__ import annotations

import math
import re

MINUS = "\u2212"
GROUP_SEPARATORS = " \u00a0\u202f\u2009"

_SIGN = rf"[+\-{MINUS}]"
_NUMBER = re.compile(
    rf"""
    (?P<sign>{_SIGN})?
    (?P<whole>[0-9]{{1,3}}(?:[{GROUP_SEPARATORS}][0-9]{{3}})+|[0-9]*)
    (?:(?P<mark>[.,])(?P<fraction>[0-9]*))?
    (?:[eE](?P<exponent>{_SIGN}?[0-9]+))?
    """,
    re.VERBOSE,
)
_SEPARATOR = re.compile(f"[{GROUP_SEPARATORS}]")


def parse_number(text: str | None) -> int | float | None:
    """The number ``text`` writes, by the rules above, or None when it is refused."""
    match = _NUMBER.fullmatch((text or "").strip())
    if match is None:
        return None
    whole = _SEPARATOR.sub("", match["whole"])
    fraction = match["fraction"] or ""
    if not (whole or fraction):
        return None  # a sign or a decimal sign alone
    negative = match["sign"] in ("-", MINUS)
    try:
        if match["mark"] is None and match["exponent"] is None:
            number: int | float = int(whole)
            float(number)  # OverflowError beyond the range of a float
        else:
            exponent = (match["exponent"] or "0").replace(MINUS, "-")
            number = float(f"{whole or '0'}.{fraction or '0'}e{exponent}")
    except (OverflowError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return -number if negative else number


def parse_integer(text: str | None) -> int | None:
    """A whole number: ``parse_number``'s value when it is integral (``"3"``, ``"−2"``,
    ``"3,0"``), as an int; None otherwise."""
    number = parse_number(text)
    if number is None:
        return None
    if isinstance(number, int):
        return number
    return int(number) if number.is_integer() else None
