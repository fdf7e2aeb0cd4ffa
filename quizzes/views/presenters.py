"""View-models of the trainee pages: what each template shows, computed once, here.

The rules about what a trainee may see are the selectors' (``ai_output_hidden``,
``feedback_is_due``), the same the API applies; this module only applies them. A hidden
AI output and the AI's answer are never put into a template's context, and neither are
keys, rationales or ground truth before the feedback is due, so no template can leak them.
"""
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from courses.models import Artifact, Item, Module
from courses.rendering import render_markdown, render_markdown_inline
from courses.taxonomy import COMPETENCIES, FAILURE_MODES
from quizzes.apis import translate_feedback
from quizzes.forms import FieldErrors
from quizzes.models import Attempt, Response
from quizzes.selectors import ai_output_hidden, feedback_is_due

from progress import charts

_WORD = re.compile(r"\S+")
_AI_SPEC_FIELDS = ("ai_answer",)  # as quizzes.apis: part of the AI output, hidden with it


@functools.lru_cache(maxsize=4096)
def _rendered(text: str, media: tuple[tuple[str, str], ...], inline: bool = False) -> str:
    return (render_markdown_inline if inline else render_markdown)(text, dict(media))


def _media_key(media: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((media or {}).items()))


def markdown_html(text: str, media: Mapping[str, str] | None = None) -> SafeString:
    """Authored Markdown as HTML, sanitised by courses.rendering (nh3), safe to insert;
    ``media`` maps the version's media paths to their URLs, for the images a text shows.

    Rendering is pure (same text and media, same HTML) and costs about a millisecond, and
    published content never changes, so the results are kept (per process, bounded)."""
    return mark_safe(_rendered(text or "", _media_key(media)))  # noqa: S308 - sanitised


def option_html(text: str, media: Mapping[str, str] | None = None) -> SafeString:
    """An option's Markdown inside its label (no paragraph around it), as the studio's
    preview shows it: emphasis, a formula's symbols, an image of the version."""
    return mark_safe(_rendered(text, _media_key(media), inline=True))  # noqa: S308 - sanitised


# ---------------------------------------------------------------- taxonomy labels

def failure_mode_name(code: str | None) -> str:
    if not code:
        return ""
    name = FAILURE_MODES.get(code)
    return _(name) if name else code


def failure_mode_short(code: str | None) -> str:
    """The failure mode's name without its parenthesis (for tables on a phone)."""
    return charts.short_label(failure_mode_name(code), 80)


def failure_mode_choices() -> list[tuple[str, str]]:
    return [(code, _(name)) for code, name in FAILURE_MODES.items()]


def competency_name(code: str) -> str:
    name = COMPETENCIES.get(code)
    return _(name) if name else code


def certainty_choices() -> list[dict]:
    return [
        {"value": "1", "label": _("Not sure"), "marks": _("right +1, wrong 0")},
        {"value": "2", "label": _("Fairly sure"), "marks": _("right +2, wrong −2")},
        {"value": "3", "label": _("Very sure"), "marks": _("right +3, wrong −6")},
    ]


def scale_choices() -> list[dict]:
    return [
        {"value": "-2", "sign": "−2", "label": _("Much less likely")},
        {"value": "-1", "sign": "−1", "label": _("Less likely")},
        {"value": "0", "sign": "0", "label": _("Neither more nor less likely")},
        {"value": "1", "sign": "+1", "label": _("More likely")},
        {"value": "2", "sign": "+2", "label": _("Much more likely")},
    ]


def role_label(role: str) -> str:
    return {
        "system": pgettext("chat role", "System"), "user": pgettext("chat role", "User"),
        "assistant": pgettext("chat role", "Assistant"), "tool": pgettext("chat role", "Tool"),
    }.get(role, role)


# ---------------------------------------------------------------- artifacts

