"""``reliance_decision``: accept or override an AI output (optionally after an unaided answer,
"decide first"), with a confidence of 0 to 100."""
from __future__ import annotations

from typing import Any

from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from quizzes.graders import reliance_decision as grader

from .base import Errors, FeedbackContext, FormContext, ItemUnit, ParsedAnswer, option_choices
from .formdata import checked, option_rows, options_spec, posted_index
from .numbers import parse_integer


class RelianceDecision(ItemUnit):
    type = "reliance_decision"
    grader = grader
    answer_fields = ("decision", "answer", "confidence")
    widget_template = "quizzes/widgets/reliance_decision.html"
    key_template = "quizzes/items/reliance_decision_key.html"
    needs_artifact = True
    distractors = True

    def grading_answer(self, answer: dict | None, initial_answer: str | None) -> dict:
        return {**(answer or {}), "initial_answer": initial_answer}

    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        decision = post.get("decision", "")
        own = post.get("answer", "")
        raw_confidence = post.get("confidence", "")
        parsed.values.update({"decision": decision, "answer": own, "confidence": raw_confidence})
        if not decision:
            parsed.errors["decision"] = [_("Choose whether you accept or override the AI output.")]
        parsed.payload["decision"] = decision
        if decision == "override":
            if not own:
                parsed.errors["answer"] = [_("Choose your own answer when you override the AI.")]
            parsed.payload["answer"] = own
        if raw_confidence != "":
            confidence = parse_integer(raw_confidence)
            if confidence is None:
                parsed.errors["confidence"] = [_("Give your confidence as a whole number from 0 to 100.")]
            else:
                parsed.payload["confidence"] = confidence
        elif spec.get("ask_confidence") is True:
            parsed.errors["confidence"] = [_("Say how confident you are, from 0 to 100.")]

    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        errors: Errors = {}
        kept = option_rows(data)
        spec: dict[str, Any] = {"question": (data.get("question") or "").strip(), "options": options_spec(kept)}
        ids = [o["id"] for o in spec["options"]]
        ai = posted_index(data, "ai_answer", kept)
        right = posted_index(data, "answer", kept)
        if ai is not None:
            spec["ai_answer"] = ids[ai]
        else:
            errors.setdefault("spec.ai_answer", []).append(_("mark the option the AI recommends"))
        spec["decide_first"] = checked(data, "decide_first")
        spec["ask_confidence"] = checked(data, "ask_confidence")
        key = {"answer": ids[right]} if right is not None else {}
        if right is None:
            errors.setdefault("key.answer", []).append(_("mark the right option"))
        return spec, key, errors

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        options = {o.get("id"): o.get("text") for o in spec.get("options") or [] if isinstance(o, dict)}
        return [_("Right answer: %(option)s") % {"option": options.get(key.get("answer"), key.get("answer"))}]

    def form_view(self, ctx: FormContext) -> dict:
        if ctx.mode != "answer":
            return {}
        item, options, response = ctx.item, ctx.options, ctx.response
        ai = ctx.spec.get("ai_answer")  # present: the item's AI output is not hidden in this mode
        initial = (response.initial_answer or {}).get("answer") if response else None
        if item.decide_first and item.artifact_id in ctx.artifacts:
            ctx.artifacts[item.artifact_id].revealed_for = {"id": item.pk, "number": ctx.number}
        return {
            "ai_answer_text": next((o["text"] for o in options if o["id"] == ai), ""),
            "override_options": [o for o in options if o["id"] != ai],
            "initial_text": next((o["text"] for o in options if o["id"] == initial), "") if initial else "",
            "confidence": ctx.values.get("confidence") or "50",
        }

    def feedback_view(self, ctx: FeedbackContext) -> dict:
        answer, options = ctx.answer, ctx.options
        initial = (ctx.response.initial_answer or {}).get("answer")
        ai = ctx.spec.get("ai_answer")
        own = []
        if initial:
            own.append((_("Your unaided answer"), options.get(initial, initial)))
        own.append((_("The AI recommended"), options.get(ai, ai)))
        if answer.get("decision") == "accept":
            own.append((_("Your decision"), _("You accepted the AI's recommendation.")))
        else:
            chosen = conditional_escape(options.get(answer.get("answer"), answer.get("answer")))
            own.append((_("Your decision"), mark_safe(  # noqa: S308 - the sentence and the answer escaped
                escape(_("You overrode the AI and answered: %(answer)s")) % {"answer": chosen})))
        if answer.get("confidence") is not None:
            own.append((_("Your confidence"), f"{answer['confidence']}%"))
        view: dict[str, Any] = {"own": own}
        if ctx.key:
            view["key"] = {"answer": options.get(ctx.key.get("answer"), ctx.key.get("answer")),
                           "ai_right": ctx.key.get("answer") == ai}
        return view

    def analysis_options(self, spec: dict, key: dict) -> list[tuple[str, str, bool]]:
        return option_choices(spec, {key.get("answer")})

    def chosen(self, spec: dict, answer: dict) -> list[str]:
        if answer.get("decision") == "override":
            return [answer.get("answer")] if answer.get("answer") is not None else []
        return [spec.get("ai_answer")]

    def accepted_ai(self, answer: Any) -> bool:
        return isinstance(answer, dict) and answer.get("decision") == "accept"


unit = RelianceDecision()
