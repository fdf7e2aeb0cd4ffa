"""Decide-first stays unaided: what a trainee can read before the unaided answer must not
give the AI output, or whether it is right, away.

The player withholds a decide-first item's AI output, and every other question about that
output, until the unaided answer is stored (``quizzes.selectors.Withheld``). Everything
else of the case is on the page from the start: the vignette, the other artifacts, the
questions about them and their options, the decide-first question itself (its prompt, its
question and its options), the title of the withheld artifact; and the trainee has read the
module's lessons. This check, pure logic over a package document, refuses a case where:

- another question about the same AI output is placed before the decide-first question
  (the trainee meets it first, and can only be told to answer a later question first);
- another artifact of the case shows the same output: its content quotes the output's
  figures or words, or it is the model card of the model that made the prediction;
- a question about such an artifact is visible with it;
- a visible text quotes the AI output: its probability (``0.81``, ``0,81``, ``81%``), its
  label, the option the AI recommends (``ai_answer``), a sentence of an AI text or an
  answer of a chat assistant.

Each problem is reported at the path of what reveals, naming the decide-first question.
"""
import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .errors import Problem
from .paths import join

_NUMBER = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)(\s*%)?(?![\d])")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
MIN_QUOTE = 12  # characters: shorter labels or option texts ("Yes", "High") are not quotes
MIN_SENTENCE = 30  # characters of an AI text's sentence that count as quoting it


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string inside ``value`` with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, entry in value.items():
            yield from _strings(entry, join(path, str(key)))
    elif isinstance(value, list):
        for i, entry in enumerate(value):
            yield from _strings(entry, join(path, i))


def _dicts(value: Any) -> list[tuple[int, dict]]:
    return [(i, e) for i, e in enumerate(value) if isinstance(e, dict)] if isinstance(value, list) else []


def _has_probability(text: str, probability: float) -> bool:
    for match in _NUMBER.finditer(text):
        number, percent = match.group(1), match.group(2)
        value = float(number.replace(",", "."))
        if percent and abs(value / 100 - probability) < 1e-9:
            return True
        if not percent and ("." in number or "," in number) and abs(value - probability) < 1e-9:
            return True
    return False


class _Output:
    """What quotes a decide-first item's AI output: its figures and its words."""

    def __init__(self, artifact: dict, item: dict):
        content = artifact.get("content") if isinstance(artifact.get("content"), dict) else {}
        kind = artifact.get("kind")
        self.kind = kind
        self.figures: list[tuple[float, str]] = []  # (value, what)
        self.phrases: list[tuple[str, str]] = []  # (normalised phrase, what it is, for the message)
        self.model = ""
        if kind == "prediction":
            self._figure(content.get("probability"), _("the AI's probability %(value)s"))
            self._phrase(content.get("output"), _("the AI's output"))
            if isinstance(content.get("model"), str):
                self.model = _norm(content["model"])
        elif kind == "image":
            for _i, box in _dicts(content.get("overlays")):
                self._figure(box.get("score"), _("the AI's overlay score %(value)s"))
        elif kind == "text":
            self._sentences(content.get("text"), _("a sentence of the AI text"))
        elif kind == "chat":
            for _i, message in _dicts(content.get("messages")):
                if message.get("role") == "assistant":
                    self._sentences(message.get("content"), _("the AI assistant's answer"))
        spec = item.get("spec") if isinstance(item.get("spec"), dict) else {}
        ai_answer = spec.get("ai_answer")
        for _i, option in _dicts(spec.get("options")):
            if option.get("id") == ai_answer:
                self._phrase(option.get("text"), _("the option the AI recommends"))

    def _figure(self, value: Any, what: str) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1:
            self.figures.append((float(value), what % {"value": f"{value:g}"}))

    def _phrase(self, value: Any, what: str) -> None:
        if isinstance(value, str) and len(_norm(value)) >= MIN_QUOTE:
            self.phrases.append((_norm(value), what))

    def _sentences(self, value: Any, what: str) -> None:
        if isinstance(value, str):
            for sentence in _SENTENCE.findall(value):
                if len(_norm(sentence)) >= MIN_SENTENCE:
                    self.phrases.append((_norm(sentence), what))

    def quoted(self, text: str, *, own_options: bool = False) -> str | None:
        """What of the output ``text`` quotes (for the message), or None."""
        for value, what in self.figures:
            if _has_probability(text, value):
                return what
        normalised = _norm(text)
        for phrase, what in self.phrases:
            if own_options and what == _("the option the AI recommends"):
                continue
            if phrase in normalised:
                return what
        return None

    def same_model(self, card: dict) -> bool:
        """Is ``card`` (a model card's content) the card of the model that made the prediction?"""
        name = card.get("name") if isinstance(card, dict) else None
        if not self.model or not isinstance(name, str) or not name.strip():
            return False
        return re.search(rf"(?<!\w){re.escape(_norm(name))}(?!\w)", self.model) is not None


