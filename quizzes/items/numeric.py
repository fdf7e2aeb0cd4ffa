"""``numeric``: a number (e.g. a PPV), right within an absolute or relative tolerance."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from progress.charts import decimal, percent
from quizzes.graders import numeric as grader

from .base import Errors, FeedbackContext, ItemUnit, ParsedAnswer
from .formdata import number_field, percent_fraction, rows
from .numbers import parse_number


class Numeric(ItemUnit):
    type = "numeric"
    grader = grader
    answer_fields = ("value",)
    widget_template = "quizzes/widgets/numeric.html"
    key_template = "quizzes/items/numeric_key.html"

    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        raw = post.get("value", "")
        parsed.values["value"] = raw
        if not raw.strip():
            parsed.errors["value"] = [_("Enter a number.")]
            return
        number = parse_number(raw)
        if number is None:
            parsed.errors["value"] = [_("Enter a number, such as 9.2 (digits, with a decimal point or comma).")]
            return
        parsed.payload["value"] = number

    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        errors: Errors = {}
        spec = {}
        if (data.get("unit") or "").strip():
            spec["unit"] = data.get("unit").strip()
        key = {"value": number_field(errors, data.get("value", ""), "key.value", required=True)}
        for name in ("tolerance_abs", "tolerance_rel"):
            value = number_field(errors, data.get(name, ""), f"key.{name}")
            if value is not None:
                key[name] = value
        feedback = (data.get("feedback") or "").replace("\r\n", "\n").strip()
        if feedback:
            key["feedback"] = feedback
        others = self._other_answers(data, errors)
        if others:
            key["answers"] = others
        return spec, key, errors

    @staticmethod
    def _other_answers(data, errors: Errors) -> list[dict]:
        """Rows ``answers-N-value`` (blank: any other number), ``-tolerance``, ``-percent``
        (of the marks, 0 when blank) and ``-feedback``, as the key's other ``answers``."""
        others = []
        for i, row in enumerate(rows(data, "answers", ("value", "tolerance", "percent", "feedback"))):
            path = f"key.answers[{i}]"
            other: dict[str, Any] = {}
            # What cannot be read stays as typed, to be shown again beside its error (the
            # key is not saved while there is one).
            for name, field in (("value", "value"), ("tolerance", "tolerance_abs")):
                number = number_field(errors, row[name], f"{path}.{field}")
                if number is not None or row[name].strip():
                    other[field] = row[name].strip() if number is None else number
            fraction = percent_fraction(errors, row["percent"], f"{path}.fraction", blank=0)
            if fraction is not None and not 0 <= fraction <= 1:
                errors.setdefault(f"{path}.fraction", []).append(_("must be from 0 to 100 (per cent of the marks)"))
            other["fraction"] = row["percent"].strip() if fraction is None else fraction
            if row["feedback"].strip():
                other["feedback"] = row["feedback"].replace("\r\n", "\n").strip()
            others.append(other)
        return others

    def keep_unedited(self, spec: dict, stored: Any, key: Any) -> Any:
        """The right value's feedback and the other answers, when the form did not show them
        (the key fix edits the value and its tolerances only)."""
        if not isinstance(stored, dict) or not isinstance(key, dict) or not key:
            return key
        return {**key, **{name: stored[name] for name in ("feedback", "answers") if name in stored and name not in key}}

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        tolerance = key.get("tolerance_abs")
        if tolerance is None and key.get("tolerance_rel") is not None:
            tolerance = abs(key["value"]) * key["tolerance_rel"]
        lines = [_("Right value: %(value)s ± %(tolerance)s %(unit)s") % {
            "value": key.get("value"), "tolerance": tolerance or 0, "unit": spec.get("unit", ""),
        }]
        for other in key.get("answers") or []:
            lines.append(_("Other answer: %(value)s ± %(tolerance)s, %(percent)s of the marks") % {
                "value": other.get("value", "*"), "tolerance": other.get("tolerance_abs") or 0,
                "percent": percent(other.get("fraction", 0))})
        return lines

    def feedback_view(self, ctx: FeedbackContext) -> dict:
        unit = ctx.spec.get("unit") or ""
        value = decimal(ctx.answer.get("value"), 4).rstrip("0").rstrip(",.")
        view: dict[str, Any] = {"own": [(_("Your answer"), f"{value} {unit}".strip())]}
        if ctx.key:
            key = ctx.key
            view["key"] = {
                "value": f"{key.get('value')} {unit}".strip(),
                "tolerance_abs": key.get("tolerance_abs"),
                "tolerance_rel": percent(key["tolerance_rel"]) if key.get("tolerance_rel") is not None else None,
            }
            partial = [{"value": f"{other['value']} {unit}".strip(), "tolerance_abs": other.get("tolerance_abs"),
                        "percent": percent(other["fraction"])}
                       for other in key.get("answers") or [] if "value" in other and other.get("fraction", 0) > 0]
            if partial:  # the values that earn part of the marks; known wrong values stay in their feedback
                view["key"]["partial"] = partial
        return view

    def answer_feedback(self, ctx: FeedbackContext) -> list[str]:
        detail = ctx.grade.detail if ctx.grade else {}
        if detail.get("within_tolerance"):
            return [ctx.key.get("feedback", "")]
        matched, others = detail.get("matched"), ctx.key.get("answers") or []
        return [others[matched].get("feedback", "")] if isinstance(matched, int) and matched < len(others) else []


unit = Numeric()
