"""``free_text``: a written critique, marked against rubric criteria; the automatic suggestion
becomes final once a faculty member confirms it, unless the item is marked auto."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from progress.charts import decimal
from quizzes.graders import free_text as grader

from .base import Errors, FeedbackContext, ItemUnit, ParsedAnswer
from .formdata import checked, lines, number_field, rows


class FreeText(ItemUnit):
    type = "free_text"
    grader = grader
    answer_fields = ("text",)
    widget_template = "quizzes/widgets/free_text.html"
    key_template = "quizzes/items/free_text_key.html"
    marked_by_faculty = True

    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        text = post.get("text", "").replace("\r\n", "\n")
        parsed.values["text"] = text
        if not text.strip():
            parsed.errors["text"] = [_("Write your answer.")]
        parsed.payload["text"] = text

    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        errors: Errors = {}
        spec: dict[str, Any] = {}
        words = number_field(errors, data.get("max_words", ""), "spec.max_words", integer=True)
        if words is not None:
            spec["max_words"] = words
        if checked(data, "auto"):
            spec["auto"] = True
        criteria = []
        for i, row in enumerate(rows(data, "criteria", ("id", "text", "points", "look_for"))):
            path = f"key.criteria[{i}]"
            criterion: dict[str, Any] = {
                "id": row["id"].strip() or f"criterion-{i + 1}",
                "text": row["text"].strip(),
                "points": number_field(errors, row["points"], f"{path}.points", required=True),
            }
            groups = [[alt.strip() for alt in line.split("|") if alt.strip()] for line in lines(row["look_for"])]
            if groups:
                criterion["look_for"] = groups
            criteria.append(criterion)
        return spec, {"criteria": criteria}, errors

    def grade(self, spec: Any, key: Any, answer: Any, artifact: Any = None, shown: dict | None = None):
        return self.grader.grade(spec, key, answer, artifact, shown)

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        return [f"{c.get('text')} ({c.get('points')})" for c in key.get("criteria") or []]

    def feedback_view(self, ctx: FeedbackContext) -> dict:
        view: dict[str, Any] = {"own": [(_("Your answer"), ctx.answer.get("text", ""))], "free_text": True}
        grade = ctx.grade
        if ctx.key and grade:
            confirmed = grade.detail.get("confirmed_points") or {}
            suggested = {c["id"]: c for c in grade.detail.get("criteria") or []}
            view["key"] = {"rows": [
                {"text": c.get("text", ""), "max": c.get("points"),
                 "awarded": decimal(confirmed.get(c["id"], suggested.get(c["id"], {}).get("suggested", 0)), 1)}
                for c in ctx.key.get("criteria") or []
            ]}
        return view


unit = FreeText()