def tokens_html(text: str) -> SafeString:
    """The text as word tokens the span widget selects: each word a span with its
    character offsets (Python indices, as the grader counts), whitespace kept between."""
    out, last = [], 0
    for m in _WORD.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(f'<span data-s="{m.start()}" data-e="{m.end()}">{escape(m.group())}</span>')
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


@dataclass
class ArtifactView:
    artifact: Artifact
    hidden: bool
    template: str
    data: dict = field(default_factory=dict)
    selectable_for: int | None = None  # item id of an error_spans item answering on this text
    revealed_for: dict | None = None  # the decide-first item whose final answer is now asked

    @property
    def tokens(self) -> SafeString:
        return tokens_html(self.data.get("text", ""))


def artifact_view(artifact: Artifact, *, media: dict[str, str], hidden: bool) -> ArtifactView:
    view = ArtifactView(artifact=artifact, hidden=hidden, template=f"quizzes/artifacts/{artifact.kind}.html")
    if hidden:
        return view  # nothing of the content reaches the template
    c = artifact.content or {}
    kind = artifact.kind
    if kind == Artifact.Kind.TEXT:
        view.data = {"text": c.get("text", "")}
    elif kind == Artifact.Kind.PREDICTION:
        features = [f for f in c.get("features") or [] if isinstance(f, dict)]
        view.data = {
            "model": c.get("model", ""), "target": c.get("target", ""), "output": c.get("output", ""),
            "probability": c.get("probability"), "threshold": c.get("threshold"),
            "gauge": charts.gauge(c.get("probability"), c.get("threshold")) if c.get("probability") is not None else None,
            "features": charts.contribution_chart(features) if features else None,
        }
    elif kind == Artifact.Kind.IMAGE:
        width, height = c.get("width") or 512, c.get("height") or 512
        overlays = []
        for o in c.get("overlays") or []:
            score = o.get("score")
            overlays.append({
                "x": o.get("x", 0), "y": o.get("y", 0), "w": o.get("w", 0), "h": o.get("h", 0),
                "label": o.get("label", ""), "score": charts.decimal(score) if score is not None else "",
                "text_y": max(o.get("y", 0) - 8, 18),
            })
        view.data = {
            "src": media.get(c.get("src", "")), "alt": c.get("alt", ""), "width": width, "height": height,
            "heatmap": media.get(c.get("heatmap") or ""), "overlays": overlays,
            "font": max(12, round(width / 32)),
        }
    elif kind == Artifact.Kind.MODEL_CARD:
        view.data = {
            "name": c.get("name", ""), "version": c.get("version", ""), "developer": c.get("developer", ""),
            "intended_use": c.get("intended_use", ""), "out_of_scope": c.get("out_of_scope") or [],
            "training_population": c.get("training_population", ""),
            "performance": [p for p in c.get("performance") or [] if isinstance(p, dict)],
            "limitations": c.get("limitations") or [],
        }
    elif kind == Artifact.Kind.CHAT:
        view.data = {"messages": [
            {"role": m.get("role", ""), "role_label": role_label(m.get("role", "")),
             "html": markdown_html(str(m.get("content", "")))}
            for m in c.get("messages") or [] if isinstance(m, dict)
        ]}
    return view


# ---------------------------------------------------------------- feedback

def _options(spec: dict, media: Mapping[str, str] | None = None) -> dict[str, SafeString]:
    """Each option's label as HTML (its Markdown, as in the question), by option id."""
    return {o["id"]: option_html(str(o.get("text", "")), media)
            for o in spec.get("options") or [] if isinstance(o, dict) and "id" in o}


def _html_list(values) -> SafeString:
    return mark_safe(", ".join(conditional_escape(v) for v in values))  # noqa: S308 - each part escaped


def _quote(text: str, start, end) -> str:
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        return _("(a passage outside the text)")
    quote = text[start:end]
    return quote if len(quote) <= 240 else quote[:239] + "…"


