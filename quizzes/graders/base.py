"""Shared vocabulary of the pure graders: result types, taxonomies and validation helpers.

Graders run in Celery workers, in the importer and in tests without Django settings, so
nothing here touches the ORM, settings, the clock or randomness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

FAILURE_MODES = (
    "HAL", "OMI", "CLIN", "OLD", "SHIFT", "SHORT",
    "BIAS", "CAL", "INJ", "PRIV", "SCOPE", "XAI",
)
COMPETENCIES = ("FND", "APR", "VER", "OVS", "EQB", "DAT", "COM", "GOV", "CPD")


def gettext_noop(message: str) -> str:
    """Mark a message template for translation without translating it.

    Django's own ``gettext_noop`` reads ``settings.USE_I18N`` when called, so it fails
    where graders must work (no settings configured). ``makemessages`` extracts calls by
    the name ``gettext_noop``, whichever module defines it, so this identity keeps the
    templates in the catalogue; they are translated where they are displayed.
    """
    return message


@dataclass(frozen=True)
class FieldError:
    path: str  # relative to the object validated; "" is the object itself
    message: str  # msgid template with %-style named params
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GradeResult:
    score: float
    feedback: list[dict]
    detail: dict
    cbm_mark: int | None = None
    needs_review: bool = False


def feedback(message: str, **params: Any) -> dict:
    return {"message": message, "params": params}


# --- validation helpers -------------------------------------------------------------
# Each helper appends to ``errors`` and returns whether the value can be used further,
# so validators stay flat and never raise on malformed input.

MSG_REQUIRED = gettext_noop("this field is required")
MSG_UNKNOWN = gettext_noop("unknown field")
MSG_OBJECT = gettext_noop("must be an object")
MSG_LIST = gettext_noop("must be a list")
MSG_STRING = gettext_noop("must be a string")
MSG_NOT_EMPTY = gettext_noop("must not be empty")
MSG_BOOL = gettext_noop("must be true or false")
MSG_INTEGER = gettext_noop("must be an integer")
MSG_NUMBER = gettext_noop("must be a finite number")
MSG_MIN = gettext_noop("must be at least %(min)s")
MSG_MAX = gettext_noop("must be at most %(max)s")
MSG_MIN_ITEMS = gettext_noop("must have at least %(min)s items")
MSG_MAX_ITEMS = gettext_noop("must have at most %(max)s items")
MSG_CHOICE = gettext_noop("must be one of: %(choices)s")
MSG_FAILURE_MODE = gettext_noop("%(value)s is not a failure-mode code")
MSG_NOT_OPTION = gettext_noop("%(value)s is not an option of this item")
MSG_DUPLICATE = gettext_noop("duplicate value %(value)s")
MSG_NEEDS_ARTIFACT = gettext_noop("this item type needs an artifact")


def join(prefix: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{prefix}[{part}]"
    return f"{prefix}.{part}" if prefix else part


def add(errors: list[FieldError], path: str, message: str, **params: Any) -> None:
    errors.append(FieldError(path, message, params))


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def check_object(
    errors: list[FieldError],
    value: Any,
    path: str,
    *,
    allowed: tuple[str, ...],
    required: tuple[str, ...] = (),
) -> bool:
    """Check ``value`` is a dict with the required fields and no others."""
    if not isinstance(value, dict):
        add(errors, path, MSG_OBJECT)
        return False
    for name in value:
        if name not in allowed:
            add(errors, join(path, str(name)), MSG_UNKNOWN)
    for name in required:
        if name not in value:
            add(errors, join(path, name), MSG_REQUIRED)
    return True


def check_bool(errors: list[FieldError], obj: dict, name: str, path: str) -> None:
    """An optional boolean flag."""
    if name in obj and not isinstance(obj[name], bool):
        add(errors, join(path, name), MSG_BOOL)


def check_text(
    errors: list[FieldError], obj: dict, name: str, path: str, *, allow_blank: bool = False
) -> bool:
    """A string field of ``obj``; absence is left to ``check_object``."""
    if name not in obj:
        return False
    value = obj[name]
    if not isinstance(value, str):
        add(errors, join(path, name), MSG_STRING)
        return False
    if not allow_blank and not value.strip():
        add(errors, join(path, name), MSG_NOT_EMPTY)
        return False
    return True


def check_list(
    errors: list[FieldError], value: Any, path: str, *, minimum: int = 0
) -> bool:
    if not isinstance(value, list):
        add(errors, path, MSG_LIST)
        return False
    if len(value) < minimum:
        add(errors, path, MSG_MIN_ITEMS, min=minimum)
        return False
    return True


def check_options(errors: list[FieldError], spec: dict, path: str) -> list[str]:
    """Validate ``spec.options`` and return the usable option ids, in order."""
    options = spec.get("options")
    options_path = join(path, "options")
    if "options" not in spec or not check_list(errors, options, options_path, minimum=2):
        return []
    ids: list[str] = []
    for i, option in enumerate(options):
        option_path = join(options_path, i)
        if not check_object(errors, option, option_path, allowed=("id", "text"), required=("id", "text")):
            continue
        check_text(errors, option, "text", option_path)
        if not check_text(errors, option, "id", option_path):
            continue
        if option["id"] in ids:
            add(errors, join(option_path, "id"), MSG_DUPLICATE, value=option["id"])
            continue
        ids.append(option["id"])
    return ids


def option_ids(spec: Any) -> list[str]:
    """The option ids of an already validated ``spec``, tolerating a malformed one."""
    options = spec.get("options") if isinstance(spec, dict) else None
    if not isinstance(options, list):
        return []
    return [o["id"] for o in options if isinstance(o, dict) and isinstance(o.get("id"), str)]


def check_option_ref(
    errors: list[FieldError], value: Any, path: str, ids: list[str]
) -> bool:
    """Whether ``value`` names one of ``ids``.

    When the options themselves were unusable (``ids`` empty) their errors are already
    reported, so only the type is checked here.
    """
    if not isinstance(value, str):
        add(errors, path, MSG_STRING)
        return False
    if ids and value not in ids:
        add(errors, path, MSG_NOT_OPTION, value=value)
        return False
    return bool(ids)


def check_option_feedback(errors: list[FieldError], key: dict, ids: list[str]) -> None:
    """``key.feedback``, optional: a text for each option it names (shown once graded to a
    trainee who chose that option, as Moodle's per-answer feedback)."""
    if "feedback" not in key:
        return
    value = key["feedback"]
    if not isinstance(value, dict):
        add(errors, "key.feedback", MSG_OBJECT)
        return
    for option, text in value.items():
        path = join("key.feedback", str(option))
        if ids and option not in ids:
            add(errors, path, MSG_NOT_OPTION, value=str(option))
        elif not isinstance(text, str):
            add(errors, path, MSG_STRING)


def check_failure_mode(errors: list[FieldError], value: Any, path: str) -> bool:
    if not isinstance(value, str) or value not in FAILURE_MODES:
        add(errors, path, MSG_FAILURE_MODE, value=value if isinstance(value, str) else repr(value))
        return False
    return True


def artifact_text(artifact: Any) -> str | None:
    """The text of a ``text`` artifact, or None when there is no usable one."""
    if not isinstance(artifact, dict) or artifact.get("kind") != "text":
        return None
    content = artifact.get("content")
    if not isinstance(content, dict):
        return None
    text = content.get("text")
    return text if isinstance(text, str) else None


def artifact_correct(artifact: Any) -> bool | None:
    """The artifact's ground truth (is the AI output correct?), or None if unknown."""
    if not isinstance(artifact, dict):
        return None
    truth = artifact.get("ground_truth")
    if not isinstance(truth, dict):
        return None
    correct = truth.get("correct")
    return correct if isinstance(correct, bool) else None


def clamp(value: float) -> float:
    return min(1.0, max(0.0, float(value)))
