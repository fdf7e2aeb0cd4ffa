"""``script_concordance``: on a −2…+2 scale, how a new finding changes a hypothesis; scored
against an expert panel's votes."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from quizzes.graders import script_concordance as grader

from .base import Errors, FeedbackContext, FormContext, ItemUnit, ParsedAnswer
from .formdata import number_field
from .numbers import parse_integer

SCALE = (("m2", -2), ("m1", -1), ("0", 0), ("p1", 1), ("p2", 2))  # editor field suffix, point


def scale_choices() -> list[dict]:
    return [
        {"value": "-2", "sign": "−2", "label": _("Much less likely")},
        {"value": "-1", "sign": "−1", "label": _("Less likely")},
        {"value": "0", "sign": "0", "label": _("Neither more nor less likely")},
        {"value": "1", "sign": "+1", "label": _("More likely")},
        {"value": "2", "sign": "+2", "label": _("Much more likely")},
    ]


def _point(value: int) -> str:
    """A point of the scale as an option id: "-2", "-1", "0", "+1", "+2"."""
    return f"{value:+d}" if value else "0"


class ScriptConcordance(ItemUnit):
    type = "script_concordance"
    grader = grader
    answer_fields = ("value",)
    widget_template = "quizzes/widgets/script_concordance.html"
    key_template = "quizzes/items/script_concordance_key.html"
    needs_artifact = True

    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        raw = post.get("value", "")
        parsed.values["value"] = raw
        value = parse_integer(raw)
        if raw == "":
            parsed.errors["value"] = [_("Choose a point on the scale.")]
        elif value is None:
            parsed.errors["value"] = [_("Choose a point from -2 to +2 on the scale.")]
        else:
            parsed.payload["value"] = value

    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        errors: Errors = {}
        spec = {"hypothesis": (data.get("hypothesis") or "").strip(),
                "new_information": (data.get("new_information") or "").strip()}
        panel = {}
        for name, value in SCALE:
            votes = number_field(errors, data.get(f"panel_{name}", ""), f"key.panel.{value}", integer=True)
            panel[str(value)] = votes if votes is not None else 0
        return spec, {"panel": panel}, errors

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        panel = key.get("panel") or {}
        return [_("Panel votes: %(votes)s") % {"votes": ", ".join(f"{k}: {v}" for k, v in panel.items())}]

    def form_view(self, ctx: FormContext) -> dict:
        return {"scale": scale_choices()}

    def feedback_view(self, ctx: FeedbackContext) -> dict:
        answer = ctx.answer
        scale = {int(c["value"]): c for c in scale_choices()}
        chosen = scale.get(answer.get("value"))
        view: dict[str, Any] = {
            "own": [(_("Your answer"), f"{chosen['sign']} — {chosen['label']}" if chosen else answer.get("value"))],
        }
        if ctx.key:
            panel = {int(k): v for k, v in (ctx.key.get("panel") or {}).items()}
            modal = max(panel.values(), default=0)
            view["key"] = {"rows": [
                {"sign": c["sign"], "label": c["label"], "votes": panel.get(v, 0),
                 "modal": panel.get(v, 0) == modal and modal > 0, "yours": answer.get("value") == v}
                for v, c in sorted(scale.items())
            ]}
        return view

    def analysis_options(self, spec: dict, key: dict) -> list[tuple[str, str, bool]]:
        panel = {str(k).lstrip("+"): v for k, v in (key.get("panel") or {}).items()}
        top = max(panel.values(), default=0)
        return [
            (_point(v), _("panel votes: %(votes)s") % {"votes": panel.get(str(v), 0)},
             bool(top) and panel.get(str(v), 0) == top)
            for v in (-2, -1, 0, 1, 2)
        ]

    def chosen(self, spec: dict, answer: dict) -> list[str]:
        value = answer.get("value")
        return [_point(value)] if isinstance(value, int) else []


unit = ScriptConcordance()
