"""View-models of the trainee pages: what each template shows, computed once, here.

The rules about what a trainee may see are the selectors' (``Withheld``, the decide-first
rule, and ``feedback_is_due``), the same the API applies; this module only applies them. A hidden
AI output and the AI's answer are never put into a template's context, and neither are
keys, rationales or ground truth before the feedback is due, so no template can leak them.
"""
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from courses.models import Artifact, Item, Module
from courses.taxonomy import COMPETENCIES
from quizzes.feedback import grade_feedback
from quizzes.forms import FieldErrors
from quizzes.items import FeedbackContext, FormContext, unit_for
from quizzes.items.display import failure_mode_name, markdown_html, option_html, option_labels, option_letters
from quizzes.models import Attempt, Response
from quizzes.selectors import Withheld, feedback_is_due, unaided_given, withheld_among

from progress import charts

_WORD = re.compile(r"\S+")
_AI_SPEC_FIELDS = ("ai_answer",)  # as quizzes.apis: part of the AI output, hidden with it


# ---------------------------------------------------------------- taxonomy labels

def competency_name(code: str) -> str:
    name = COMPETENCIES.get(code)
    return _(name) if name else code


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
    options = option_labels(spec, media)
    answer = response.answer or {}
    graded = response.state == Response.State.GRADED
    grade = getattr(response, "grade", None) if graded else None
    score = charts.percent(grade.score) if grade else None
    view = {
        "response": response, "state": response.state, "number": number,
        "pending": response.state == Response.State.SUBMITTED,
        "poll_url": reverse("trainee-feedback", args=[response.pk]) if response.state == Response.State.SUBMITTED else "",
        "status": status_text(response, score), "score": score,
        "cbm_mark": f"{grade.cbm_mark:+d}" if grade and grade.cbm_mark is not None else None,
        "lines": grade_feedback(grade, due=due) if grade else [], "comment": grade.comment if grade else "",
        "due": due and graded, "later": "", "type": item.type, "own": [], "rationale": "", "truth": None,
        "key": {},
    }
    if graded and not due:
        view["later"] = feedback_policy_text(response.attempt.module.feedback_policy)
    unit = unit_for(item.type)
    view["key_template"] = unit.key_template
    context = FeedbackContext(
        response=response, spec=spec, answer=answer, options=options,
        key=item.key.answer if view["due"] else None, grade=grade, due=view["due"],
    )
    view.update(unit.feedback_view(context))
    if view["due"]:
        view["answer_feedback"] = [markdown_html(text, media) for text in unit.answer_feedback(context) if text]
        view["hints"] = [markdown_html(hint, media) for hint in item.key.hints or [] if hint]
        view["rationale"] = markdown_html(item.key.rationale, media)
        artifact = item.artifact if item.artifact_id else None
        if artifact is not None:
            view["truth"] = {
                "artifact_id": artifact.pk, "correct": artifact.ai_correct, "title": artifact.title,
                "failure_modes": [failure_mode_name(f.code) for f in artifact.failure_modes.all()],
                "explanation": markdown_html(artifact.truth_explanation, media),
            }
    return view


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

@dataclass
class Seat:
    """Who answers a case and where the answers go. A trainee's attempt (``of_attempt``): its
    forms post to the trainee's URLs, open while the attempt is; the feedback waits for the
    module's policy. The studio's preview gives its own: forms always open, posting to the
    preview, feedback due at once, and more beside the feedback (``aside``: its view has an
    ``aside_template``, which ``_item.html`` includes)."""

    answering: bool
    action: Callable[[Item, str], str] | None = None  # (item, "unaided" or "answer") → URL
    due: Callable[[Response], bool] | None = None  # None: the module's policy (DueCache)
    aside: Callable[[Item, Response], dict] | None = None  # more for an answered item's view

    @classmethod
    def of_attempt(cls, attempt: Attempt | None) -> "Seat":
        if attempt is None:
            return cls(answering=False)

        def action(item: Item, mode: str) -> str:
            return reverse("trainee-unaided" if mode == "unaided" else "trainee-answer", args=[attempt.pk, item.pk])

        return cls(answering=attempt.status == Attempt.Status.OPEN, action=action)


def _spec_for(item: Item, hidden: bool) -> dict:
    return {k: v for k, v in (item.spec or {}).items() if not (hidden and k in _AI_SPEC_FIELDS)}


