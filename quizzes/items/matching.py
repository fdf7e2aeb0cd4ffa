"""``matching``: each stem matched with one choice from a list (Moodle's matching questions);
the score is the share of stems matched right.

The trainee sees one select per stem, stems in the authored order and the choices in the
authored order of ``spec.choices``. Nothing is shuffled at run time: the editor and the
importer write the choices in alphabetical order, so their order never gives a pair away
(Moodle shuffles them per attempt).
"""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from quizzes.graders import matching as grader
from quizzes.graders.matching import matching_spec

from .base import Errors, FeedbackContext, FormContext, ItemUnit, ParsedAnswer
from .display import option_html
from .formdata import lines, rows


class Matching(ItemUnit):
    type = "matching"
    grader = grader
    answer_fields = ("pairs",)
    widget_template = "quizzes/widgets/matching.html"
    key_template = "quizzes/items/matching_key.html"

    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        pairs = {}
        for stem in spec.get("stems") or []:
            if isinstance(stem, dict) and isinstance(stem.get("id"), str):
                value = post.get(f"pair-{stem['id']}", "")
                parsed.values[f"pair-{stem['id']}"] = value
                if value:
                    pairs[stem["id"]] = value
        missing = len(spec.get("stems") or []) - len(pairs)
        if missing:
            parsed.errors["pairs"] = [_("Choose a match for every item (%(missing)s left).") % {"missing": missing}]
        parsed.payload["pairs"] = pairs

    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        """Rows ``stems-N-text`` with ``stems-N-choice`` (the text of its right match) and
        ``stems-N-id``; ``distractors``, one wrong choice per line; and the item's current
        choices as ``choices-N-id`` / ``choices-N-text``, whose ids a choice of the same
        text keeps."""
        errors: Errors = {}
        kept = rows(data, "stems", ("text", "choice", "id"), ignore=("id",))
        pairs = [(row["text"].strip(), row["choice"].strip()) for row in kept]
        current = {row["text"].strip(): row["id"].strip() for row in rows(data, "choices", ("id", "text"))}
        spec, key = matching_spec(pairs, lines(data.get("distractors", "")),
                                  stem_ids=[row["id"].strip() for row in kept], choice_ids=current)
        for i, stem in enumerate(spec["stems"]):
            if not pairs[i][1]:
                errors.setdefault(f"key.pairs.{stem['id']}", []).append(
                    _("give the right match of stem %(n)s") % {"n": i + 1})
        key["pairs"] = {s: c for s, c in key["pairs"].items() if c}
        return spec, key, errors

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        choices = {c.get("id"): c.get("text") for c in spec.get("choices") or [] if isinstance(c, dict)}
        pairs = key.get("pairs") or {}
        return [f"{s.get('text')} → {choices.get(pairs.get(s.get('id')), '—')}"
                for s in spec.get("stems") or [] if isinstance(s, dict)]

    def form_view(self, ctx: FormContext) -> dict:
        choices = [{"id": c["id"], "text": c.get("text", "")}
                   for c in ctx.spec.get("choices") or [] if isinstance(c, dict) and "id" in c]
        stems = [{"id": s["id"], "html": option_html(str(s.get("text", ""))),
                  "value": ctx.values.get(f"pair-{s['id']}", "")}
                 for s in ctx.spec.get("stems") or [] if isinstance(s, dict) and "id" in s]
        return {"match_stems": stems, "match_choices": choices}

    def feedback_view(self, ctx: FeedbackContext) -> dict:
        choices = {c.get("id"): c.get("text", "") for c in ctx.spec.get("choices") or [] if isinstance(c, dict)}
        given = ctx.answer.get("pairs") or {}
        stems = [s for s in ctx.spec.get("stems") or [] if isinstance(s, dict)]
        view: dict[str, Any] = {"own": [
            (option_html(str(s.get("text", ""))), choices.get(given.get(s.get("id")), _("no answer"))) for s in stems
        ]}
        if ctx.key:
            right = ctx.key.get("pairs") or {}
            view["key"] = {"rows": [
                {"stem": option_html(str(s.get("text", ""))), "right": choices.get(right.get(s.get("id")), ""),
                 "given": choices.get(given.get(s.get("id")), ""),
                 "ok": given.get(s.get("id")) is not None and given.get(s.get("id")) == right.get(s.get("id"))}
                for s in stems
            ]}
        return view


unit = Matching()
