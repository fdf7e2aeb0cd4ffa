"""The interface every item-type unit implements (``quizzes.items``).

A unit gathers what Vigil does differently for one item type, apart from grading itself,
which stays in the pure grader the unit names (``quizzes.graders.<type>``):

- **grading**: ``grader`` (the pure module), ``validate_key``, ``validate_answer``,
  ``grade``, and ``grading_answer`` (what the grader is given: the answer plus, for a
  decide-first item, the unaided answer);
- **the answer form**: ``parse_answer(spec, post)``, from posted form data to the answer
  payload the services and the API take, the one parser of the trainee pages and of the
  studio's preview; ``answer_fields`` (the form fields it reads and reports errors on) and
  ``parse_unaided`` (the unaided first answer of a decide-first item);
- **the studio editor**: ``parse_editor(data)``, from the authoring form to ``spec`` and
  ``key`` with unreadable values at their package paths; ``keep_unedited`` (the stored key's
  fields the editor does not show, carried over on save); ``needs_artifact`` and
  ``artifact_kinds`` (which AI outputs an item may be about); ``key_summary`` (the key in
  sentences, for the preview);
- **the trainee pages**: ``widget_template`` (the answer form), ``form_view`` (what that
  form needs beyond the spec and options), ``feedback_view`` (what the trainee answered and,
  when due, the key), ``key_template`` (how the key is shown) and ``answer_feedback`` (the
  author's feedback on the answer given, when due);
- **item analysis**: ``analysis_options`` and ``chosen`` (distractor analysis),
  ``distractors`` (whether unchosen or attractive wrong options are flagged),
  ``accepted_ai`` (share of accepted AI outputs) and ``analysis_spans`` (seeded errors);
- ``marked_by_faculty``: a person confirms the suggested grade (a regrade keeps a grade
  they confirmed).

Defaults below suit a type that lacks the feature; a unit overrides what it has.
Everything here may use Django (forms, translation, templates); the graders may not.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, ClassVar

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

Errors = dict[str, list[str]]


@dataclass
class ParsedAnswer:
    """What a form posted: the payload for the service (None when the form itself is
    incomplete), errors by form field, and the values to show again."""

    payload: dict | None
    errors: Errors = field(default_factory=dict)
    values: dict = field(default_factory=dict)


@dataclass
class FeedbackContext:
    """What a feedback presenter reads about one answered item."""

    response: Any  # quizzes.models.Response, with its item
    spec: dict
    answer: dict
    options: Mapping[str, SafeString]  # each option's label as HTML, by option id
    key: dict | None  # the key's answer, only when the key may be shown
    grade: Any | None  # the grade, once graded
    due: bool  # whether the key and rationale may be shown


@dataclass
class FormContext:
    """What an answer form's presenter reads about one item of the case player."""

    item: Any  # courses.models.Item
    number: int
    mode: str  # "answer", "unaided", "answered", "closed" or "blocked"
    spec: dict  # without the AI's answer while the AI output is hidden
    options: list[dict]  # the spec's options, each with its label as "html"
    values: dict  # the values of a form posted back
    span_errors: dict[int, dict[str, list[str]]]  # errors by marked passage
    response: Any | None
    artifacts: dict  # artifact id → the player's ArtifactView, in page order