def item_views(*, items: list[Item], responses: dict[int, Response], attempt: Attempt | None,
               artifacts: dict[int, ArtifactView], withheld: Withheld, overrides: dict | None = None,
               media: Mapping[str, str] | None = None, seat: Seat | None = None) -> list[dict]:
    """One view-model per item: which form it shows (or its feedback), with the values and
    errors of a form posted back. An item decide-first withholds shows its unaided form
    (the question awaiting that answer) or nothing but the number of that question.
    ``seat`` is who answers, and where to (the trainee's attempt unless told otherwise)."""
    overrides = overrides or {}
    seat = seat or Seat.of_attempt(attempt)
    due = seat.due or DueCache()
    open_attempt = seat.answering
    numbers = {item.pk: number for number, item in enumerate(items, start=1)}
    views = []
    truths_said: set[int] = set()
    for number, item in enumerate(items, start=1):
        response = responses.get(item.pk)
        blocker = withheld.blocker(item)
        if blocker is not None and blocker.pk != item.pk:
            mode = "blocked"  # about an AI output still hidden: even its feedback would show it
        elif response is not None and response.state != Response.State.UNAIDED:
            mode = "answered"
        elif not open_attempt:
            mode = "closed"
        elif item.decide_first and response is None:
            mode = "unaided"
        else:
            mode = "answer"
        # A question about an AI output still hidden is withheld with it: its wording may quote it.
        spec = {} if mode == "blocked" else _spec_for(item, blocker is not None)
        unit = unit_for(item.type)
        override = overrides.get(item.pk) or {}
        errors: FieldErrors = override.get("errors") or FieldErrors()
        values = override.get("values") or {}
        raw_options = [o for o in spec.get("options") or [] if isinstance(o, dict)]
        options = [{**o, "html": option_html(str(o.get("text", "")), media), "letter": letter}
                   for o, letter in zip(raw_options, option_letters(raw_options))]
        view = {
            "item": item, "number": number, "count": len(items), "type": item.type, "mode": mode, "spec": spec,
            "prompt_html": markdown_html(item.prompt, media) if mode != "blocked" else "", "options": options,
            "competencies": [competency_name(c.code) for c in item.competencies.all()],
            "values": values, "errors": errors.fields, "general_errors": errors.general, "error_count": errors.count,
            "message": override.get("message", ""), "response": response,
            "draft_key": f"{attempt.pk}:{item.pk}" if attempt else "",
            "blocked_by": numbers.get(blocker.pk) if blocker is not None else None,
            "blocked_by_id": blocker.pk if blocker is not None else None,
            "widget": unit.widget_template,
        }
        if mode == "answered":
            view["feedback"] = feedback_view(response, due=due(response), number=number, media=media)
            truth = view["feedback"]["truth"]
            if truth is not None:  # said once per case: under the first question about that AI output
                if truth["artifact_id"] in truths_said:
                    view["feedback"]["truth"] = None
                truths_said.add(truth["artifact_id"])
            if seat.aside is not None:
                view.update(seat.aside(item, response))
        if mode in ("unaided", "answer") and seat.action is not None:
            view["action"] = seat.action(item, mode)
        view.update(unit.form_view(FormContext(
            item=item, number=number, mode=mode, spec=spec, options=options, values=values,
            span_errors=errors.spans, response=response, artifacts=artifacts,
        )))
        views.append(view)
    return views


def case_views(*, case, items: list[Item], artifacts: list[Artifact], responses: dict[int, Response],
               attempt: Attempt | None, media: Mapping[str, str], overrides: dict | None = None,
               seat: Seat | None = None) -> dict:
    """What ``quizzes/_case_content.html`` shows of a case (the vignette, the AI outputs, the
    questions) and what the page around it needs to know, for the case player and the
    studio's preview alike."""
    withheld = withheld_among(items=items, unaided=unaided_given(responses.values()))
    views = {a.pk: artifact_view(a, media=media, hidden=withheld.artifact(a.pk) is not None) for a in artifacts}
    item_list = item_views(items=items, responses=responses, attempt=attempt, artifacts=views,
                           withheld=withheld, overrides=overrides, media=media, seat=seat)
    return {
        "vignette_html": markdown_html(case.vignette, media), "artifacts": list(views.values()), "items": item_list,
        "answered_all": all(v["mode"] == "answered" for v in item_list),
        "error_item": next((v for v in item_list if v["error_count"] or v["message"]), None),
    }


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
