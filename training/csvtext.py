"""Reading a CSV file a spreadsheet wrote, and keeping it between its preview and its confirmation:
shared by the roster upload (``administration.roster``) and the AI tool register's import
(``registry.csvfile``), so both accept the same files and refuse the others in the same words.

What spreadsheets write is accepted: UTF-8 with or without a byte-order mark, and Windows-1252
(Excel's "CSV" on a French or English Windows; Latin-1 text is read the same way), with ``;``
(Excel in French) or ``,`` between fields. A workbook, UTF-16, a binary file or tabs are refused
with a message saying what the file seems to be and how to save it.

An upload is previewed first and applied only when confirmed; the text read at the preview is
kept in the session with its digest, and the confirmation names that digest, so what is applied
is what was shown (a second preview in another tab replaces the first, whose confirmation is
then refused).
"""
from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable

from django.utils.translation import gettext as _

# Bytes Windows-1252 leaves undefined: text holding them was written by neither Excel nor a
# Latin-1 editor of ordinary text.
_CP1252_HOLES = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


class CsvRefused(Exception):
    """The file as a whole cannot be read (its encoding, its separator, its header)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the name of its encoding, or ``CsvRefused`` saying why not."""
    if not data.strip():
        raise CsvRefused(_("The file is empty."))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvRefused(_("This is a spreadsheet workbook, not a CSV file: in your spreadsheet, "
                           "use “Save as” and choose CSV."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvRefused(_("This file is in UTF-16 (“Unicode text”): save it as “CSV UTF-8” instead."))
    if b"\x00" in data:
        raise CsvRefused(_("This file is not text: save it as CSV."))
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as exc:
            raise CsvRefused(_("The file says it is UTF-8 but is not (byte %(at)s): save it again as “CSV UTF-8”.")
                             % {"at": exc.start + 3}) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if _CP1252_HOLES.search(data):
        raise CsvRefused(_("The file's encoding is not recognised: save it as “CSV UTF-8”."))
    return data.decode("cp1252"), "Windows-1252"


def sniff_separator(header: str, *, is_column: Callable[[str], bool]) -> str:
    """``;`` or ``,``: the one the header line uses (outside quotes), or ``CsvRefused``; a header
    of one known column (``is_column``) is a file of one column."""
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) - 1 for sep in (";", ",", "\t")}
    if counts["\t"] and not counts[";"] and not counts[","]:
        raise CsvRefused(_("The fields are separated by tabs: save the file as CSV, with “;” or “,” between fields."))
    if counts[";"] or counts[","]:
        return ";" if counts[";"] >= counts[","] else ","
    if is_column(header):
        return ","
    raise CsvRefused(_("The first line is not a header of known columns separated by “;” or “,”."))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def keep_for_confirmation(session, key: str, *, school_id: int, text: str, encoding: str) -> str:
    """Keep the previewed text in the session; the digest the confirmation must name."""
    sha = digest(text)
    session[key] = {"school": school_id, "text": text, "encoding": encoding, "digest": sha}
    return sha


def kept_for_confirmation(session, key: str, *, school_id: int, sha: str | None) -> dict | None:
    """The text kept at the preview whose digest the confirmation names, or None (another
    preview since, another school, or none)."""
    kept = session.get(key)
    if not kept or kept["school"] != school_id or kept["digest"] != sha:
        return None
    return kept
