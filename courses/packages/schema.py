"""The JSON Schema of the package format, and its errors in the authors' terms.

docs/course-package.schema.json is the contract editors and CI can use on their own; the
importer runs the same file so that the two can never disagree. jsonschema's own messages
("'x' is a required property", "[] should be non-empty") are English and name values, not
places; each error is rewritten here as a translatable message at an exact path (a
missing or unknown field is reported at the field's own path).
"""
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .errors import Problem
from .paths import format_path, join

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "course-package.schema.json"
FORMAT = "vigil-course/1"


@lru_cache(maxsize=1)
def load_schema() -> dict:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        schema = json.load(handle)
    Draft202012Validator.check_schema(schema)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema())


def schema_problems(data: Any) -> list[Problem]:
    """Every schema violation of ``data``, deduplicated, as (path, message)."""
    problems: list[Problem] = []
    for error in _validator().iter_errors(data):
        for problem in _translate(error):
            if problem not in problems:
                problems.append(problem)
    return problems


def _type_name(name: str) -> str:
    return {
        "object": _("an object"),
        "array": _("a list"),
        "string": _("a string"),
        "integer": _("an integer"),
        "number": _("a number"),
        "boolean": _("true or false"),
        "null": _("null"),
    }.get(name, name)


def _pattern_message(pattern: str) -> str:
    if pattern.startswith("^[a-z0-9]"):
        return _("must contain only lowercase letters, digits and hyphens, starting with a letter or digit")
    if pattern.startswith("^[A-Z]"):
        return _("must be a code in capital letters, such as HAL or VER")
    if pattern.startswith("^media/"):
        return _("must be a path inside the package's media/ folder, such as media/scan.png")
    return _("does not match the pattern %(pattern)s") % {"pattern": pattern}


def _translate(error: ValidationError) -> list[Problem]:
    path = format_path(error.absolute_path)
    value = error.validator_value
    instance = error.instance
    kind = error.validator
    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return [(join(path, name), _("this field is required")) for name in missing]
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [name for name in instance if name not in known]
        return [(join(path, str(name)), _("unknown field")) for name in extra]
    if kind == "type":
        names = value if isinstance(value, list) else [value]
        return [(path, _("must be %(type)s") % {"type": _(" or ").join(_type_name(n) for n in names)})]
    if kind == "const":
        return [(path, _("must be %(value)s") % {"value": value})]
    if kind == "enum":
        return [(path, _("must be one of: %(choices)s") % {"choices": ", ".join(str(v) for v in value)})]
    if kind == "minItems":
        if value == 1 and list(error.absolute_path)[-1:] == ["artifacts"]:
            # A case of imported questions has none yet; "artifacts" is a word of course.yaml only.
            return [(path, _("the case has no AI output yet: add the one its questions are about "
                             "(artifacts must have at least 1 item)"))]
        return [(path, ngettext(
            "must have at least %(min)d item", "must have at least %(min)d items", value,
        ) % {"min": value})]
    if kind == "minLength":
        if value == 1:
            return [(path, _("must not be empty"))]
        return [(path, _("must be at least %(min)d characters long") % {"min": value})]
    if kind == "maxLength":
        return [(path, _("must be at most %(max)d characters long") % {"max": value})]
    if kind == "pattern":
        return [(path, _pattern_message(value))]
    if kind == "minimum":
        return [(path, _("must be at least %(min)s") % {"min": value})]
    if kind == "maximum":
        return [(path, _("must be at most %(max)s") % {"max": value})]
    if kind == "exclusiveMinimum":
        return [(path, _("must be greater than %(min)s") % {"min": value})]
    if kind == "uniqueItems":
        return [(path, _("must not contain the same value twice"))]
    return [(path, error.message)]  # a keyword the schema does not use today
