"""GIFT question files (Moodle's plain-text format) → package cases of a draft.

Read the way Moodle's own importer (``qformat_gift``) reads them, so that a bank Moodle
accepts is accepted here:

- a question is a block of lines ended by a blank line (a blank line inside ``{…}`` does not
  end it); lines starting with ``//`` are comments wherever they are; ``$CATEGORY: a/b`` sets
  the category of the questions after it (its whole path: "Cardiology/Week 1" and
  "Neurology/Week 1" stay apart); ``::title::`` names the question;
- ``\\~ \\= \\# \\{ \\} \\: \\\\`` are literal characters and ``\\n`` a line break;
- the answer block is the first ``{`` to the first ``}``; text after it makes a missing-word
  question (the block becomes ``_____``); no block at all is a description, which becomes the
  vignette of its category's case; an empty block is an essay (``free_text``);
- the type follows Moodle's order: ``#`` first → numeric; a ``~`` anywhere → multiple choice
  (one answer when there is an ``=``, several when not: ``~=right`` is an ``=`` answer,
  ``=a =b ~c`` two right answers of which either scores); ``=`` and ``->`` → matching;
  ``T``/``TRUE``/``F``/``FALSE`` (``#wrong feedback#right feedback`` after it) → true/false;
  anything else → short answer (``=`` optional, ``%50%`` weights, case ignored);
- ``%50%`` and ``%-33.333%`` weights; multiple-answer weights whose sum Moodle rounds to 100%
  (33.333 × 3) count as 100%; ``####`` gives the general feedback (the rationale); ``#`` after
  an answer is its feedback: kept with short answers, added to the rationale (shown after
  grading) for the other types, which have no feedback per answer;
- numeric: ``{#3:2}``, ``{#1..5}``, ``{#=3:0 =%50%3:1 ~#feedback}``; Vigil's numeric key holds
  one value and tolerance, so the first 100% answer is kept and the others are reported;
- ``[html]`` texts become Markdown (``html_to_text``), ``[moodle]`` ones (the default) too when
  they hold HTML, ``[plain]`` ones stay literal, ``[markdown]`` ones are kept; an answer's
  text takes the format of the question text unless it names its own;
- a Moodle cloze question among GIFT ones (``{1:MULTICHOICE:=a~b}``) becomes a case of its
  gaps (``cloze_items``); several GIFT answer blocks in one question are reported, not read
  as a choice with the rest left in its text.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .cloze import has_gaps
from .cloze_items import TextReader, cloze_case, cloze_cases_add
from .encoding import decode_text
from .errors import PackageError
from .moodle_xml import (
    QuestionImport,
    Skipped,
    SkipQuestion,
    category_parts,
    choice_item,
    clean_number,
    group_cases,
    html_to_text,
    matching_item,
    number,
    short_answer_item,
)

ESCAPED = "~=#{}:"
_PLACEHOLDER = "\x00{}\x00"
GIFT_MAX_BYTES = 5 * 1024 * 1024  # plain text: thousands of questions
_IMAGE = re.compile(r"<img\b|@@PLUGINFILE@@", re.I)
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]")
_WEIGHT = re.compile(r"^%\s*(-?\d+(?:[.,]\d*)?)\s*%")
_HTMLISH = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^<>]*|/[a-zA-Z][a-zA-Z0-9]*\s*)>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_TAG_LIKE = re.compile(r"<([A-Za-z/!?][^<>\n]*)>")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CLOZE = re.compile(r"^\d*:(?:MULTICHOICE|MULTIRESPONSE|NUMERICAL|SHORTANSWER|MC|MR|NM|SA|MW)[A-Z_]*:")


@dataclass
class _Block:
    line: int
    text: str
    category: str = ""


@dataclass
class _Question:
    title: str
    item: dict | None  # None: a description
    text: str = ""  # the description's text
    notes: list[str] = field(default_factory=list)


def _protect(text: str) -> str:
    """Replace escaped special characters by placeholders, so splitting ignores them."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in ESCAPED + "\\n":
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else _PLACEHOLDER.format(ord(nxt)))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _restore(text: str) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: chr(int(m.group(1))), text)


def _category_key(name: str) -> str:
    """The category path without ``$course$``/``top``, parts joined as Moodle writes them."""
    return "/".join(part.replace("/", "//") for part in category_parts(name.strip()))


