"""``error_spans``: the trainee marks the wrong passages of an AI text, each with a failure mode."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from quizzes.graders import error_spans as grader

from .base import Errors, FeedbackContext, FormContext, ItemUnit, ParsedAnswer
from .display import failure_mode_choices, failure_mode_short, highlighted, quote
from .formdata import checked, lines, number_field, rows
from .numbers import parse_integer

MAX_FORM_SPANS = 200


class ErrorSpans(ItemUnit):
    type = "error_spans"
    grader = grader
    answer_fields = ("spans",)
    widget_template = "quizzes/widgets/error_spans.html"
    needs_artifact = True
    artifact_kinds = ("text",)

    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        """Each marked passage posts ``span_start``, ``span_end``, ``span_label`` and, optionally,
        ``span_correction``, once per passage and in the same order. A row left wholly blank
        (the spare rows of the studio's preview) is no passage."""
        starts, ends = post.getlist("span_start"), post.getlist("span_end")
        labels, corrections = post.getlist("span_label"), post.getlist("span_correction")
        marked = []
        if not (len(starts) == len(ends) == len(labels)) or len(corrections) not in (0, len(starts)):
            parsed.errors["spans"] = [_("The passages you marked did not arrive complete; mark them again.")]
        elif len(starts) > MAX_FORM_SPANS:
            parsed.errors["spans"] = [_("Mark at most %(max)s passages.") % {"max": MAX_FORM_SPANS}]
        else:
            for i, (raw_start, raw_end, label) in enumerate(zip(starts, ends, labels)):
                correction = corrections[i] if corrections else ""
                if not any(part.strip() for part in (raw_start, raw_end, label, correction)):
                    continue
                start, end = parse_integer(raw_start), parse_integer(raw_end)
                if start is None or end is None:
                    parsed.errors[f"spans[{len(marked)}].start"] = [
                        _("This passage has no valid position; remove it and mark it again."),
                    ]
                marked.append({"start": start, "end": end, "label": label, "correction": correction})
        parsed.values["spans"] = marked
        payload_spans = []
        for row in marked:
            span = {"start": row["start"], "end": row["end"]}
            if row["label"]:
                span["label"] = row["label"]
            if row["correction"].strip():
                span["correction"] = row["correction"].strip()
            payload_spans.append(span)
        parsed.payload["spans"] = payload_spans

    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        errors: Errors = {}
        spec: dict[str, Any] = {}
        if checked(data, "labels_required"):
            spec["labels_required"] = True
        spans = []
        for i, row in enumerate(rows(data, "spans", ("start", "end", "failure_mode", "severity", "corrections"),
                                     ignore=("severity",))):
            path = f"key.spans[{i}]"
            span: dict[str, Any] = {
                "start": number_field(errors, row["start"], f"{path}.start", integer=True, required=True),
                "end": number_field(errors, row["end"], f"{path}.end", integer=True, required=True),
                "failure_mode": row["failure_mode"].strip(),
            }
            if not span["failure_mode"]:
                errors.setdefault(f"{path}.failure_mode", []).append(_("choose a failure mode"))
            if row["severity"].strip():
                span["severity"] = row["severity"].strip()
            corrections = lines(row["corrections"])
            if corrections:
                span["corrections"] = corrections
            spans.append(span)
        return spec, {"spans": spans}, errors

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        return [
            _("“%(excerpt)s” (%(mode)s, %(severity)s)") % {
                "excerpt": text[s["start"]:s["end"]], "mode": s.get("failure_mode"), "severity": s.get("severity", "minor"),
            }
            for s in key.get("spans") or [] if isinstance(s, dict)
        ] or [_("This text contains no error.")]

    def form_view(self, ctx: FormContext) -> dict:
        item = ctx.item
        if ctx.mode != "answer" or item.artifact_id not in ctx.artifacts:
            return {}
        artifact = ctx.artifacts[item.artifact_id]
        if artifact.selectable_for is None:
            artifact.selectable_for = item.pk
        text = artifact.data.get("text", "")
        return {
            "span_rows": [
                {**row, "quote": quote(text, row.get("start"), row.get("end")), "errors": ctx.span_errors.get(i, {})}
                for i, row in enumerate(ctx.values.get("spans") or [])
            ],
            "failure_modes": failure_mode_choices(),
            "labels_required": ctx.spec.get("labels_required") is True,
            "artifact_number": list(ctx.artifacts).index(item.artifact_id) + 1,
        }

    def feedback_view(self, ctx: FeedbackContext) -> dict:
        return {"spans": _spans_view(ctx)}

    def analysis_spans(self, key: dict, text: str) -> list[dict]:
        out = []
        for span in key.get("spans") or []:
            if not isinstance(span, dict):
                continue
            start, end = span.get("start"), span.get("end")
            excerpt = text[start:end] if isinstance(start, int) and isinstance(end, int) else ""
            out.append({"start": start, "end": end, "failure_mode": span.get("failure_mode", ""),
                        "severity": span.get("severity", "minor"), "excerpt": excerpt})
        return out


def _spans_view(ctx: FeedbackContext) -> dict:
    item = ctx.response.item
    text = (item.artifact.content or {}).get("text", "") if item.artifact_id else ""
    own = [s for s in ctx.answer.get("spans") or [] if isinstance(s, dict)]
    out: dict[str, Any] = {"own": [
        {"quote": quote(text, s.get("start"), s.get("end")), "label": failure_mode_short(s.get("label")),
         "correction": s.get("correction", "")}
        for s in own
    ]}
    grade = ctx.grade
    if not (ctx.due and grade):
        return out
    detail = grade.detail or {}
    keys = detail.get("key_spans") or []
    marks = detail.get("trainee_spans") or []
    out["compared"] = True
    out["key_rows"] = [
        {"quote": quote(text, k["start"], k["end"]), "failure_mode": failure_mode_short(k.get("failure_mode")),
         "major": k.get("severity") == "major", "found": k.get("found"),
         "your_label": failure_mode_short(own[k["matched"]].get("label"))
         if k.get("found") and k.get("matched") is not None and k["matched"] < len(own) else "",
         "label_right": k.get("label_right"), "correction_ok": k.get("correction_ok")}
        for k in keys
    ]
    out["mark_rows"] = [
        {"quote": quote(text, t["start"], t["end"]), "label": failure_mode_short(t.get("label")), "hit": t.get("hit")}
        for t in marks
    ]
    out["highlighted"] = highlighted(text, [k for k in keys if "start" in k], [t for t in marks if "start" in t])
    out["no_errors"] = not keys
    return out


unit = ErrorSpans()
