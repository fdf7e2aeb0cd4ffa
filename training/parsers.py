"""The API's JSON parser: what DRF's parser accepts, less what would crash further on.

Two kinds of JSON body parse, yet cannot be handled by any endpoint:

- nesting deeper than ``MAX_DEPTH``: 100,000 ``[`` exhaust Python's recursion in the
  decoder, and a few hundred still do in whatever walks the data afterwards (validation,
  the database adapter). No request of Vigil nests more than a few levels;
- text that cannot be stored (``training.text``): a NUL character or a lone surrogate.

Both are refused here, before any view runs, with a 400 in the API's error shape naming
the field (``answer``, ``answer.text``), so nothing is written. The depth is measured on the
raw text, in one pass that skips strings and stops at the first level too deep, so the
decoder never sees a body it cannot parse.
"""
from __future__ import annotations

import codecs
import re

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.utils import json

from .text import unstorable_errors

MAX_DEPTH = 64

_STRUCTURE = re.compile(r'["\[\]{}]')
_STRING_REST = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)  # after the opening quote
_KEY_COLON = re.compile(r"\s*:")


def nesting_too_deep(text: str, max_depth: int = MAX_DEPTH) -> str | None:
    """Where ``text`` first nests deeper than ``max_depth`` arrays and objects: the
    top-level field it is in ("" when the body is not an object), or None when it does not.

    Malformed JSON is left to the decoder: an unterminated string ends the scan.
    """
    depth, root, field, pos = 0, "", "", 0
    while True:
        found = _STRUCTURE.search(text, pos)
        if found is None:
            return None
        char, pos = found.group(), found.end()
        if char == '"':
            rest = _STRING_REST.match(text, pos)
            if rest is None:
                return None
            if depth == 1 and root == "{" and _KEY_COLON.match(text, rest.end()):
                field = _field_name(text[found.start():rest.end()])
            pos = rest.end()
        elif char in "[{":
            root = root or char
            depth += 1
            if depth > max_depth:
                return field if root == "{" else ""
        else:
            depth -= 1


def _field_name(token: str) -> str:
    try:
        name = json.loads(token)
    except ValueError:
        return ""
    return name if isinstance(name, str) and not unstorable_errors(name) else ""


class JSONParser(parsers.JSONParser):
    """DRF's ``JSONParser`` refusing bodies nested too deep and text that cannot be stored."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
            too_deep = nesting_too_deep(text)
            if too_deep is None:
                data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(reason)s") % {"reason": exc}) from None
        if too_deep is not None:
            raise ValidationError({too_deep or "non_field_errors": [
                _("must not nest arrays and objects more than %(max)d levels deep") % {"max": MAX_DEPTH}]})
        errors = unstorable_errors(data)
        if errors:
            raise ValidationError(errors)
        return data
