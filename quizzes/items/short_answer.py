"""``short_answer``: a word or phrase typed in, compared with accepted answers (Moodle's rules:
fractions, ``*`` wildcards, case ignored unless the key says otherwise)."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from progress.charts import percent
from quizzes.graders import short_answer as grader

from .base import Errors, FeedbackContext, ItemUnit, ParsedAnswer
from .formdata import checked, percent_fraction, rows


class ShortAnswer(ItemUnit):
    type = "short_answer"
    grader = grader
    answer_fields = ("text",)
    widget_template = "quizzes/widgets/short_answer.html"
    key_template = "quizzes/items/short_answer_key.html"

    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        text = post.get("text", "")
        parsed.values["text"] = text
        if not text.strip():
            parsed.errors["text"] = [_("Type your answer.")]
        elif len(text) > grader.MAX_LENGTH:
            parsed.errors["text"] = [_("Your answer is too long: at most %(max)s characters.") % {
                "max": grader.MAX_LENGTH}]
        parsed.payload["text"] = text

    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        """Accepted answer rows ``answers-N-text``, ``-percent`` (of the marks, 100 when
        blank) and ``-feedback``; ``case_sensitive`` a check box."""
        errors: Errors = {}
        answers = []
        for i, row in enumerate(rows(data, "answers", ("text", "percent", "feedback"), ignore=("percent",))):
            path = f"key.answers[{i}]"
            answer: dict[str, Any] = {"text": row["text"].strip()}
            fraction = percent_fraction(errors, row["percent"], f"{path}.fraction", blank=100)
            answer["fraction"] = fraction if fraction is not None else 0
            if row["feedback"].strip():
                answer["feedback"] = row["feedback"].strip()
            answers.append(answer)
        key: dict[str, Any] = {"answers": answers}
        if checked(data, "case_sensitive"):
            key["case_sensitive"] = True
        return {}, key, errors

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        lines = [_("Accepted: %(answer)s (%(percent)s)") % {
            "answer": a.get("text"), "percent": percent(a.get("fraction", 1))}
            for a in key.get("answers") or [] if isinstance(a, dict)]
        if key.get("case_sensitive"):
            lines.append(_("Case must match."))
        return lines

    def feedback_view(self, ctx: FeedbackContext) -> dict:
        view: dict[str, Any] = {"own": [(_("Your answer"), ctx.answer.get("text", ""))]}
        if ctx.key:
            matched = ctx.grade.detail.get("matched") if ctx.grade else None
            view["key"] = {
                "case_sensitive": ctx.key.get("case_sensitive") is True,
                "rows": [{"text": a.get("text", ""), "percent": percent(a.get("fraction", 1)),
                          "feedback": a.get("feedback", ""), "matched": i == matched}
                         for i, a in enumerate(ctx.key.get("answers") or []) if isinstance(a, dict)],
            }
            if matched is not None and 0 <= matched < len(view["key"]["rows"]):
                view["key"]["matched_feedback"] = view["key"]["rows"][matched]["feedback"]
        return view


unit = ShortAnswer()
