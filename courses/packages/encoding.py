"""The text of an uploaded question file, whatever encoding its author's editor saved it in.

Question banks come from Word on Windows (Windows-1252), old Moodle servers (ISO-8859-1),
Notepad ("Unicode" is UTF-16 with a byte order mark) and editors that put a BOM in front of
UTF-8. Refusing everything but plain UTF-8 turned most of them away with a message the author
could not act on; guessing silently could store mojibake. So: a byte order mark is trusted;
valid UTF-8 is UTF-8; UTF-16 without a mark is recognised by its zero bytes; the Western
single-byte encodings are recognised by the bytes they use, and accepted only when the text
they give reads as Latin script with a few accents. Anything else is refused, naming the
encoding ``charset_normalizer`` guesses, so the author knows what to convert from.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

from .errors import PackageError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte order mark"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str = ""  # the encoding it was converted from, for the report; "" for UTF-8

    def note(self) -> str:
        """What the import report says about the conversion ("" when there was none)."""
        if not self.encoding:
            return ""
        return _("written in %(encoding)s; converted to UTF-8") % {"encoding": self.encoding}


def _refuse(guess: str) -> PackageError:
    return PackageError([("", _(
        "The file is not UTF-8 text (it looks like %(encoding)s); save it as UTF-8 and upload it again."
    ) % {"encoding": guess})])


def _guess(data: bytes) -> str:
    best = from_bytes(data[:200_000]).best()
    return best.encoding.replace("_", "-").upper() if best is not None else _("an unknown encoding")


def _utf16_without_bom(data: bytes) -> str:
    """"utf-16-le"/"utf-16-be" when every other byte of a mostly Latin text is zero, else ""."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return ""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return ""


def _reads_as_latin(text: str) -> bool:
    """Whether a single-byte decoding gives Western text: accents among plain letters, not
    words made of accented letters only (what Cyrillic or Greek bytes become in Windows-1252)."""
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if ord(c) > 127)
    return bool(letters) and accented <= 0.3 * len(letters) and not _CONTROL.search(text)


def decode_text(data: bytes) -> DecodedText:
    """The text of a question file; PackageError naming the encoding when it cannot be read."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(codec), "" if codec == "utf-8-sig" else name)
            except UnicodeDecodeError:
                raise _refuse(_guess(data)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" not in text:
            return DecodedText(text)
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return DecodedText(data.decode(utf16), "UTF-16")
        except UnicodeDecodeError:
            raise _refuse(_guess(data)) from None
    high = {b for b in data if b >= 0x80}
    if not high & _CP1252_UNDEFINED:
        name, codec = ("ISO-8859-1", "latin-1") if all(b >= 0xA0 for b in high) else ("Windows-1252", "cp1252")
        text = data.decode(codec)
        if _reads_as_latin(text):
            return DecodedText(text, name)
    raise _refuse(_guess(data))


def xml_as_utf8(data: bytes) -> tuple[bytes, str]:
    """A Moodle XML file as UTF-8 bytes with its declaration saying so, and the encoding it
    was converted from ("" when it already was UTF-8).

    ElementTree (expat) reads only UTF-8, UTF-16, ISO-8859-1 and ASCII and refuses
    ``encoding="windows-1252"``, which Moodle servers on Windows wrote; the declaration is
    honoured here, with Python's codecs, before the XML is parsed. A file that declares
    nothing is decoded as the other question files are.
    """
    declared = _XML_DECLARATION.match(data)
    if declared is None:  # no declaration, or one in UTF-16 that ASCII bytes cannot match
        decoded = decode_text(data)
        return _declared_utf8(decoded.text.lstrip("\ufeff")).encode("utf-8"), decoded.encoding
    name = declared.group(1).decode("ascii")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise PackageError([("", _("The file declares the encoding %(encoding)s, which is not known.")
                             % {"encoding": name})]) from None
    if codec == "utf-8":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:  # declared UTF-8, saved by an editor in Windows-1252
            decoded = decode_text(data)
            return _declared_utf8(decoded.text).encode("utf-8"), decoded.encoding
        return data, ""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise PackageError([("", _("The file declares the encoding %(encoding)s but is not written in it.")
                             % {"encoding": name})]) from None
    return _declared_utf8(text).encode("utf-8"), name.upper()


def _declared_utf8(text: str) -> str:
    """The XML text with its declaration, if any, saying UTF-8 (what its bytes become)."""
    return re.sub(r"""(^\s*<\?xml[^>]*?\bencoding\s*=\s*)["'][^"']*["']""", r'\1"UTF-8"', text, count=1)