def _highlighted(text: str, key_spans: list[dict], own_spans: list[dict]) -> SafeString:
    """The AI text with the key's spans and the trainee's spans marked (classes k and t)."""
    cuts = {0, len(text)}
    for s in key_spans + own_spans:
        cuts.update((max(0, min(len(text), s["start"])), max(0, min(len(text), s["end"]))))
    edges = sorted(cuts)
    out = []
    for a, b in zip(edges, edges[1:]):
        piece = escape(text[a:b])
        in_key = any(s["start"] < b and a < s["end"] for s in key_spans)
        in_own = any(s["start"] < b and a < s["end"] for s in own_spans)
        classes = " ".join(c for c, on in (("k", in_key), ("t", in_own)) if on)
        out.append(f'<mark class="{classes}">{piece}</mark>' if classes else piece)
    return mark_safe("".join(out))  # noqa: S308 - text escaped above


def feedback_policy_text(policy: str, due_at=None) -> str:
    if policy == Module.FeedbackPolicy.IMMEDIATE:
        return _("You see the answer key and the expert's rationale as soon as an answer is graded.")
    if policy == Module.FeedbackPolicy.AFTER_ATTEMPT:
        return _("You see the answer key and the expert's rationale once you submit the module.")
    if due_at:
        from django.utils.formats import date_format
        from django.utils.timezone import localtime

        return _("You see the answer key and the expert's rationale after the due date, %(date)s, once you "
                 "have submitted the module.") % {"date": date_format(localtime(due_at), "DATETIME_FORMAT")}
    return _("You see the answer key and the expert's rationale after the due date, once you have submitted "
             "the module.")


def status_text(response: Response, score: str | None) -> str:
    state = response.state
    if state == Response.State.SUBMITTED:
        return _("Your answer is saved and is being graded. This page updates by itself.")
    if state == Response.State.REVIEW:
        return _("Your answer is saved. A faculty member will review it and confirm your grade.")
    if state == Response.State.GRADED:
        return _("Graded: your score is %(score)s.") % {"score": score}
    if state == Response.State.FAILED:
        return _("Your answer is saved, but it could not be graded automatically. Please tell your teacher.")
    return ""


