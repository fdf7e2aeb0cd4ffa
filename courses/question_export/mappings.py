"""One mapping per Vigil item type: an item (package form) → a Moodle question, or a reason.

``MAPPINGS`` is keyed by item type; a new type adds one entry (a function taking a
``Source`` and returning a ``Question`` or raising ``LeftOut``). A mapping says what does
not survive in ``Question.losses``; the writers (``moodle_xml``, ``gift``) add what their
format cannot carry. The texts stay Markdown: both writers mark them as Moodle's Markdown
format, which Moodle renders and Vigil's importer reads back unchanged.

Fractions are Moodle's: percentages of the question's mark, each one of the grades
Moodle's importer accepts (``MOODLE_GRADES``; any other is refused with "grade error"
unless the teacher chooses "nearest grade"), so a weight between two is written as the
nearest one, and the report says so.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# question_bank::fraction_options_full() of Moodle, as percentages.
_POSITIVE = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
             12.5, 11.11111, 10, 5, 0)
MOODLE_GRADES = tuple(sorted({*_POSITIVE, *(-g for g in _POSITIVE)}))


class LeftOut(Exception):
    """An item no Moodle question can carry; the message says why."""


@dataclass
class Answer:
    text: str  # Markdown (a number for numerical answers)
    fraction: float  # percent of the mark, one of MOODLE_GRADES
    tolerance: float | None = None  # numerical answers
    feedback: str = ""  # Markdown, shown when this answer is given


@dataclass
class Question:
    """A Moodle question, format-neutral; texts are Markdown with media/… references."""

    qtype: str  # multichoice, numerical, essay, shortanswer, match
    name: str
    text: str
    category: list[str]  # module title, case title
    answers: list[Answer] = field(default_factory=list)
    single: bool = True
    general_feedback: str = ""
    grader_info: str = ""
    default_grade: float = 1
    unit: str = ""
    max_words: int | None = None
    case_sensitive: bool = False  # short answers
    subquestions: list[tuple[str, str]] = field(default_factory=list)  # match: (stem, its answer); "" stem: a distractor
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    hints: list[str] = field(default_factory=list)  # Markdown
    losses: list[str] = field(default_factory=list)


@dataclass
class Source:
    """One item of a package with what its question needs: its case, module and AI output."""

    module: dict
    case: dict
    item: dict
    artifact: dict | None = None

    @property
    def spec(self) -> dict:
        return self.item.get("spec") or {}

    @property
    def key(self) -> dict:
        return self.item.get("key") or {}


def nearest_grade(percent: float) -> float:
    """The grade Moodle accepts that is nearest to ``percent`` (clamped to ±100)."""
    return min(MOODLE_GRADES, key=lambda g: (abs(g - percent), -abs(g)))


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def render_artifact(artifact: dict) -> str:
    """The AI output as Markdown, to stand in the question text."""
    content = artifact.get("content") or {}
    kind = artifact.get("kind")
    lines = [f"**{artifact.get('title', '')}**"]
    if kind == "text":
        lines += ["> " + line if line else ">" for line in (content.get("text") or "").splitlines()]
    elif kind == "prediction":
        for label, name in ((_("Model"), "model"), (_("Target"), "target"), (_("Output"), "output"),
                            (_("Probability"), "probability"), (_("Threshold"), "threshold")):
            if content.get(name) not in (None, ""):
                lines.append(f"- {label}: {content[name]}")
        for feature in content.get("features") or []:
            lines.append(f"- {feature.get('name')}: {feature.get('contribution'):+}")
    elif kind == "image":
        alt = (content.get("alt") or artifact.get("title") or "").replace("]", "")
        lines.append(f"![{alt}]({content.get('src', '')})")
    elif kind == "model_card":
        for name in ("name", "version", "developer", "intended_use", "training_population"):
            if content.get(name):
                lines.append(f"- {name.replace('_', ' ').capitalize()}: {content[name]}")
        for name in ("out_of_scope", "limitations"):
            for entry in content.get(name) or []:
                lines.append(f"- {name.replace('_', ' ').capitalize()}: {entry}")
        for row in content.get("performance") or []:
            lines.append(f"- {row.get('subgroup')}: {row.get('metric')} {row.get('value')}")
    elif kind == "chat":
        for message in content.get("messages") or []:
            lines.append(f"**{message.get('role')}:** {message.get('content')}")
    return "\n\n".join(lines[:1] + ["\n".join(lines[1:])]) if len(lines) > 1 else lines[0]


def _question(source: Source, qtype: str, **fields) -> Question:
    item = source.item
    text = item.get("prompt", "")
    losses = []
    if source.artifact is not None:
        text = render_artifact(source.artifact) + "\n\n" + text
        losses.append(_("the AI output %(slug)s is written into the question text (Moodle has no AI outputs; its "
                        "ground truth is not exported)") % {"slug": source.artifact.get("slug")})
    tags = [f"competency-{code}" for code in item.get("competencies") or []]
    tags += [f"failure-mode-{code}" for code in item.get("failure_modes") or []]
    tags += [tag for tag in item.get("tags") or [] if isinstance(tag, str)]
    return Question(qtype=qtype, name=item.get("slug", ""), text=text,
                    category=[source.module.get("title", ""), source.case.get("title", "")],
                    general_feedback=item.get("rationale", ""), tags=tags, losses=losses,
                    idnumber=item.get("idnumber") or "", hints=[h for h in item.get("hints") or [] if h], **fields)


def _options(spec: dict) -> list[dict]:
    return [o for o in spec.get("options") or [] if isinstance(o, dict)]


def _option_feedback(source: Source, option: dict) -> str:
    texts = source.key.get("feedback")
    return (texts.get(option.get("id")) or "") if isinstance(texts, dict) else ""


def single_choice(source: Source) -> Question:
    right = {source.key.get("answer"), *(source.key.get("also_right") or [])}
    question = _question(source, "multichoice", single=True, answers=[
        Answer(o.get("text", ""), 100 if o.get("id") in right else 0, feedback=_option_feedback(source, o))
        for o in _options(source.spec)
    ])
    if source.spec.get("certainty"):
        question.losses.append(_("certainty-based marking is dropped (Moodle asks it per quiz, not per question)"))
    return question


def multiple_choice(source: Source) -> Question:
    spec, key = source.spec, source.key
    ids = [o.get("id") for o in _options(spec)]
    correct = key.get("correct") or []
    if key.get("weights") is not None:
        weights = {o: float(key["weights"].get(o, 0)) for o in ids}
    else:
        right = [o for o in ids if o in correct]
        wrong = [o for o in ids if o not in correct]
        weights = {o: (1 / len(right) if o in right else -1 / len(wrong)) for o in ids}
    answers, moved = [], []
    for option in _options(spec):
        wanted = weights.get(option.get("id"), 0) * 100
        grade = nearest_grade(wanted)
        if not math.isclose(grade, wanted, abs_tol=1e-3):
            moved.append(f"{option.get('id')}: {_number(round(wanted, 4))}% → {_number(grade)}%")
        answers.append(Answer(option.get("text", ""), grade, feedback=_option_feedback(source, option)))
    question = _question(source, "multichoice", single=False, answers=answers)
    total = sum(a.fraction for a in answers if a.fraction > 0)
    if round(total, 2) != 100:
        question.losses.append(_("the right answers' grades add up to %(total)s%% (Vigil caps the score at 100%%); "
                                 "Moodle imports the question with a warning unless they add up to 100%%")
                               % {"total": _number(round(total, 5))})
    if moved:
        question.losses.append(_("weights Moodle does not offer were written as its nearest grades (%(moves)s)")
                               % {"moves": "; ".join(moved)})
    return question


def numeric(source: Source) -> Question:
    key = source.key
    value = key.get("value")
    tolerance = key.get("tolerance_abs")
    question = _question(source, "numerical", unit=source.spec.get("unit") or "")
    if tolerance is None and key.get("tolerance_rel") is not None:
        tolerance = abs(value) * key["tolerance_rel"]
        question.losses.append(_("the relative tolerance %(rel)s is written as the absolute tolerance %(abs)s "
                                 "(Moodle's numerical questions have absolute ones)")
                               % {"rel": key["tolerance_rel"], "abs": _number(round(tolerance, 12))})
    question.answers = [Answer(str(_number(value)), 100, _number(round(tolerance, 12)) if tolerance else 0,
                               feedback=key.get("feedback") or "")]
    moved = []
    for other in (a for a in key.get("answers") or [] if isinstance(a, dict)):
        wanted = float(other.get("fraction") or 0) * 100
        grade = nearest_grade(wanted)
        text = str(_number(other["value"])) if "value" in other else "*"
        if not math.isclose(grade, wanted, abs_tol=1e-3):
            moved.append(f"{text}: {_number(round(wanted, 4))}% → {_number(grade)}%")
        question.answers.append(Answer(text, grade, other.get("tolerance_abs") or 0, feedback=other.get("feedback") or ""))
    if moved:
        question.losses.append(_("grades Moodle does not offer were written as its nearest grades (%(moves)s)")
                               % {"moves": "; ".join(moved)})
    return question


def free_text(source: Source) -> Question:
    criteria = [c for c in source.key.get("criteria") or [] if isinstance(c, dict)]
    total = sum(c.get("points") or 0 for c in criteria) or 1
    if len(criteria) == 1 and not criteria[0].get("look_for"):
        info = criteria[0].get("text", "")
    else:
        lines = []
        for criterion in criteria:
            line = _("- %(text)s (%(points)s points)") % {"text": criterion.get("text", ""),
                                                          "points": _number(criterion.get("points") or 0)}
            for look in criterion.get("look_for") or []:
                line += "\n    - " + str(look)
            lines.append(line)
        info = "\n".join(lines)
    question = _question(source, "essay", grader_info=info, default_grade=_number(total),
                         max_words=source.spec.get("max_words"))
    if len(criteria) > 1 or any(c.get("look_for") for c in criteria):
        question.losses.append(ngettext(
            "the rubric of %(count)s criterion becomes the grader information text (Moodle grades an essay as a whole)",
            "the rubric of %(count)s criteria becomes the grader information text (Moodle grades an essay as a whole)",
            len(criteria)) % {"count": len(criteria)})
    if source.spec.get("auto"):
        question.losses.append(_("the suggested grading per criterion is dropped (Moodle essays are graded by hand)"))
    return question


def reliance_decision(source: Source) -> Question:
    spec = source.spec
    options = _options(spec)
    ai = next((o.get("text") for o in options if o.get("id") == spec.get("ai_answer")), "")
    text = (spec.get("question") or "").strip()
    source = Source(source.module, source.case, {**source.item, "prompt": "\n\n".join(
        part for part in (source.item.get("prompt", ""), text,
                          _("The AI recommends: **%(answer)s**") % {"answer": ai}) if part)}, source.artifact)
    question = _question(source, "multichoice", single=True, answers=[
        Answer(o.get("text", ""), 100 if o.get("id") == source.key.get("answer") else 0) for o in options
    ])
    question.losses.append(_("exported as a single-choice question: the accept-or-override decision, whether the "
                             "AI was right, and the reliance measures are lost"))
    if spec.get("decide_first"):
        question.losses.append(_("decide first is lost: Moodle shows the AI recommendation with the question"))
    if spec.get("ask_confidence"):
        question.losses.append(_("the confidence question is lost"))
    return question


def short_answer(source: Source) -> Question:
    """Each accepted answer in order with its fraction as the nearest grade Moodle accepts,
    its feedback, and ``usecase`` from ``case_sensitive``; ``*`` means the same in Moodle."""
    answers, moved = [], []
    for i, answer in enumerate(a for a in source.key.get("answers") or [] if isinstance(a, dict)):
        fraction = answer.get("fraction", 1)
        wanted = float(1 if fraction is None else fraction) * 100
        grade = nearest_grade(wanted)
        if not math.isclose(grade, wanted, abs_tol=1e-3):
            moved.append(f"{answer.get('text', '') or i + 1}: {_number(round(wanted, 4))}% → {_number(grade)}%")
        answers.append(Answer(answer.get("text", ""), grade, feedback=answer.get("feedback") or ""))
    question = _question(source, "shortanswer", answers=answers,
                         case_sensitive=source.key.get("case_sensitive") is True)
    if moved:
        question.losses.append(_("grades Moodle does not offer were written as its nearest grades (%(moves)s)")
                               % {"moves": "; ".join(moved)})
    return question


def matching(source: Source) -> Question:
    """One sub-question per stem with its right choice's text, then one with an empty text
    per distractor (a choice no stem has), as Moodle's matching questions hold them."""
    spec, pairs = source.spec, source.key.get("pairs") or {}
    choices = {c.get("id"): c.get("text", "") for c in spec.get("choices") or [] if isinstance(c, dict)}
    subquestions = []
    for stem in (s for s in spec.get("stems") or [] if isinstance(s, dict)):
        if pairs.get(stem.get("id")) not in choices:
            raise LeftOut(_("the stem %(stem)s has no right choice") % {"stem": stem.get("id")})
        subquestions.append((stem.get("text", ""), choices[pairs[stem.get("id")]]))
    used = set(pairs.values())
    subquestions += [("", text) for choice_id, text in choices.items() if choice_id not in used]
    return _question(source, "match", subquestions=subquestions)


def error_spans(source: Source) -> Question:
    raise LeftOut(_("finding errors in an AI text has no Moodle question type that grades marked spans"))


def script_concordance(source: Source) -> Question:
    raise LeftOut(_("a script concordance item is graded against a panel's spread of answers, which no Moodle "
                    "question type does"))


MAPPINGS: dict[str, Callable[[Source], Question]] = {
    "single_choice": single_choice,
    "multiple_choice": multiple_choice,
    "numeric": numeric,
    "free_text": free_text,
    "reliance_decision": reliance_decision,
    "short_answer": short_answer,
    "matching": matching,
    "error_spans": error_spans,
    "script_concordance": script_concordance,
}
