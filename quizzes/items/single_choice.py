"""``single_choice``: one option, optionally with certainty-based marking (certainty 1, 2, 3)."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from quizzes.graders import single_choice as grader

from .base import (
    Errors, FeedbackContext, FormContext, ItemUnit, ParsedAnswer, kept_option_fields, option_choices,
    option_feedback_lines,
)
from .display import lettered_labels, lettered_texts
from .formdata import checked, option_feedback, option_rows, options_spec, posted_index
from .numbers import parse_integer


def certainty_choices() -> list[dict]:
    return [
        {"value": "1", "label": _("Not sure"), "marks": _("right +1, wrong 0")},
        {"value": "2", "label": _("Fairly sure"), "marks": _("right +2, wrong −2")},
        {"value": "3", "label": _("Very sure"), "marks": _("right +3, wrong −6")},
    ]


class SingleChoice(ItemUnit):
    type = "single_choice"
    grader = grader
    answer_fields = ("answer", "certainty")
    widget_template = "quizzes/widgets/single_choice.html"
    key_template = "quizzes/items/single_choice_key.html"
    distractors = True

    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        answer = post.get("answer", "")
        parsed.values["answer"] = answer
        if not answer:
            parsed.errors["answer"] = [_("Choose an answer.")]
        parsed.payload["answer"] = answer
        if spec.get("certainty") is True or "certainty" in post:
            raw = post.get("certainty", "")
            parsed.values["certainty"] = raw
            certainty = parse_integer(raw)
            if raw == "":
                parsed.errors["certainty"] = [_("Say how sure you are of your answer.")]
            elif certainty is None:
                parsed.errors["certainty"] = [_("Choose a certainty of 1, 2 or 3.")]
            else:
                parsed.payload["certainty"] = certainty

    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        """Option rows ``options-N-id``, ``-text``, ``-feedback`` (Markdown, optional) and
        ``-also_right`` (a check box: right as well); the right one is the radio ``answer``
        (ticking it as also right too changes nothing)."""
        errors: Errors = {}
        kept = option_rows(data, more=("feedback",))
        spec: dict[str, Any] = {"options": options_spec(kept)}
        ids = [o["id"] for o in spec["options"]]
        if checked(data, "certainty"):
            spec["certainty"] = True
        right = posted_index(data, "answer", kept)
        key: dict[str, Any] = {"answer": ids[right]} if right is not None else {}
        if right is None:
            errors.setdefault("key.answer", []).append(_("mark the right option"))
        also_right = [oid for i, (oid, row) in enumerate(zip(ids, kept))
                      if i != right and checked(data, f"options-{row['_posted']}-also_right")]
        if also_right:
            key["also_right"] = also_right
        feedback = option_feedback(kept, ids)
        if feedback:
            key["feedback"] = feedback
        return spec, key, errors

    def keep_unedited(self, spec: dict, stored: Any, key: Any) -> Any:
        return kept_option_fields(spec, stored, key, also_right=True)

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        options = lettered_texts(spec)
        lines = [_("Right answer: %(option)s") % {"option": options.get(key.get("answer"), key.get("answer"))}]
        lines += [_("Also right: %(option)s") % {"option": options.get(o, o)} for o in key.get("also_right") or []]
        return lines + option_feedback_lines(options, key)

    def form_view(self, ctx: FormContext) -> dict:
        return {"certainty_choices": certainty_choices()}

    def feedback_view(self, ctx: FeedbackContext) -> dict:
        answer, options = ctx.answer, lettered_labels(ctx.spec, ctx.options)
        own = [(_("Your answer"), options.get(answer.get("answer"), answer.get("answer")))]
        if answer.get("certainty") is not None:
            labels = {c["value"]: c["label"] for c in certainty_choices()}
            own.append((_("Your certainty"), labels.get(str(answer["certainty"]), answer["certainty"])))
        view: dict[str, Any] = {"own": own}
        if ctx.key:
            view["key"] = {"answer": options.get(ctx.key.get("answer"), ctx.key.get("answer"))}
            if ctx.key.get("also_right"):
                view["key"]["also_right"] = [options.get(o, o) for o in ctx.key["also_right"]]
        return view

    def answer_feedback(self, ctx: FeedbackContext) -> list[str]:
        return [(ctx.key.get("feedback") or {}).get(ctx.answer.get("answer"), "")]

    def analysis_options(self, spec: dict, key: dict) -> list[tuple[str, str, bool]]:
        return option_choices(spec, {key.get("answer"), *(key.get("also_right") or [])})

    def chosen(self, spec: dict, answer: dict) -> list[str]:
        return [answer.get("answer")] if answer.get("answer") is not None else []


unit = SingleChoice()
