"""What an attached model card may be, told from its bytes, never from its name.

A model card is read by the school's staff in their browser or reader, so only kinds that
cannot run anything there are kept: a PDF (``%PDF-`` at its start), or text in UTF-8
(Markdown when its lines look like Markdown, plain text otherwise) without control characters
and without the start of an HTML page. Anything else (a workbook, an image, an executable, a
page named ``card.pdf``) is refused, as is a file over ``MAX_BYTES``. Pure: no database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from training.errors import ApplicationError

MAX_BYTES = 5 * 1024 * 1024
PDF, MARKDOWN, TEXT = "application/pdf", "text/markdown", "text/plain"
EXTENSIONS = {PDF: "pdf", MARKDOWN: "md", TEXT: "txt"}
_MARKDOWN_LINE = re.compile(r"^(#{1,6}\s|[-*+]\s|\d+\.\s|\|.*\||>\s|```)", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML = re.compile(r"^\s*<(!doctype|html|head|body|script|svg|\?xml)", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedCard:
    media_type: str
    size: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.media_type]


def _refused(message: str) -> ApplicationError:
    return ApplicationError(_("The model card was not attached."), {"model_card_file": [message]})


def check_size(size: int) -> None:
    """Refuse a file too large before reading it."""
    if size > MAX_BYTES:
        raise _refused(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})


def read_upload(upload) -> bytes:
    """An uploaded card's bytes (a page's form or the API), its size refused before it is read;
    ``check`` then tells its type."""
    check_size(upload.size)
    return upload.read()


def check(data: bytes) -> CheckedCard:
    """The card's type from its content, or ``ApplicationError`` at ``model_card_file``."""
    if not data:
        raise _refused(_("The file is empty."))
    check_size(len(data))
    if data.startswith(b"%PDF-"):
        return CheckedCard(PDF, len(data))
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _refused(_("This file is neither a PDF nor text in UTF-8: attach the model card as PDF, "
                         "Markdown or plain text.")) from None
    if _CONTROL.search(text):
        raise _refused(_("This file is not text: attach the model card as PDF, Markdown or plain text."))
    if _HTML.match(text):
        raise _refused(_("This is a web page: save the model card as PDF and attach that."))
    return CheckedCard(MARKDOWN if _MARKDOWN_LINE.search(text) else TEXT, len(data))
