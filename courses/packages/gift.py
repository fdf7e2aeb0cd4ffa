"""GIFT question files (Moodle's plain-text format) → package cases of a draft.

Supported, as in the Moodle XML importer:

- multiple choice with one right answer ``{=right ~wrong ~wrong}`` → ``single_choice``;
- multiple answers with weights ``{~%50%a ~%50%b ~%-100%c}`` → ``multiple_choice``;
- true/false ``{T}`` / ``{FALSE}`` → ``single_choice`` with the options True and False;
- numerical ``{#9.2:0.5}``, ``{#1..5}`` (a range) or ``{# =9.2:0.5 =%50%9:1}`` → ``numeric``
  (the first fully right answer);
- essay ``{}`` → ``free_text`` with one general criterion to be rewritten;
- short answer, only ``=`` answers ``{=AKI =%50%renal*#Name the acute form.}`` →
  ``short_answer``: every answer accepted, in order, with its grade (100% when none is
  written) and its feedback, case ignored (GIFT has no way to say otherwise);
- matching ``{=Sensitivity -> TP/(TP+FN) =Specificity -> TN/(TN+FP) = -> TP/(TP+FP)}`` →
  ``matching`` (a blank sub-question gives a distractor).

Not supported, and reported with the line where the question starts: descriptions (no
answer block), and anything whose
answer block cannot be read. ``::title::`` names the item, ``$CATEGORY:`` starts a new
case, ``//`` lines are comments, ``[html]`` texts are turned into Markdown, ``####``
gives the general feedback (the rationale), ``#…`` after an answer is its feedback
(kept for short answers, dropped otherwise), and ``\\~ \\= \\# \\{ \\} \\:`` are literal characters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

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


@dataclass
class _Block:
    line: int
    text: str


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


def _blocks(text: str) -> tuple[list[_Block], list[tuple[int, str]]]:
    """Questions (with their first line) and category changes (line, name), in file order."""
    blocks: list[_Block] = []
    categories: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    depth = 0
    for number_, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if depth == 0 and stripped.startswith("//"):
            continue
        if depth == 0 and stripped.upper().startswith("$CATEGORY:"):
            if current:
                blocks.append(_Block(start, "\n".join(current)))
                current = []
            categories.append((number_, stripped.split(":", 1)[1].strip()))
            continue
        if depth == 0 and not stripped:
            if current:
                blocks.append(_Block(start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number_
        current.append(line)
        protected = _protect(line)
        depth = max(0, depth + protected.count("{") - protected.count("}"))
    if current:
        blocks.append(_Block(start, "\n".join(current)))
    return blocks, categories


GIFT_MAX_BYTES = 5 * 1024 * 1024  # plain text: thousands of questions
_IMAGE = re.compile(r"<img\b|@@PLUGINFILE@@", re.I)


def _format(text: str) -> str:
    """The text of a question part, by its [format] marker; placeholders restored."""
    text = text.strip()
    marker = re.match(r"^\[(html|moodle|plain|markdown)\]\s*", text)
    kind = marker.group(1) if marker else "moodle"
    if marker:
        text = text[marker.end():]
    text = _restore(text)
    if kind == "html":
        text, _images = html_to_text(text)
    return text.strip()


def _answers(body: str) -> list[tuple[str, float | None, str, str]]:
    """(sign, weight share or None, text, feedback) of each answer of a block."""
    answers = []
    for match in re.finditer(r"([=~])([^=~]*)", body):
        sign, rest = match.group(1), match.group(2)
        weight = None
        percent = re.match(r"^\s*%(-?\d+(?:\.\d+)?)%", rest)
        if percent:
            weight = float(percent.group(1)) / 100
            rest = rest[percent.end():]
        text, _sep, answer_feedback = rest.partition("#")
        answers.append((sign, weight, text.strip(), answer_feedback.strip()))
    return answers


def _tokens(body: str) -> list[tuple[str, float | None, str]]:
    """(sign, weight share or None, text) of each answer of a choice block, feedback removed."""
    return [(sign, weight, text) for sign, weight, text, _feedback in _answers(body)]


def _short_answer(body: str, prompt: str, rationale: str, competency: str) -> tuple[dict, list[str]]:
    """``{=a =%50%b#feedback}``: every answer accepted, in order, with its grade and feedback."""
    answers = [(_restore(text), 1.0 if weight is None else weight, _format(answer_feedback))
               for _sign, weight, text, answer_feedback in _answers(body)]
    return short_answer_item(prompt=prompt, answers=answers, case_sensitive=False, rationale=rationale,
                             competency=competency)


def _matching(body: str, prompt: str, rationale: str, competency: str) -> tuple[dict, list[str]]:
    """``{=stem -> answer =stem -> answer = -> distractor}``."""
    pairs = []
    for _sign, _weight, text, _feedback in _answers(body):
        stem, arrow, answer = text.partition("->")
        if not arrow:
            raise SkipQuestion(_("a matching answer has no -> between the sub-question and its answer"))
        pairs.append((_format(stem), _restore(answer).strip()))
    return matching_item(prompt=prompt, pairs=pairs, rationale=rationale, competency=competency)


def _numeric(body: str, prompt: str, rationale: str, competency: str) -> tuple[dict, list[str]]:
    notes = []
    body = body[1:].strip()  # after "#"
    answers = []
    if body.startswith("="):
        for sign, weight, text in _tokens(body):
            answers.append((1.0 if weight is None else weight, text))
    else:
        answers.append((1.0, body.split("#", 1)[0].strip()))
    right = [text for share, text in answers if abs(share - 1) < 1e-6]
    if not right:
        raise SkipQuestion(_("no answer is graded 100%, so there is no right answer"))
    if len(answers) > len(right):
        notes.append(_("answers with partial credit were dropped"))
    if len(right) > 1:
        notes.append(_("only the first answer graded 100% was kept"))
    value_text = _restore(right[0])
    if ".." in value_text:
        low, high = (number(part) for part in value_text.split("..", 1))
        if low is None or high is None or high < low:
            raise SkipQuestion(_("the range %(range)s is not two numbers, lowest first") % {"range": value_text})
        key = {"value": clean_number((low + high) / 2), "tolerance_abs": clean_number((high - low) / 2)}
    else:
        value, _sep, tolerance = value_text.partition(":")
        parsed = number(value)
        if parsed is None:
            raise SkipQuestion(_("the right answer %(value)s is not a number") % {"value": value or "—"})
        key = {"value": clean_number(parsed)}
        tol = number(tolerance) if tolerance else None
        if tolerance and tol is None:
            raise SkipQuestion(_("the tolerance %(value)s is not a number") % {"value": tolerance})
        if tol:
            key["tolerance_abs"] = clean_number(abs(tol))
    item = {"type": "numeric", "prompt": prompt, "competencies": [competency], "failure_modes": [], "key": key}
    if rationale:
        item["rationale"] = rationale
    return item, notes


def _question(block: _Block, competency: str) -> tuple[str, dict, list[str]]:
    """(title, item, notes) of one question block; SkipQuestion when it cannot be imported."""
    text = _protect(block.text)
    title = ""
    named = re.match(r"^\s*::(.*?)::", text, re.S)
    if named:
        title = _restore(named.group(1)).strip()
        text = text[named.end():]
    opening = text.find("{")
    if opening < 0:
        raise SkipQuestion(_("it has no answer block {…} (descriptions are not imported)"))
    closing = text.find("}", opening)
    if closing < 0:
        raise SkipQuestion(_("its answer block has no closing }"))
    before, body, after = text[:opening], text[opening + 1:closing], text[closing + 1:]
    if after.strip():
        prompt = _format(before.rstrip() + " _____ " + after.lstrip())
    else:
        prompt = _format(before)
    if not prompt:
        raise SkipQuestion(_("the question text is empty"))
    rationale = ""
    if "####" in body:
        body, general = body.split("####", 1)
        rationale = _format(general)
    body = body.strip()
    if not body:
        item = {"type": "free_text", "prompt": prompt, "competencies": [competency], "failure_modes": [],
                "key": {"criteria": [{"id": "criterion-1", "text": _("Answers the question as expected"), "points": 1}]}}
        if rationale:
            item["rationale"] = rationale
        return title, item, [_("essay: one general criterion was made; write the rubric")]
    if body.startswith("#"):
        item, notes = _numeric(body, prompt, rationale, competency)
        return title, item, notes
    truth = re.match(r"^(T|TRUE|F|FALSE)\b", body, re.I)
    if truth and not re.search(r"(^|\s)[=~]", body):
        right = truth.group(1).upper().startswith("T")
        options = [(_("True"), 1.0 if right else 0.0), (_("False"), 0.0 if right else 1.0)]
        item, notes = choice_item(prompt=prompt, options=options, single=True, rationale=rationale, competency=competency)
        return title, item, notes
    tokens = _tokens(body)
    if not tokens:
        raise SkipQuestion(_("its answers could not be read: each must start with = (right) or ~ (wrong)"))
    if all(sign == "=" for sign, _w, _t in tokens):
        if "->" in body:
            item, notes = _matching(body, prompt, rationale, competency)
        else:
            item, notes = _short_answer(body, prompt, rationale, competency)
        return title, item, notes
    weighted = any(sign == "~" and weight is not None and weight > 0 for sign, weight, _t in tokens)
    options = []
    for sign, weight, text in tokens:
        share = weight if weight is not None else (1.0 if sign == "=" else 0.0)
        options.append((_format(text), share))
    item, notes = choice_item(prompt=prompt, options=options, single=not weighted, rationale=rationale, competency=competency)
    return title, item, notes


def parse_gift(data: bytes, *, source_name: str, competency: str) -> QuestionImport:
    """The questions of a GIFT file as package cases, with what was left out and why."""
    if len(data) > GIFT_MAX_BYTES:
        raise PackageError([("", _("The file is larger than 5 MiB."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PackageError([("", _("The file is not UTF-8 text; save it as UTF-8 and upload it again."))]) from None
    blocks, categories = _blocks(text)
    result = QuestionImport()
    groups: dict[str, list[tuple[str, dict]]] = {}
    for block in blocks:
        category = ""
        for line, name in categories:
            if line < block.line:
                parts = category_parts(name)
                category = parts[-1].strip() if parts else ""
        try:
            title, item, notes = _question(block, competency)
        except SkipQuestion as exc:
            named = re.match(r"^\s*::(.*?)::", _protect(block.text), re.S)
            first = _restore(named.group(1)).strip() if named else _restore(_protect(block.text)).strip().splitlines()[0]
            first = first[:60]
            result.skipped.append(Skipped(
                _("question at line %(line)s (%(start)s)") % {"line": block.line, "start": first}, str(exc),
            ))
            continue
        where = _("question at line %(line)s (%(name)s)") % {"line": block.line, "name": title or item["prompt"][:60]}
        item["name"] = title or item["prompt"][:60]
        if _IMAGE.search(block.text):
            notes = [*notes, _("its images were not imported: a GIFT file carries no image files")]
        result.notes.extend(Skipped(where, note) for note in notes)
        groups.setdefault(category, []).append((where, item))
    if not blocks:
        raise PackageError([("", _("The file holds no question."))])
    group_cases(groups, source_name, result)
    return result