def feedback_view(response: Response, *, due: bool, number: int | None = None,
                  media: Mapping[str, str] | None = None) -> dict:
    """What the feedback block of one answered item shows (see _feedback.html)."""
    item = response.item
    spec = item.spec or {}
    options = _options(spec, media)
    answer = response.answer or {}
    graded = response.state == Response.State.GRADED
    grade = getattr(response, "grade", None) if graded else None
    score = charts.percent(grade.score) if grade else None
    view = {
        "response": response, "state": response.state, "number": number,
        "pending": response.state == Response.State.SUBMITTED,
        "poll_url": reverse("trainee-feedback", args=[response.pk]),
        "status": status_text(response, score), "score": score,
        "cbm_mark": f"{grade.cbm_mark:+d}" if grade and grade.cbm_mark is not None else None,
        "lines": translate_feedback(grade.feedback) if grade else [], "comment": grade.comment if grade else "",
        "due": due and graded, "later": "", "type": item.type, "own": [], "rationale": "", "truth": None,
        "key": {},
    }
    if graded and not due:
        view["later"] = feedback_policy_text(response.attempt.module.feedback_policy)
    t = item.type
    key = item.key.answer if view["due"] else None
    if t == Item.Type.SINGLE_CHOICE:
        view["own"].append((_("Your answer"), options.get(answer.get("answer"), answer.get("answer"))))
        if answer.get("certainty") is not None:
            labels = {c["value"]: c["label"] for c in certainty_choices()}
            view["own"].append((_("Your certainty"), labels.get(str(answer["certainty"]), answer["certainty"])))
        if key:
            view["key"] = {"answer": options.get(key.get("answer"), key.get("answer"))}
    elif t == Item.Type.MULTIPLE_CHOICE:
        ticked = answer.get("answers") or []
        view["own"].append((_("You ticked"), _html_list(options.get(a, a) for a in ticked) or _("nothing")))
        if key:
            correct = key.get("correct") or []
            view["key"] = {"rows": [
                {"text": text, "right": oid in correct, "ticked": oid in ticked} for oid, text in options.items()
            ]}
    elif t == Item.Type.NUMERIC:
        unit = spec.get("unit") or ""
        view["own"].append((_("Your answer"), f"{charts.decimal(answer.get('value'), 4).rstrip('0').rstrip(',.')} {unit}".strip()))
        if key:
            view["key"] = {
                "value": f"{key.get('value')} {unit}".strip(),
                "tolerance_abs": key.get("tolerance_abs"), "tolerance_rel": charts.percent(key["tolerance_rel"]) if key.get("tolerance_rel") is not None else None,
            }
    elif t == Item.Type.SCRIPT_CONCORDANCE:
        scale = {int(c["value"]): c for c in scale_choices()}
        chosen = scale.get(answer.get("value"))
        view["own"].append((_("Your answer"), f"{chosen['sign']} — {chosen['label']}" if chosen else answer.get("value")))
        if key:
            panel = {int(k): v for k, v in (key.get("panel") or {}).items()}
            modal = max(panel.values(), default=0)
            view["key"] = {"rows": [
                {"sign": c["sign"], "label": c["label"], "votes": panel.get(v, 0), "modal": panel.get(v, 0) == modal and modal > 0,
                 "yours": answer.get("value") == v}
                for v, c in sorted(scale.items())
            ]}
    elif t == Item.Type.FREE_TEXT:
        view["own"].append((_("Your answer"), answer.get("text", "")))
        view["free_text"] = True
        if key and grade:
            confirmed = grade.detail.get("confirmed_points") or {}
            suggested = {c["id"]: c for c in grade.detail.get("criteria") or []}
            view["key"] = {"rows": [
                {"text": c.get("text", ""), "max": c.get("points"),
                 "awarded": charts.decimal(confirmed.get(c["id"], suggested.get(c["id"], {}).get("suggested", 0)), 1)}
                for c in key.get("criteria") or []
            ]}
    elif t == Item.Type.RELIANCE_DECISION:
        initial = (response.initial_answer or {}).get("answer")
        ai = spec.get("ai_answer")
        if initial:
            view["own"].append((_("Your unaided answer"), options.get(initial, initial)))
        view["own"].append((_("The AI recommended"), options.get(ai, ai)))
        if answer.get("decision") == "accept":
            view["own"].append((_("Your decision"), _("You accepted the AI's recommendation.")))
        else:
            chosen = conditional_escape(options.get(answer.get("answer"), answer.get("answer")))
            view["own"].append((_("Your decision"), mark_safe(  # noqa: S308 - the sentence and the answer escaped
                escape(_("You overrode the AI and answered: %(answer)s")) % {"answer": chosen})))
        if answer.get("confidence") is not None:
            view["own"].append((_("Your confidence"), f"{answer['confidence']}%"))
        if key:
            view["key"] = {"answer": options.get(key.get("answer"), key.get("answer")),
                           "ai_right": key.get("answer") == ai}
    elif t == Item.Type.ERROR_SPANS:
        view["spans"] = _spans_view(response, grade=grade, due=view["due"])
    if view["due"]:
        view["rationale"] = markdown_html(item.key.rationale, media)
        artifact = item.artifact if item.artifact_id else None
        if artifact is not None:
            view["truth"] = {
                "correct": artifact.ai_correct, "title": artifact.title,
                "failure_modes": [failure_mode_name(f.code) for f in artifact.failure_modes.all()],
                "explanation": markdown_html(artifact.truth_explanation, media),
            }
    return view