def _blocks(text: str) -> list[_Block]:
    """The question blocks (first line, text, category), in file order."""
    blocks: list[_Block] = []
    current: list[str] = []
    start, depth, category = 0, 0, ""

    def end() -> None:
        if current:
            blocks.append(_Block(start, "\n".join(current), category))
            current.clear()

    for number_, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if depth == 0 and stripped.upper().startswith("$CATEGORY:"):
            end()
            category = _category_key(stripped.split(":", 1)[1])
            continue
        if depth == 0 and not stripped:
            end()
            continue
        if not current:
            start = number_
        current.append(line)
        protected = _protect(line)
        depth = max(0, depth + protected.count("{") - protected.count("}"))
    end()
    return blocks


def _literal_angles(text: str) -> str:
    """``<Item>`` that the author wrote as text (``&lt;Item&gt;`` in HTML) stays visible: the
    Markdown renderer would take it for a tag and drop it."""
    text = _TAG_LIKE.sub(r"&lt;\1&gt;", text)
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)


def _render(text: str, kind: str) -> str:
    if kind == "html" or (kind == "moodle" and _HTMLISH.search(text)):
        source = text if kind == "html" else text.replace("\n", "<br>")
        return html_to_text(source)[0]  # which escapes what Markdown would read as markup
    if kind == "plain":
        return _literal_angles(text)
    return text


def _format_of(text: str, default: str) -> tuple[str, str]:
    """(format, text without its marker) of a protected text."""
    text = text.strip()
    marker = _FORMAT.match(text)
    return (marker.group(1), text[marker.end():]) if marker else (default, text)


def _text(raw: str, default: str) -> str:
    """The Markdown of a protected question part, by its [format] marker or ``default``."""
    kind, text = _format_of(raw, default)
    return _render(_restore(text).strip(), kind).strip()


def _weight(text: str) -> tuple[float | None, str]:
    """(share, rest) of ``%50%rest``; share None when there is no weight."""
    found = _WEIGHT.match(text)
    if not found:
        return None, text
    return float(found.group(1).replace(",", ".")) / 100, text[found.end():]


def _split(body: str, sign: str) -> list[str]:
    """The answers of a block split at ``sign``, trimmed, blank ones left out (as Moodle does)."""
    return [part.strip() for part in body.split(sign) if part.strip()]