class ItemUnit(ABC):
    type: ClassVar[str]
    grader: ClassVar[ModuleType]
    answer_fields: ClassVar[tuple[str, ...]]
    widget_template: ClassVar[str]
    key_template: ClassVar[str | None] = None
    needs_artifact: ClassVar[bool] = False
    artifact_kinds: ClassVar[tuple[str, ...] | None] = None  # None: any kind of AI output
    distractors: ClassVar[bool] = False
    marked_by_faculty: ClassVar[bool] = False

    def __repr__(self) -> str:
        return f"<item unit {self.type}>"

    # ------------------------------------------------------------ grading (pure)

    def validate_key(self, spec: Any, key: Any, artifact: Any = None):
        return self.grader.validate_key(spec, key, artifact)

    def validate_answer(self, spec: Any, answer: Any, artifact: Any = None):
        return self.grader.validate_answer(spec, answer, artifact)

    def grade(self, spec: Any, key: Any, answer: Any, artifact: Any = None, shown: dict | None = None):
        """``shown``: what the trainee read besides the artifact (``grading.shown_texts``), for
        a grader that compares the answer with it."""
        return self.grader.grade(spec, key, answer, artifact)

    def grading_answer(self, answer: dict | None, initial_answer: str | None) -> dict:
        """The answer as the grader takes it; ``initial_answer`` is a decide-first item's
        unaided answer, if any."""
        return dict(answer or {})

    # ------------------------------------------------------------ the answer form

    def parse_answer(self, spec: dict, post) -> ParsedAnswer:
        """The final answer a form posted (a QueryDict); the payload is None when the form
        is incomplete. Whether the answer is valid (options that exist, spans inside the
        text…) is the grader's ``validate_answer``, asked by the services as for the API."""
        parsed = ParsedAnswer(payload={})
        self.read_answer(spec or {}, post, parsed)
        if parsed.errors:
            parsed.payload = None
        return parsed

    @abstractmethod
    def read_answer(self, spec: dict, post, parsed: ParsedAnswer) -> None:
        """Fill ``parsed`` (payload, errors, values) from the posted form."""

    def parse_unaided(self, spec: dict, post) -> ParsedAnswer:
        """The unaided first answer of a decide-first item (an option id in ``answer``)."""
        answer = post.get("answer", "")
        parsed = ParsedAnswer(payload={"answer": answer}, values={"answer": answer})
        if not answer:
            parsed.errors["answer"] = [_("Choose your answer before you see the AI output.")]
            parsed.payload = None
        return parsed

    # ------------------------------------------------------------ the studio

    @abstractmethod
    def parse_editor(self, data) -> tuple[dict, Any, Errors]:
        """The ``spec`` and ``key`` an item editor posted, with unreadable values at their paths."""

    def keep_unedited(self, spec: dict, stored: Any, key: Any) -> Any:
        """``key`` as a form that does not show every field of the key posted it (the key fix
        shows the grading fields only), with the other fields of the ``stored`` key carried
        over (such as an imported question's per-option feedback), so that saving never drops
        them; those that no longer fit the new spec are left out. The item editor shows them
        all: what it posts is the whole key."""
        return key

    def key_summary(self, spec: dict, key: dict, text: str) -> list[str]:
        """The key in sentences, for the studio's preview; ``text`` is the AI text, if any."""
        return []

    # ------------------------------------------------------------ the trainee pages

    def form_view(self, ctx: FormContext) -> dict:
        """What the answer form shows beyond the spec and options (added to the item's view)."""
        return {}

    @abstractmethod
    def feedback_view(self, ctx: FeedbackContext) -> dict:
        """What the feedback block shows of this answer: ``own`` (label, value) rows and,
        when ``ctx.key`` is given, ``key`` for ``key_template`` (added to the feedback view)."""

    def answer_feedback(self, ctx: FeedbackContext) -> list[str]:
        """The author's feedback (Markdown) on the answer given, e.g. Moodle's per-answer
        feedback; asked only when the key may be shown (``ctx.key`` is given)."""
        return []

    # ------------------------------------------------------------ item analysis

    def analysis_options(self, spec: dict, key: dict) -> list[tuple[str, str, bool]]:
        """The answers counted in distractor analysis: (id, text, whether it is the key)."""
        return []

    def chosen(self, spec: dict, answer: dict) -> list[str]:
        """The ids of ``analysis_options`` an answer (a dict) chose."""
        return []

    def accepted_ai(self, answer: Any) -> bool | None:
        """Whether an answer accepted the AI output; None for types without that decision."""
        return None

    def analysis_spans(self, key: dict, text: str) -> list[dict] | None:
        """The seeded error spans of a key (start, end, failure_mode, severity, excerpt);
        None for types without spans."""
        return None


def kept_option_fields(spec: dict, stored: Any, key: Any, *, also_right: bool) -> Any:
    """``keep_unedited`` of a choice item: the stored per-option ``feedback`` (and, with
    ``also_right``, the options right as well) of the options the new spec still has."""
    if not isinstance(stored, dict) or not isinstance(key, dict) or not key:
        return key
    ids = {o.get("id") for o in (spec or {}).get("options") or [] if isinstance(o, dict)}
    key = dict(key)
    feedback = stored.get("feedback")
    if isinstance(feedback, dict) and "feedback" not in key:
        kept = {option: text for option, text in feedback.items() if option in ids}
        if kept:
            key["feedback"] = kept
    others = stored.get("also_right")
    if also_right and isinstance(others, list) and "also_right" not in key:
        kept_right = [o for o in others if o in ids and o != key.get("answer")]
        if kept_right:
            key["also_right"] = kept_right
    return key


def option_feedback_lines(options: Mapping[str, Any], key: dict) -> list[str]:
    """The key summary's lines of a choice item's per-option feedback."""
    feedback = key.get("feedback") if isinstance(key.get("feedback"), dict) else {}
    return [_("Feedback when %(option)s is chosen: %(text)s") % {"option": options.get(o, o), "text": text}
            for o, text in feedback.items()]


def option_choices(spec: dict, right: set) -> list[tuple[str, str, bool]]:
    """The options of a choice item for ``analysis_options``, those in ``right`` as the key."""
    return [(o.get("id"), o.get("text", ""), o.get("id") in right)
            for o in spec.get("options") or [] if isinstance(o, dict)]