def _spans_view(response: Response, *, grade, due: bool) -> dict:
    item = response.item
    text = (item.artifact.content or {}).get("text", "") if item.artifact_id else ""
    own = [s for s in (response.answer or {}).get("spans") or [] if isinstance(s, dict)]
    out = {"own": [
        {"quote": _quote(text, s.get("start"), s.get("end")), "label": failure_mode_short(s.get("label")),
         "correction": s.get("correction", "")}
        for s in own
    ]}
    if not (due and grade):
        return out
    detail = grade.detail or {}
    keys = detail.get("key_spans") or []
    marks = detail.get("trainee_spans") or []
    out["compared"] = True
    out["key_rows"] = [
        {"quote": _quote(text, k["start"], k["end"]), "failure_mode": failure_mode_short(k.get("failure_mode")),
         "major": k.get("severity") == "major", "found": k.get("found"),
         "your_label": failure_mode_short(own[k["matched"]].get("label")) if k.get("found") and k.get("matched") is not None and k["matched"] < len(own) else "",
         "label_right": k.get("label_right"), "correction_ok": k.get("correction_ok")}
        for k in keys
    ]
    out["mark_rows"] = [
        {"quote": _quote(text, t["start"], t["end"]), "label": failure_mode_short(t.get("label")), "hit": t.get("hit")}
        for t in marks
    ]
    out["highlighted"] = _highlighted(text, [k for k in keys if "start" in k], [t for t in marks if "start" in t])
    out["no_errors"] = not keys
    return out


class DueCache:
    """``feedback_is_due`` once per attempt: every graded response of an attempt shares the
    module's policy, the attempt's status and the due date, so a page costs one check."""

    def __init__(self):
        self._by_attempt: dict[int, bool] = {}

    def __call__(self, response: Response) -> bool:
        if response.state != Response.State.GRADED:
            return False
        if response.attempt_id not in self._by_attempt:
            self._by_attempt[response.attempt_id] = feedback_is_due(response=response)
        return self._by_attempt[response.attempt_id]


# ---------------------------------------------------------------- the case player

def _spec_for(item: Item, hidden: bool) -> dict:
    return {k: v for k, v in (item.spec or {}).items() if not (hidden and k in _AI_SPEC_FIELDS)}