def _feedback_rationale(rationale: str, lines: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """The rationale with each answer's feedback added below it, since the item type has no
    feedback per answer; the trainee reads the rationale after grading, as Moodle shows the
    feedback of the chosen answer."""
    lines = [(label, text) for label, text in lines if text]
    if not lines:
        return rationale, []
    listed = "\n".join(f"- **{label}**: {text}" for label, text in lines)
    merged = f"{rationale}\n\n{listed}" if rationale else listed
    return merged, [_("the feedback of each answer was added to the rationale (shown after grading)")]


def _full_marks(item: dict) -> None:
    """Weights rounded to six places may add up to 0.999999; the last right one takes the rest."""
    weights = item.get("key", {}).get("weights")
    if not weights:
        return
    right = [option for option in item["key"]["correct"] if weights.get(option, 0) > 0]
    total = math.fsum(weights[option] for option in right)
    if right and 1 - 1e-5 < total < 1:
        last = right[-1]
        weights[last] = 1 - math.fsum(weights[option] for option in right[:-1])


def _choice(body: str, kind: str, prompt: str, rationale: str, competency: str) -> tuple[dict, list[str]]:
    """``{=right ~wrong}``, ``{~=right ~wrong}``, ``{~%50%a ~%50%b ~%-100%c}``."""
    single = "=" in body
    options, feedbacks = [], []
    for part in _split(body.replace("=", "~="), "~"):
        if part.startswith("="):
            share, part = _weight(part[1:].strip())
            share = 1.0 if share is None else share
        else:
            share, part = _weight(part)
            share = 0.0 if share is None else share
        text, _sep, answer_feedback = part.partition("#")
        options.append((_text(text, kind), share))
        feedbacks.append((_text(text, kind), _text(answer_feedback, kind)))
    notes = []
    right = sum(1 for _t, share in options if abs(share - 1) < 1e-6)
    if single and right > 1:
        single = False
        options = [(text, share if share else -1.0) for text, share in options]
        notes.append(_("several answers are graded 100%: it became a multiple-answer question where ticking any "
                       "of them gives full marks and ticking a wrong one takes them away"))
    if not single:
        positive = math.fsum(share for _t, share in options if share > 0)
        if positive and round(positive, 2) == 1 and positive != 1:
            options = [(text, share / positive if share > 0 else share) for text, share in options]
    rationale, more = _feedback_rationale(rationale, feedbacks)
    item, found = choice_item(prompt=prompt, options=options, single=single, rationale=rationale,
                              competency=competency)
    _full_marks(item)
    return item, notes + more + found


def _true_false(body: str, kind: str, prompt: str, rationale: str, competency: str) -> tuple[dict, list[str]]:
    """``{T}``, ``{FALSE#feedback for a wrong answer#feedback for a right one}``."""
    answer, *feedback_parts = [part.strip() for part in body.split("#", 2)]
    right = _TRUE_FALSE[answer.upper()]
    wrong_feedback = _text(feedback_parts[0], kind) if feedback_parts else ""
    right_feedback = _text(feedback_parts[1], kind) if len(feedback_parts) > 1 else ""
    true_label, false_label = _("True"), _("False")
    lines = [(true_label, right_feedback if right else wrong_feedback),
             (false_label, wrong_feedback if right else right_feedback)]
    rationale, notes = _feedback_rationale(rationale, lines)
    options = [(true_label, 1.0 if right else 0.0), (false_label, 0.0 if right else 1.0)]
    item, more = choice_item(prompt=prompt, options=options, single=True, rationale=rationale, competency=competency)
    return item, notes + more


def _short_answer(body: str, kind: str, prompt: str, rationale: str, competency: str) -> tuple[dict, list[str]]:
    """``{=a =%50%b#feedback}`` or ``{answer}``: every answer accepted, in order, with its grade."""
    answers = []
    for part in _split(body, "="):
        share, part = _weight(part)
        text, _sep, answer_feedback = part.partition("#")
        answers.append((_restore(_format_of(text, kind)[1]).strip(), 1.0 if share is None else share,
                        _text(answer_feedback, kind)))
    return short_answer_item(prompt=prompt, answers=answers, case_sensitive=False, rationale=rationale,
                             competency=competency)


def _matching(body: str, kind: str, prompt: str, rationale: str, competency: str) -> tuple[dict, list[str]]:
    """``{=stem -> answer =stem -> answer = -> distractor}``."""
    pairs = []
    for part in _split(body, "="):
        stem, arrow, answer = part.partition("->")
        if not arrow:
            raise SkipQuestion(_("a matching answer has no -> between the sub-question and its answer"))
        pairs.append((_text(stem, kind), _restore(answer).strip()))
    return matching_item(prompt=prompt, pairs=pairs, rationale=rationale, competency=competency)


def _numeric_answer(text: str) -> tuple[float, float]:
    """(value, tolerance) of ``3``, ``3:2`` or ``1..5``; SkipQuestion when not numbers."""
    text = _restore(text).strip()
    if text.find("..") > 0:
        low, high = (number(part) for part in text.split("..", 1))
        if low is None or high is None or high < low:
            raise SkipQuestion(_("the range %(range)s is not two numbers, lowest first") % {"range": text})
        return (low + high) / 2, (high - low) / 2
    value, tolerance = (text.split(":", 1) + [""])[:2] if text.find(":") > 0 else (text, "")
    parsed = number(value)
    if parsed is None:
        raise SkipQuestion(_("the answer %(value)s is not a number") % {"value": value.strip() or "—"})
    tol = number(tolerance) if tolerance.strip() else 0.0
    if tol is None:
        raise SkipQuestion(_("the tolerance %(value)s is not a number") % {"value": tolerance.strip()})
    return parsed, abs(tol)


def _shown(value: float, tolerance: float) -> str:
    return f"{clean_number(value)} ± {clean_number(tolerance)}" if tolerance else str(clean_number(value))


def _numeric(body: str, kind: str, prompt: str, rationale: str, competency: str) -> tuple[dict, list[str]]:
    """``{#3:2}``, ``{#1..5}``, ``{#=3:0#fb =%50%3:1 ~#feedback for any other answer}``."""
    rest = body[1:]
    wrong_feedback = ""
    if "~" in rest:  # what Moodle stores as a 0% answer "*": any other number
        rest, _sep, wrong = rest.partition("~")
        wrong_feedback = _text(wrong.partition("#")[2], kind)
    answers = []
    for part in _split(rest, "="):
        share, part = _weight(part)
        text, _sep, answer_feedback = part.partition("#")
        value, tolerance = _numeric_answer(text)
        answers.append((1.0 if share is None else share, value, tolerance, _text(answer_feedback, kind)))
    if not answers:
        raise SkipQuestion(_("its numeric answer block {#…} holds no answer"))
    right = [answer for answer in answers if abs(answer[0] - 1) < 1e-6]
    if not right:
        raise SkipQuestion(_("no answer is graded 100%, so there is no right answer"))
    notes = []
    first = right[0]
    _share, value, tolerance, right_feedback = first
    key: dict = {"value": clean_number(value)}
    if tolerance:
        key["tolerance_abs"] = clean_number(tolerance)
    if right_feedback:
        key["feedback"] = right_feedback
    others = []  # the key's other answers: partial credit, other right values, known wrong ones
    for answer in answers:
        if answer is first:
            continue
        share, other_value, other_tolerance, other_feedback = answer
        if share < 0:
            notes.append(_("the negative grade of the answer %(answer)s was dropped: Vigil takes no marks away "
                           "for a number") % {"answer": _shown(other_value, other_tolerance)})
            share = 0.0
        other = {"value": clean_number(other_value), "fraction": clean_number(round(min(share, 1.0), 7))}
        if other_tolerance:
            other["tolerance_abs"] = clean_number(other_tolerance)
        if other_feedback:
            other["feedback"] = other_feedback
        others.append(other)
    if wrong_feedback:  # Moodle's "*": any other number, worth nothing, with its feedback
        others.append({"fraction": 0, "feedback": wrong_feedback})
    if others:
        key["answers"] = others
    item = {"type": "numeric", "prompt": prompt, "competencies": [competency], "failure_modes": [], "key": key}
    if rationale:
        item["rationale"] = rationale
    more: list[str] = []
    return item, notes + more


def _title(text: str) -> tuple[str, str]:
    """(title, rest) of a protected block: ``::title::`` is optional."""
    stripped = text.lstrip()
    if not stripped.startswith("::"):
        return "", text
    stripped = stripped[2:]
    end = stripped.find("::")
    if end < 0:
        return "", stripped
    return " ".join(_restore(stripped[:end]).split()), stripped[end + 2:].strip()


def _question(block: _Block, competency: str) -> _Question:
    """One question block; SkipQuestion when it cannot be imported."""
    title, text = _title(_protect(block.text))
    text = text.strip()
    opening, closing = text.find("{"), text.find("}")
    if opening < 0 and closing < 0:
        description = _text(text, "moodle")
        if not description:
            raise SkipQuestion(_("the description is empty"))
        return _Question(title, None, description)
    if closing < 0:
        raise SkipQuestion(_("its answer block has no closing } (write \\{ for a literal brace)"))
    if opening < 0 or closing < opening:
        raise SkipQuestion(_("a } comes before the { of its answer block (write \\} for a literal brace)"))
    if "{" in text[closing + 1:]:
        raise SkipQuestion(_("it has several answer blocks {…}; a GIFT question has one (several blanks are a "
                             "Moodle cloze question)"))
    body = text[opening + 1:closing].strip()
    if _CLOZE.match(body):
        raise SkipQuestion(_("it is a Moodle cloze (embedded answers) question such as {1:MULTICHOICE:…}, not a "
                             "GIFT question"))
    blank = "" if text.endswith("}") else "_____"
    kind, question_text = _format_of(text[:opening] + blank + text[closing + 1:], "moodle")
    prompt = _render(_restore(question_text).strip(), kind).strip()
    if not prompt:
        raise SkipQuestion(_("the question text is empty"))
    rationale = ""
    general = body.rfind("####")
    if general >= 0:
        body, rationale = body[:general].strip(), _text(body[general + 4:], kind)
    if not body:
        item = {"type": "free_text", "prompt": prompt, "competencies": [competency], "failure_modes": [],
                "key": {"criteria": [{"id": "criterion-1", "text": _("Answers the question as expected"), "points": 1}]}}
        if rationale:
            item["rationale"] = rationale
        return _Question(title, item, notes=[_("essay: one general criterion was made; write the rubric")])
    if body.startswith("#"):
        build = _numeric
    elif "~" in body:
        build = _choice
    elif "=" in body and "->" in body:
        build = _matching
    elif body.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
        build = _true_false
    else:
        build = _short_answer
    item, notes = build(body, kind, prompt, rationale, competency)
    return _Question(title, item, notes=notes)


def _where(block: _Block, name: str) -> str:
    return _("question at line %(line)s (%(name)s)") % {"line": block.line, "name": name[:60]}


def _first_words(block: _Block) -> str:
    title, text = _title(_protect(block.text))
    return title or (_restore(text).strip().splitlines() or ["—"])[0]


def _place_descriptions(result: QuestionImport, descriptions: dict[str, list[tuple[str, str]]],
                        categories: dict[str, str]) -> None:
    """Each description becomes the vignette of the case its category's questions went to
    (Vigil's text before questions); one whose category has no question is reported."""
    for index, case in enumerate(result.cases):
        category = categories.get(result.sources.get((index, 0), ""))
        texts = descriptions.pop(category, None) if category is not None else None
        if not texts:
            continue
        case["vignette"] = "\n\n".join(text for _where, text in texts)
        for where, _text in texts:
            result.notes.append(Skipped(where, _("a description: it became the vignette of the case %(case)s")
                                        % {"case": case["title"]}))
    for texts in descriptions.values():
        for where, _text in texts:
            result.skipped.append(Skipped(where, _("a description with no question in its category: Vigil shows "
                                                   "such text as the vignette of a case, and there is none")))


def _case_titles(result: QuestionImport, paths: set[str]) -> None:
    """A case made from a category path is titled by its last part ("Week 1"), as Vigil's own
    export writes ``module/case``, unless two cases would then share a title."""
    last = {path: category_parts(path)[-1] for path in paths if category_parts(path)}
    counts: dict[str, int] = {}
    for name in last.values():
        counts[name] = counts.get(name, 0) + 1
    for case in result.cases:
        name = last.get(case["title"])
        if name is not None:
            case["title"] = (name if counts[name] == 1 else " / ".join(category_parts(case["title"])))[:200]


def parse_gift(data: bytes, *, source_name: str, competency: str) -> QuestionImport:
    """The questions of a GIFT file as package cases, with what was left out and why."""
    if len(data) > GIFT_MAX_BYTES:
        raise PackageError([("", _("The file is larger than 5 MiB."))])
    decoded = decode_text(data)
    blocks = _blocks(decoded.text)
    if not blocks:
        raise PackageError([("", _("The file holds no question."))])
    result = QuestionImport()
    if decoded.note():
        result.notes.append(Skipped(_("the file"), decoded.note()))
    groups: dict[str, list[tuple[str, dict]]] = {}
    descriptions: dict[str, list[tuple[str, str]]] = {}
    categories: dict[str, str] = {}
    clozes = []
    for block in blocks:
        if has_gaps(block.text):  # a Moodle cloze question pasted among GIFT ones: its gaps become items
            title, text = _title(block.text)
            title = title or _first_words(block)
            clozes.append(cloze_case(text, title=title, where=_where(block, title), competency=competency,
                                     reader=TextReader(bool(_HTMLISH.search(text)))))
            continue
        try:
            question = _question(block, competency)
        except SkipQuestion as exc:
            result.skipped.append(Skipped(_where(block, _first_words(block)), str(exc)))
            continue
        if question.item is None:
            descriptions.setdefault(block.category, []).append(
                (_where(block, question.title or question.text), question.text))
            continue
        item = question.item
        where = _where(block, question.title or item["prompt"])
        item["name"] = question.title or item["prompt"][:60]
        notes = question.notes
        if _IMAGE.search(block.text):
            notes = [*notes, _("its images were not imported: a GIFT file carries no image files")]
        result.notes.extend(Skipped(where, note) for note in notes)
        groups.setdefault(block.category, []).append((where, item))
        categories[where] = block.category
    group_cases(groups, source_name, result)
    _case_titles(result, set(groups))
    _place_descriptions(result, descriptions, categories)
    cloze_cases_add(result, clozes)
    return result
