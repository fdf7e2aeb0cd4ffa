"""``multiple_choice``: several options; right ticks add, wrong ticks subtract (weights in the key)."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from quizzes.graders import multiple_choice as grader

from .base import (
    Errors, FeedbackContext, FormContext, ItemUnit, ParsedAnswer, kept_option_fields, option_choices,
    option_feedback_lines,
)
from .display import html_list, lettered_labels, lettered_texts
from .formdata import checked, number_field, option_feedback, option_rows, options_spec


class MultipleChoice(ItemUnit):
    type = "multiple_choice"
    grader = grader
    answer_fields = ("answers",)
    widget_template = "quizzes/widgets/multiple_choice.html"
    key_template = "quizzes/items/multiple_choice_key.html"
    distractors = True

    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        answers = post.getlist("answers")
        parsed.values["answers"] = answers
        parsed.payload["answers"] = answers

    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        """Option rows ``options-N-id``, ``-text``, ``-correct`` (a check box), ``-weight``
        and ``-feedback`` (Markdown, optional)."""
        errors: Errors = {}
        kept = option_rows(data, more=("feedback",))
        spec = {"options": options_spec(kept)}
        ids = [o["id"] for o in spec["options"]]
        correct, weights = [], {}
        for i, row in enumerate(kept):
            if checked(data, f"options-{row['_posted']}-correct"):
                correct.append(ids[i])
            weight = number_field(errors, data.get(f"options-{row['_posted']}-weight", ""), f"key.weights.{ids[i]}")
            if weight is not None:
                weights[ids[i]] = weight
        key: dict[str, Any] = {"correct": correct}
        if weights:
            key["weights"] = weights
        feedback = option_feedback(kept, ids)
        if feedback:
            key["feedback"] = feedback
        return spec, key, errors

    def keep_unedited(self, spec: dict, stored: Any, key: Any) -> Any:
        return kept_option_fields(spec, stored, key, also_right=False)

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        options = lettered_texts(spec)
        return [_("Right options: %(options)s") % {
            "options": "; ".join(str(options.get(o, o)) for o in key.get("correct") or []),
        }, *option_feedback_lines(options, key)]

    def form_view(self, ctx: FormContext) -> dict:
        return {"ticked": set(ctx.values.get("answers") or [])}

    def feedback_view(self, ctx: FeedbackContext) -> dict:
        options = lettered_labels(ctx.spec, ctx.options)
        ticked = ctx.answer.get("answers") or []
        view: dict[str, Any] = {"own": [(_("You ticked"), html_list(options.get(a, a) for a in ticked) or _("nothing"))]}
        if ctx.key:
            correct = ctx.key.get("correct") or []
            view["key"] = {"rows": [
                {"text": text, "right": oid in correct, "ticked": oid in ticked} for oid, text in options.items()
            ]}
        return view

    def answer_feedback(self, ctx: FeedbackContext) -> list[str]:
        texts = ctx.key.get("feedback") or {}
        ticked = set(ctx.answer.get("answers") or [])
        return [texts.get(o.get("id"), "") for o in ctx.spec.get("options") or [] if o.get("id") in ticked]

    def analysis_options(self, spec: dict, key: dict) -> list[tuple[str, str, bool]]:
        return option_choices(spec, set(key.get("correct") or []))

    def chosen(self, spec: dict, answer: dict) -> list[str]:
        return [a for a in answer.get("answers") or [] if isinstance(a, str)]


unit = MultipleChoice()