def unaided_problems(*, case: dict, path: str, lessons: list[tuple[str, str]]) -> list[Problem]:
    """The problems of one case (at ``path``); ``lessons`` are the (path, body) of the lessons
    of its module, which the trainee reads before the case."""
    problems: list[Problem] = []
    artifacts = dict(_dicts(case.get("artifacts")))
    items = _dicts(case.get("items"))
    by_slug = {a.get("slug"): (i, a) for i, a in artifacts.items() if isinstance(a.get("slug"), str)}
    for position, item in items:
        spec = item.get("spec") if isinstance(item.get("spec"), dict) else {}
        if item.get("type") != "reliance_decision" or spec.get("decide_first") is not True:
            continue
        found = by_slug.get(item.get("artifact"))
        if found is None:
            continue
        problems += _one(case, path, lessons, items, by_slug, position, item, *found)
    return problems


def _one(case, path, lessons, items, by_slug, position, item, artifact_index, artifact) -> list[Problem]:
    problems: list[Problem] = []
    slug = artifact.get("slug")
    item_path = join(join(path, "items"), position)
    params = {"item": item_path, "slug": item.get("slug", "")}
    withheld = {slug} | {
        i.get("artifact") for _p, i in items
        if i.get("type") == "reliance_decision" and isinstance(i.get("spec"), dict) and i["spec"].get("decide_first") is True
    }
    output = _Output(artifact, item)

    def reveals(where: str, text: str, **kwargs) -> None:
        what = output.quoted(text, **kwargs)
        if what:
            problems.append((where, _(
                "visible before the unaided answer to %(item)s (%(slug)s), and quotes %(what)s: it gives the AI "
                "output away; reword it or move it to a later case") % {**params, "what": what}))

    # Other questions about the same output placed before the decide-first one.
    for other_position, other in items:
        if other_position < position and other.get("artifact") == slug and not _decide_first(other):
            problems.append((join(join(path, "items"), other_position), _(
                "a question about the AI output %(artifact)s placed before its decide-first question %(item)s "
                "(%(slug)s): trainees must answer that one unaided first; move this question after it")
                % {**params, "artifact": slug}))
    # What is on the page from the start.
    if isinstance(case.get("vignette"), str):
        reveals(join(path, "vignette"), case["vignette"])
    for lesson_path, body in lessons:
        reveals(lesson_path, body)
    if isinstance(artifact.get("title"), str):
        reveals(join(join(join(path, "artifacts"), artifact_index), "title"), artifact["title"])
    revealing: dict[str, str] = {}
    for index, other in _dicts(case.get("artifacts")):
        other_slug = other.get("slug")
        if other_slug in withheld:
            continue
        other_path = join(join(path, "artifacts"), index)
        if other.get("kind") == "model_card" and output.same_model(other.get("content")):
            problems.append((other_path, _(
                "the model card of the model whose output %(item)s (%(slug)s) asks to judge unaided is shown "
                "before that answer, and tells how the model fares: move it, and the questions about it, to a "
                "later case") % params))
            revealing[other_slug] = other_path
            continue
        before = len(problems)
        for where, text in _strings({k: other.get(k) for k in ("title", "source", "content")}, other_path):
            reveals(where, text)
        if len(problems) > before:
            revealing[other_slug] = other_path
    for other_position, other in items:
        other_path = join(join(path, "items"), other_position)
        if other.get("artifact") == slug and other_position != position:
            continue  # withheld with the output (or reported above)
        if other.get("artifact") in revealing and other.get("artifact") not in withheld:
            problems.append((other_path, _(
                "a question about %(artifact)s, which gives away the AI output of %(item)s (%(slug)s), "
                "visible before that unaided answer: move it with that artifact")
                % {**params, "artifact": revealing[other["artifact"]]}))
            continue
        if other.get("artifact") in withheld and other_position != position:
            continue
        own = other_position == position
        spec = other.get("spec") if isinstance(other.get("spec"), dict) else {}
        texts = [("prompt", other.get("prompt"))] + [
            (join("spec", name), spec.get(name)) for name in ("question", "hypothesis", "new_information")
        ] + [(join(join(join("spec", "options"), i), "text"), o.get("text")) for i, o in _dicts(spec.get("options"))]
        for name, text in texts:
            if isinstance(text, str):
                reveals(join(other_path, name), text, own_options=own and name.startswith("spec.options"))
    return problems


def _decide_first(item: dict) -> bool:
    spec = item.get("spec")
    return item.get("type") == "reliance_decision" and isinstance(spec, dict) and spec.get("decide_first") is True