def item_views(*, items: list[Item], responses: dict[int, Response], attempt: Attempt | None,
               artifacts: dict[int, ArtifactView], hidden_ids: set[int], overrides: dict | None = None,
               media: Mapping[str, str] | None = None) -> list[dict]:
    """One view-model per item: which form it shows (or its feedback), with the values and
    errors of a form posted back."""
    overrides = overrides or {}
    due = DueCache()
    open_attempt = attempt is not None and attempt.status == Attempt.Status.OPEN
    decide_first_numbers = {}
    views = []
    for number, item in enumerate(items, start=1):
        response = responses.get(item.pk)
        item_hidden = ai_output_hidden(item=item, response=response)
        spec = _spec_for(item, item_hidden)
        if item.decide_first:
            decide_first_numbers.setdefault(item.artifact_id, number)
        if item.artifact_id in hidden_ids and not (item.decide_first and response is None):
            mode = "blocked"  # about an AI output still hidden: even its feedback would show it
        elif response is not None and response.state != Response.State.UNAIDED:
            mode = "answered"
        elif not open_attempt:
            mode = "closed"
        elif item.decide_first and response is None:
            mode = "unaided"
        else:
            mode = "answer"
        override = overrides.get(item.pk) or {}
        errors: FieldErrors = override.get("errors") or FieldErrors()
        values = override.get("values") or {}
        options = [{**o, "html": option_html(str(o.get("text", "")), media)}
                   for o in spec.get("options") or [] if isinstance(o, dict)]
        view = {
            "item": item, "number": number, "count": len(items), "type": item.type, "mode": mode, "spec": spec,
            # A question about an AI output still hidden is withheld with it: its wording may quote it.
            "prompt_html": markdown_html(item.prompt, media) if mode != "blocked" else "", "options": options,
            "competencies": [competency_name(c.code) for c in item.competencies.all()],
            "values": values, "errors": errors.fields, "general_errors": errors.general, "error_count": errors.count,
            "message": override.get("message", ""), "response": response,
            "draft_key": f"{attempt.pk}:{item.pk}" if attempt else "",
            "blocked_by": decide_first_numbers.get(item.artifact_id),
            "widget": f"quizzes/widgets/{item.type}.html",
        }
        if mode == "answered":
            view["feedback"] = feedback_view(response, due=due(response), number=number, media=media)
        if mode in ("unaided", "answer") and attempt is not None:
            name = "trainee-unaided" if mode == "unaided" else "trainee-answer"
            view["action"] = reverse(name, args=[attempt.pk, item.pk])
        if mode == "answer" and item.type == Item.Type.RELIANCE_DECISION:
            ai = spec.get("ai_answer")  # present: the item's AI output is not hidden in this mode
            view["ai_answer_text"] = next((o["text"] for o in options if o["id"] == ai), "")
            view["override_options"] = [o for o in options if o["id"] != ai]
            initial = (response.initial_answer or {}).get("answer") if response else None
            view["initial_text"] = next((o["text"] for o in options if o["id"] == initial), "") if initial else ""
            view["confidence"] = values.get("confidence") or "50"
            if item.decide_first and item.artifact_id in artifacts:
                artifacts[item.artifact_id].revealed_for = {"id": item.pk, "number": number}
        if mode == "answer" and item.type == Item.Type.ERROR_SPANS and item.artifact_id in artifacts:
            artifact = artifacts[item.artifact_id]
            if artifact.selectable_for is None:
                artifact.selectable_for = item.pk
            text = artifact.data.get("text", "")
            view["span_rows"] = [
                {**row, "quote": _quote(text, row.get("start"), row.get("end")),
                 "errors": errors.spans.get(i, {})}
                for i, row in enumerate(values.get("spans") or [])
            ]
            view["failure_modes"] = failure_mode_choices()
            view["labels_required"] = spec.get("labels_required") is True
            view["artifact_number"] = list(artifacts).index(item.artifact_id) + 1
        if item.type == Item.Type.SINGLE_CHOICE:
            view["certainty_choices"] = certainty_choices()
        if item.type == Item.Type.SCRIPT_CONCORDANCE:
            view["scale"] = scale_choices()
        if item.type == Item.Type.MULTIPLE_CHOICE:
            view["ticked"] = set(values.get("answers") or [])
        views.append(view)
    return views


def player_strings() -> dict[str, str]:
    """The sentences player.js shows, translated here (placeholders: %(name)s)."""
    return {
        "sending": _("Sending your answer…"),
        "saved": _("Your answer is saved."),
        "offline": _("Your answer could not be sent: check your connection and try again. Nothing you entered "
                     "is lost; it is kept on this device."),
        "failed": _("Your answer could not be saved (error %(code)s). It is kept on this device; reload the page "
                    "and try again."),
        "restored": _("Your unsent answer was restored from this device."),
        "noSelection": _("No passage selected."),
        "selected": _("Selected: “%(quote)s”. Press Enter or “Mark the passage” to mark it."),
        "editing": _("Select the new extent of the passage, then save it."),
        "editingSelected": _("Changing the passage to: “%(quote)s”. Press Enter or “Save the changed passage”."),
        "mark": _("Mark the passage"),
        "update": _("Save the changed passage"),
        "added": _("Passage marked: “%(quote)s”. Choose its failure mode in the list of passages you marked."),
        "updated": _("Passage changed to: “%(quote)s”."),
        "removed": _("Passage removed."),
        "cleared": _("Selection cleared."),
        "duplicate": _("This passage is already marked."),
        "words": _("%(n)s of at most %(max)s words."),
        "tooManyWords": _("%(n)s words: that is more than the %(max)s allowed."),
        "slow": _("Grading is taking longer than usual. Your answer is safe; come back later to see your grade."),
    }
