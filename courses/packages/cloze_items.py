"""A cloze (``multianswer``) question → one case whose items are its gaps.

Why items of the existing types, not a ``cloze`` item type of its own: each gap of a Moodle
cloze question *is* a multichoice, multi-response, short-answer or numerical question
(Moodle stores them as such and grades them one by one with those types' rules, then adds
the marks up). Made into ``single_choice``, ``multiple_choice``, ``short_answer`` and
``numeric`` items they are graded by graders that exist and are tested, answered with
widgets trainees know, edited with the studio's editors, exported back to Moodle, and each
gap is measured on its own. What is lost, and said in the import report: the answer boxes
are no longer inside the sentence (the case vignette is the text, each gap shown as "(1)",
"(2)"…, and each item's prompt names its gap and quotes the line it is in), the gaps'
weights (Vigil items have no points: each counts the same), shuffling, and the feedback of
the answers of choice and numerical gaps. A type of its own would keep the text and the
boxes together, at the price of a second grader, widget, editor and export for each of the
four kinds, and one score for what are several questions.

Sources: a Moodle XML ``<question type="multianswer">`` (``moodle_cloze``, its HTML and
images read as the other Moodle questions are), and a text file in Moodle's "Embedded
answers (Cloze)" import format (``parse_cloze_file``): the whole file is one question,
unless lines starting ``::title::`` begin several. What cannot be made an item (an
unknown gap type, a gap with no right answer…) is reported as skipped, with its place
("gap 2 of 4"), and shown as "[…]" in the text: no cloze syntax is left in any text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Protocol
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from .cloze import MULTIPLE, NUMERIC, SHORT, SINGLE, Gap, has_gaps, multiresponse_fractions, numerical_answer, parse_cloze
from .encoding import decode_text
from .errors import PackageError
from .moodle_xml import (
    QuestionImport,
    Skipped,
    SkipQuestion,
    choice_item,
    clean_number,
    html_to_text,
    short_answer_item,
    unique_slug,
)

CLOZE_MAX_BYTES = 5 * 1024 * 1024
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: a gap's place while the text is converted
_PLACE = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_GIFT_BLOCK = re.compile(r"(?<!\\)\{\s*(?:[=~#}]|(?:T|F|TRUE|FALSE)\s*(?:#[^}]*)?\})", re.I)
_HTML = re.compile(r"<(?:p|br|div|span|b|strong|em|i|u|ul|ol|li|table|img|sub|sup|h[1-6])\b[^>]*>", re.I)
_TITLE = re.compile(r"^::(.*?)::", re.M | re.S)
_CONTEXT_CHARS = 300


class Reader(Protocol):
    """How a source writes its texts: ``text`` gives the Markdown of a text (the question,
    an option, a feedback), ``answer`` an accepted answer as the trainee would type it."""

    def text(self, raw: str) -> str: ...

    def answer(self, raw: str) -> str: ...


@dataclass
class ClozeCase:
    """One cloze question made into a case (None when no gap could be made an item)."""

    case: dict | None
    sources: list[str] = field(default_factory=list)  # where each item came from, in order (the question)
    notes: list[Skipped] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def cloze_case(text: str, *, title: str, where: str, reader: Reader, competency: str,
               rationale: str = "") -> ClozeCase:
    """The case of one cloze question: its text as the vignette, its gaps as items."""
    cloze = parse_cloze(text.replace(_OPEN, "").replace(_CLOSE, ""))  # those two mark the gaps below
    gaps = cloze.gaps
    result = ClozeCase(case=None)
    if not gaps:
        result.skipped.append(Skipped(where, _("it has no gap such as {1:MULTICHOICE:=right~wrong}")))
        return result
    numbers: dict[int, int] = {}  # id of a gap made an item → its number in the text
    items = []
    for position, gap in enumerate(gaps, start=1):
        try:
            item, notes = _gap_item(gap, reader, competency)
        except SkipQuestion as exc:
            result.skipped.append(Skipped(_("%(question)s, gap %(position)s of %(count)s (shown as […])") % {
                "question": where, "position": position, "count": len(gaps)}, str(exc)))
            continue
        numbers[id(gap)] = len(items) + 1
        items.append(item)
        result.sources.append(where)  # the question's place: its media are reported, and kept, under it
        gap_where = _("%(question)s, gap (%(number)s)") % {"question": where, "number": len(items)}
        result.notes.extend(Skipped(gap_where, note) for note in notes)
    if not items:
        result.skipped.append(Skipped(where, _("none of its gaps could be imported")))
        return result
    converted = reader.text("".join(part if isinstance(part, str) else f"{_OPEN}{numbers.get(id(part), 0)}{_CLOSE}"
                                    for part in cloze.parts))
    slugs: set[str] = set()
    for number, item in enumerate(items, start=1):
        context = _context(converted, number)
        item["prompt"] = (_("Gap (%(number)s): %(context)s") % {"number": number, "context": context} if context
                          else _("Gap (%(number)s)") % {"number": number})
        item["slug"] = unique_slug(f"gap-{number}", slugs, "gap")
        if rationale:
            item["rationale"] = rationale
    weights = {numbers[id(gap)]: gap.weight for gap in gaps if id(gap) in numbers}
    if len(set(weights.values())) > 1:
        result.notes.append(Skipped(where, _("the weights of its gaps (%(weights)s) were not kept: each item "
                                             "counts the same") % {
            "weights": ", ".join(f"({number}) {weight}" for number, weight in weights.items())}))
    result.case = {"slug": title, "title": title[:200], "vignette": _shown(converted), "artifacts": [],
                   "items": items}
    return result


def _shown(converted: str) -> str:
    """The converted text with each gap shown as "(n)", or "[…]" when it was not imported."""
    shown = _PLACE.sub(lambda match: f"({match.group(1)})" if match.group(1) != "0" else "[…]", converted)
    return shown.replace(_OPEN, "").replace(_CLOSE, "")  # a mark cut in two by _context


def _context(converted: str, number: int) -> str:
    """The line of the text the gap is in (with the line before it when the gap stands
    alone), cut to the sentences around the gap when it is long; "" when the text does not
    show the gap (written inside an HTML attribute or a script)."""
    lines = converted.split("\n")
    mark = f"{_OPEN}{number}{_CLOSE}"
    index = next((i for i, line in enumerate(lines) if mark in line), None)
    if index is None:
        return ""
    line = lines[index].strip()
    if not _PLACE.sub("", line).strip():
        before = next((lines[i].strip() for i in range(index - 1, -1, -1) if lines[i].strip()), "")
        line = f"{before} {line}".strip()
    if len(line) > _CONTEXT_CHARS:
        sentences = re.split(r"(?<=[.!?;:])\s+", line)
        at = next(i for i, sentence in enumerate(sentences) if mark in sentence)
        line = " ".join(sentences[max(0, at - 1):at + 2])
        if len(line) > _CONTEXT_CHARS:
            start = max(0, line.index(mark) - _CONTEXT_CHARS // 2)
            line = ("…" if start else "") + line[start:start + _CONTEXT_CHARS].strip() + "…"
    return _shown(line)


def _gap_item(gap: Gap, reader: Reader, competency: str) -> tuple[dict, list[str]]:
    """The item of one gap (its prompt set by the caller); SkipQuestion when it has none."""
    if not gap.closed:
        raise SkipQuestion(_("the gap %(gap)s… is not closed by }") % {"gap": gap.source[:30]})
    if not gap.kind:
        raise SkipQuestion(_("gaps of type %(type)s are not supported (supported: MULTICHOICE, MULTIRESPONSE, "
                             "SHORTANSWER, NUMERICAL and their variants)") % {"type": gap.subtype})
    alternatives = gap.alternatives
    notes = []
    if gap.kind in (SINGLE, MULTIPLE, NUMERIC) and any(a.feedback for a in alternatives):
        notes.append(_("the feedback of its answers was dropped"))
    if gap.shuffled:
        notes.append(_("its answers are shown in the written order: Vigil does not shuffle them"))
    if gap.kind == SHORT:
        answers = [(reader.answer(a.text), a.fraction, reader.text(a.feedback)) for a in alternatives]
        item, more = short_answer_item(prompt="", answers=answers, case_sensitive=gap.case_sensitive,
                                       rationale="", competency=competency)
    elif gap.kind == NUMERIC:
        item, more = _numeric_item(gap, reader, competency)
    else:
        fractions = ([a.fraction for a in alternatives] if gap.kind == SINGLE
                     else multiresponse_fractions(alternatives))
        options = [(reader.text(a.text), share) for a, share in zip(alternatives, fractions)]
        item, more = choice_item(prompt="", options=options, single=gap.kind == SINGLE, rationale="",
                                 competency=competency)
    return item, notes + more


def _numeric_item(gap: Gap, reader: Reader, competency: str) -> tuple[dict, list[str]]:
    right = [a for a in gap.alternatives if abs(a.fraction - 1) < 1e-6]
    if not right:
        raise SkipQuestion(_("no answer is graded 100%, so there is no right answer"))
    written = reader.answer(right[0].text)
    parsed = numerical_answer(written)
    if parsed is None:
        raise SkipQuestion(_("the right answer %(value)s is not a number") % {"value": written or "—"})
    notes = []
    if len(right) > 1:
        notes.append(_("only the first answer graded 100% was kept"))
    if any(0 < a.fraction < 1 - 1e-6 for a in gap.alternatives):
        notes.append(_("answers with partial credit were dropped"))
    value, tolerance = parsed
    key: dict = {"value": clean_number(value)}
    if tolerance:
        key["tolerance_abs"] = clean_number(tolerance)
    return {"type": "numeric", "prompt": "", "competencies": [competency], "failure_modes": [], "key": key}, notes


def cloze_cases_add(result: QuestionImport, clozes: list[ClozeCase]) -> None:
    """Append the cases of cloze questions to an import, each with a slug no other case
    of it has, and what became of each gap."""
    taken = {case["slug"] for case in result.cases}
    for cloze in clozes:
        result.skipped.extend(cloze.skipped)
        result.notes.extend(cloze.notes)
        if cloze.case is None:
            continue
        cloze.case["slug"] = unique_slug(cloze.case["slug"], taken, "cloze")
        for index, where in enumerate(cloze.sources):
            result.sources[(len(result.cases), index)] = where
        result.cases.append(cloze.case)


# ---------------------------------------------------------------- Moodle XML


class _MoodleReader:
    """Texts of a Moodle XML question: HTML (or its format) to Markdown with its images,
    through the question's ``_QuestionMedia``; accepted answers with entities decoded,
    as Moodle does."""

    def __init__(self, media, questiontext: ElementTree.Element) -> None:
        self.media = media
        self.questiontext = questiontext

    def text(self, raw: str) -> str:
        element = ElementTree.Element(self.questiontext.tag, dict(self.questiontext.attrib))
        ElementTree.SubElement(element, "text").text = raw
        element.extend(self.questiontext.findall("file"))
        return self.media.text(element)

    def answer(self, raw: str) -> str:
        return html.unescape(raw).strip()


def moodle_cloze(question: ElementTree.Element, *, where: str, name: str, media, competency: str) -> ClozeCase:
    """The case of a Moodle XML ``multianswer`` question; ``media`` is its
    ``moodle_xml._QuestionMedia``."""
    questiontext = question.find("questiontext")
    if questiontext is None:
        questiontext = ElementTree.Element("questiontext")
    raw = (questiontext.findtext("text") or "")
    reader = _MoodleReader(media, questiontext)
    title = name or _title(html_to_text(_without_gaps(raw))[0]) or where  # not reader.text: no media twice
    return cloze_case(raw, title=title, where=where, reader=reader, competency=competency,
                      rationale=media.text(question.find("generalfeedback")))


# ---------------------------------------------------------------- text files


class TextReader:
    """Texts of a cloze text file: Markdown as written, or HTML made Markdown when the file
    is written in HTML (Moodle's importer takes both)."""

    def __init__(self, is_html: bool) -> None:
        self.is_html = is_html

    def text(self, raw: str) -> str:
        return html_to_text(raw)[0] if self.is_html else raw.strip()

    def answer(self, raw: str) -> str:
        return html.unescape(raw).strip() if self.is_html else raw.strip()


def is_cloze_text(text: str) -> bool:
    """Whether a text file is cloze rather than GIFT: it has a gap of a type Moodle knows,
    and no GIFT answer block (``{=…}``, ``{~…}``, ``{#…}``, ``{T}``, ``{}``) outside its gaps."""
    if not has_gaps(text):
        return False
    between = "".join(part for part in parse_cloze(text).parts if isinstance(part, str))
    return _GIFT_BLOCK.search(between) is None


def is_cloze_file(data: bytes) -> bool:
    if len(data) > CLOZE_MAX_BYTES:
        return False
    try:
        return is_cloze_text(decode_text(data).text)
    except PackageError:  # not text: the GIFT reader names the encoding
        return False


def parse_cloze_file(data: bytes, *, source_name: str, competency: str) -> QuestionImport:
    """The cloze questions of a text file as cases; PackageError when it cannot be read."""
    if len(data) > CLOZE_MAX_BYTES:
        raise PackageError([("", _("The file is larger than 5 MiB."))])
    decoded = decode_text(data)  # UTF-8, UTF-16, Windows-1252…, or refused naming the encoding
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    reader = TextReader(bool(_HTML.search(text)))
    result = QuestionImport()
    if decoded.note():
        result.notes.append(Skipped(_("the file"), decoded.note()))
    clozes = []
    for line, title, body in _questions(text):
        title = title or _title(reader.text(_without_gaps(body)))
        where = _("question at line %(line)s (%(name)s)") % {"line": line, "name": title or "—"}
        clozes.append(cloze_case(body, title=title or source_name, where=where, reader=reader,
                                 competency=competency))
    if not clozes:
        raise PackageError([("", _("The file holds no question."))])
    cloze_cases_add(result, clozes)
    if reader.is_html and re.search(r"<img\b", text, re.I):
        result.notes.append(Skipped(source_name, _("its images were not imported: a text file carries no "
                                                   "image files")))
    return result


def _questions(text: str) -> list[tuple[int, str, str]]:
    """(first line, title, text) of each question: the whole file, or one per ``::title::``."""
    starts = [m for m in _TITLE.finditer(text)]
    if not starts:
        return [(1, "", text)] if text.strip() else []
    questions = []
    if text[:starts[0].start()].strip():
        questions.append((1, "", text[:starts[0].start()]))
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        body = text[match.end():end]
        line = text.count("\n", 0, match.start()) + 1
        if body.strip():
            questions.append((line, match.group(1).strip(), body))
    return questions


def _without_gaps(text: str) -> str:
    """The text with each gap an ellipsis, to name the question by."""
    return "".join(part if isinstance(part, str) else "…" for part in parse_cloze(text).parts)


def _title(text: str) -> str:
    """A name from the start of a text, as Moodle names an imported cloze question (45
    characters, cut at a word)."""
    text = " ".join(re.sub(r"[*_#>`]", "", text).split())
    if len(text) <= 45:
        return text
    return text[:45].rsplit(" ", 1)[0] + "…"
