"""Moodle XML question files → package cases of a draft (and the helpers GIFT shares).

Supported question types and what they become:

| Moodle                         | Vigil item        | key                                                 |
| ------------------------------ | ----------------- | --------------------------------------------------- |
| ``multichoice``, one answer    | ``single_choice`` | the answer graded 100%                              |
| ``multichoice``, several       | ``multiple_choice``| every answer with a positive grade; weights = grades|
| ``truefalse``                  | ``single_choice`` | the answer graded 100%                              |
| ``numerical``                  | ``numeric``       | the first answer graded 100% and its tolerance      |
| ``essay``                      | ``free_text``     | one rubric criterion from the grader information    |
| ``shortanswer``                | ``short_answer``  | the answers in order, grades as fractions, feedback |
|                                |                   | kept, ``usecase`` as ``case_sensitive``             |
| ``match``                      | ``matching``      | the sub-questions as stems, their answers as the    |
|                                |                   | choices (a blank sub-question: a distractor)        |

``multianswer`` (cloze) becomes a case of its own, each gap an item (``cloze_items``).
Anything else (calculated, drag and drop, description…) is
reported as not imported, with the reason, and so is a supported question that lacks
what Vigil needs (no right answer, fewer than two options, an empty text). Questions are
grouped into one case per Moodle category; Moodle questions have no AI output, so each
imported case still needs one before it can be published (the publish check says so).

Images: Moodle embeds a question's files as base64 ``<file name="scan.png">`` children of
the text that shows them (``questiontext``, ``generalfeedback``, an ``answer``…), and the
HTML refers to them as ``@@PLUGINFILE@@/scan.png`` (names URL-encoded). Each one becomes a
media file of the draft, checked like a package's media (PNG, JPEG, SVG, WebP, at most
5 MiB), stored once however many questions show the same bytes, and the text shows it as
``![alt](media/scan.png)`` where Moodle showed it (the ``alt`` of the ``<img>``, else the
file name). An image on the web stays a link: nothing is downloaded. A file that cannot
be imported (type, size, broken base64, not embedded, not shown) is reported with the
reason, and the rest of its question is imported.

The file is untrusted XML: it is size-bounded and refused when it declares a DOCTYPE or
entities (the way to "billion laughs" and external entities), before it is parsed.
"""
from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from quizzes.graders.matching import matching_spec
from training.slugs import slug_from

from .errors import PackageError
from .media import MediaFile, MediaProblem, free_media_path, media_file

# A Moodle export carries its images inside, base64-encoded: a bank of a few scans is tens of
# MiB. Each image still meets the media limit of 5 MiB (courses.packages.media).
MAX_BYTES = 50 * 1024 * 1024
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"
SUPPORTED = ("multichoice", "truefalse", "numerical", "essay", "shortanswer", "match", "multianswer")
PLUGINFILE = "@@PLUGINFILE@@"
_PLUGINFILE_REFERENCE = re.compile(r"@@PLUGINFILE@@/[^\s\"'<>()]+")


@dataclass
class Skipped:
    where: str  # e.g. "question 3 (Sepsis bundle)"
    reason: str


@dataclass
class MediaLine:
    """What became of one image or embedded file of an imported question."""

    IMPORTED = "imported"
    LINKED = "linked"  # an image on the web, left as a link
    SKIPPED = "skipped"

    where: str
    name: str  # the file name, or the web address
    status: str
    path: str = ""  # imported: the package path (media/…)
    reason: str = ""  # skipped: why


@dataclass
class QuestionImport:
    """What a question file gave: cases (package dicts) and what was left out, and why."""

    cases: list[dict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)  # imported, with something dropped
    sources: dict[tuple[int, int], str] = field(default_factory=dict)  # (case, item) index → where
    media: list[MediaLine] = field(default_factory=list)  # of the questions converted, in order
    files: dict[str, MediaFile] = field(default_factory=dict)  # package path → file, each content once

    @property
    def count(self) -> int:
        return sum(len(case["items"]) for case in self.cases)


class SkipQuestion(Exception):
    """A question that cannot be imported; the message says why."""


# ---------------------------------------------------------------- shared helpers


class _TextParser(HTMLParser):
    """HTML to Markdown-ish text: paragraphs, line breaks, lists, bold and italics kept."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol", "blockquote", "pre"}

    def __init__(self, image: Callable[[str, str], str] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.images = 0
        self.image = image

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("strong", "b"):
            self.parts.append("**")
        elif tag in ("em", "i"):
            self.parts.append("*")
        elif tag == "img":
            self.images += 1
            if self.image is not None and not self.skip:
                found = dict(attrs)
                self.parts.append(self.image(found.get("src") or "", found.get("alt") or ""))
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("strong", "b"):
            self.parts.append("**")
        elif tag in ("em", "i"):
            self.parts.append("*")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(value: str, image: Callable[[str, str], str] | None = None) -> tuple[str, int]:
    """Markdown-ish text of an HTML fragment, and how many images it held.

    ``image(src, alt)`` gives the Markdown that stands for each image; without it images
    are dropped.
    """
    parser = _TextParser(image)
    parser.feed(value or "")
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", re.sub(r"[ \t]{2,}", " ", text))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip(), parser.images


def unique_slug(base: str, taken: set[str], fallback: str) -> str:
    slug = slug_from(base, taken, fallback=fallback, limit=80)
    taken.add(slug)
    return slug


def number(value: str | None) -> float | None:
    """A number written the Moodle or French way ("0.5", "0,5"), or None."""
    if value is None:
        return None
    try:
        result = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return result if result == result and abs(result) != float("inf") else None


def clean_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def choice_item(*, prompt: str, options: list[tuple[str, float]], single: bool, rationale: str,
                competency: str) -> tuple[dict, list[str]]:
    """A single- or multiple-choice item from (text, grade share) options; returns notes too.

    Raises SkipQuestion when the options cannot make a key.
    """
    notes = []
    if len(options) < 2:
        raise SkipQuestion(_("it has fewer than two answers"))
    if len(options) > len(OPTION_IDS):
        raise SkipQuestion(_("it has more than %(max)s answers") % {"max": len(OPTION_IDS)})
    for i, (text, _share) in enumerate(options, start=1):
        if not text.strip():
            raise SkipQuestion(_("answer %(number)s has no text") % {"number": i})
    spec_options = [{"id": OPTION_IDS[i], "text": text} for i, (text, _share) in enumerate(options)]
    item = {"prompt": prompt, "competencies": [competency], "failure_modes": []}
    if single:
        right = [i for i, (_t, share) in enumerate(options) if abs(share - 1) < 1e-6]
        if not right:
            raise SkipQuestion(_("no answer is graded 100%, so there is no right answer"))
        if len(right) > 1:
            raise SkipQuestion(_("several answers are graded 100%; make it a multiple-answer question"))
        if any(0 < share < 1 for _t, share in options):
            notes.append(_("partial credit of the other answers was dropped (single choice scores 1 or 0)"))
        item.update(type="single_choice", spec={"options": spec_options}, key={"answer": OPTION_IDS[right[0]]})
    else:
        correct = [OPTION_IDS[i] for i, (_t, share) in enumerate(options) if share > 0]
        if not correct:
            raise SkipQuestion(_("no answer has a positive grade, so there is no right answer"))
        weights = {OPTION_IDS[i]: clean_number(round(share, 6)) for i, (_t, share) in enumerate(options) if share != 0}
        if sum(w for w in weights.values() if w > 0) < 1 - 1e-6:
            raise SkipQuestion(_("the grades of the right answers add up to less than 100%"))
        key = {"correct": correct, "weights": weights}
        if _default_weights(weights, correct, len(options)):
            del key["weights"]  # what Vigil grades by without weights (and writes when it exports them)
        item.update(type="multiple_choice", spec={"options": spec_options}, key=key)
    if rationale:
        item["rationale"] = rationale
    return item, notes


def short_answer_item(*, prompt: str, answers: list[tuple[str, float, str]], case_sensitive: bool,
                      rationale: str, competency: str) -> tuple[dict, list[str]]:
    """A ``short_answer`` item from (accepted text, grade share, feedback) answers, in order.

    Blank answers are left out, as Moodle does; a negative grade (which Moodle's short
    answer does not have) counts as 0, with a note. Raises SkipQuestion when no answer is
    left or none gives full marks.
    """
    notes = []
    kept = []
    for text, share, answer_feedback in answers:
        if not text.strip():
            continue
        share = round(share, 7)
        if share < 0:
            notes.append(_("a negative grade of an answer was made 0% (short answer grades are 0 to 100%)"))
            share = 0.0
        share = 1.0 if abs(share - 1) < 1e-6 else min(share, 1.0)
        answer: dict = {"text": text.strip(), "fraction": clean_number(share)}
        if answer_feedback.strip():
            answer["feedback"] = answer_feedback.strip()
        kept.append(answer)
    if not kept:
        raise SkipQuestion(_("it has no accepted answer"))
    if not any(a["fraction"] == 1 for a in kept):
        raise SkipQuestion(_("no answer is graded 100%, so no answer gets full marks"))
    key: dict = {"answers": kept}
    if case_sensitive:
        key["case_sensitive"] = True
    item = {"type": "short_answer", "prompt": prompt, "competencies": [competency], "failure_modes": [], "key": key}
    if rationale:
        item["rationale"] = rationale
    return item, notes


def matching_item(*, prompt: str, pairs: list[tuple[str, str]], rationale: str,
                  competency: str) -> tuple[dict, list[str]]:
    """A ``matching`` item from (stem, answer) pairs; a pair with a blank stem gives a
    distractor (an answer no stem has), as in Moodle. Choices are written in alphabetical
    order (Moodle shuffles them on every attempt; Vigil shows them in the written order).
    Raises SkipQuestion with fewer than two stems or two distinct answers."""
    stems = [(stem.strip(), answer.strip()) for stem, answer in pairs if stem.strip()]
    distractors = [answer.strip() for stem, answer in pairs if not stem.strip() and answer.strip()]
    for i, (_stem, answer) in enumerate(stems, start=1):
        if not answer:
            raise SkipQuestion(_("sub-question %(number)s has no answer") % {"number": i})
    if len(stems) < 2:
        raise SkipQuestion(_("it has fewer than two sub-questions to match"))
    spec, key = matching_spec(stems, distractors)
    if len(spec["choices"]) < 2:
        raise SkipQuestion(_("it has fewer than two different answers to choose from"))
    item = {"type": "matching", "prompt": prompt, "competencies": [competency], "failure_modes": [],
            "spec": spec, "key": key}
    if rationale:
        item["rationale"] = rationale
    return item, []


def _default_weights(weights: dict, correct: list[str], count: int) -> bool:
    """Whether the weights are Vigil's defaults: each right option 1/right, each wrong one -1/wrong
    (to Moodle's five decimals of a percent)."""
    wrong = count - len(correct)
    for option_id in OPTION_IDS[:count]:
        share = weights.get(option_id, 0)
        expected = 1 / len(correct) if option_id in correct else (-1 / wrong if wrong else 0)
        if abs(share - expected) > 1e-6:
            return False
    return True


def category_parts(path: str) -> list[str]:
    """The names of a Moodle category path, ``$course$`` and ``top`` left out; ``//`` is a
    ``/`` inside a name, as Moodle writes it."""
    parts = [p.replace("\x00", "/") for p in path.replace("//", "\x00").split("/")]
    return [p for p in parts if p and not p.startswith("$") and p != "top"]


def group_cases(groups: dict[str, list[tuple[str, dict]]], source_name: str, result: QuestionImport) -> None:
    """One case per category, its items given unique slugs; records where each item came from."""
    case_slugs: set[str] = set()
    for category, entries in groups.items():
        if not entries:
            continue
        title = category or _("Questions imported from %(name)s") % {"name": source_name}
        case = {
            "slug": unique_slug(category or source_name, case_slugs, "imported"),
            "title": title[:200],
            "vignette": _("Questions imported from %(name)s. Replace this text with the case vignette, and add the "
                          "AI output the questions are about.") % {"name": source_name},
            "artifacts": [],
            "items": [],
        }
        item_slugs: set[str] = set()
        for where, item in entries:
            item["slug"] = unique_slug(item.pop("name", "") or "question", item_slugs, "question")
            result.sources[(len(result.cases), len(case["items"]))] = where
            case["items"].append(item)
        result.cases.append(case)


# ---------------------------------------------------------------- Moodle XML


def _text(element: ElementTree.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "") if found is not None else ""


def _markdown_label(text: str) -> str:
    """Text for the brackets of a Markdown image or link: one line, brackets escaped."""
    text = " ".join(text.split())
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def _file_key(file: ElementTree.Element) -> str:
    return f"{file.get('path') or '/'}/{file.get('name') or ''}".strip("/").replace("//", "/")


def _decoded(file: ElementTree.Element) -> bytes:
    """The bytes of an embedded ``<file>``; MediaProblem when they cannot be read."""
    if (file.get("encoding") or "base64").lower() != "base64":
        raise MediaProblem(_("it is not base64-encoded"))
    try:
        content = base64.b64decode("".join((file.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise MediaProblem(_("its base64 content is broken")) from None
    if not content:
        raise MediaProblem(_("the file is empty"))
    return content


class _Files:
    """The media files of one import: each content once, each under a path of its own."""

    def __init__(self) -> None:
        self.files: dict[str, MediaFile] = {}
        self.by_hash: dict[str, MediaFile] = {}

    def add(self, name: str, content: bytes) -> MediaFile:
        checked = media_file(name, content)
        if checked.sha256 not in self.by_hash:
            media = replace(checked, path=free_media_path(name, set(self.files)))
            self.files[media.path] = self.by_hash[checked.sha256] = media
        return self.by_hash[checked.sha256]


class _QuestionMedia:
    """The texts of one question as Markdown, with its images, and what became of each."""

    def __init__(self, question: ElementTree.Element, where: str, files: _Files) -> None:
        self.where = where
        self.files = files
        self.embedded = question.findall(".//file")
        self.lines: list[MediaLine] = []
        self.done: dict[int, str] = {}  # id of a <file> → its package path ("" when refused)
        self.missing: set[str] = set()

    def text(self, element: ElementTree.Element | None) -> str:
        """The text of a Moodle text element (questiontext, answer…) by its format."""
        if element is None:
            return ""
        raw = _text(element)
        own = element.findall("file")
        if element.get("format", "html") in ("html", "moodle_auto_format"):
            return html_to_text(raw, lambda src, alt: self.image(src, alt, own))[0]
        return _PLUGINFILE_REFERENCE.sub(lambda m: self.file(m.group(0), own)[1] or m.group(0), raw).strip()

    def image(self, src: str, alt: str, own: list[ElementTree.Element]) -> str:
        """The Markdown of an ``<img>``: an imported file, a link to the web, or nothing."""
        if src.startswith(PLUGINFILE):
            name, path = self.file(src, own)
            return f"![{_markdown_label(alt or name)}]({path})" if path else ""
        if urlsplit(src).scheme.lower() in ("http", "https"):
            self.lines.append(MediaLine(self.where, src, MediaLine.LINKED))
            label = alt or unquote(urlsplit(src).path.rsplit("/", 1)[-1]) or src
            target = src.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            return f"[{_markdown_label(label)}]({target})"
        self.lines.append(MediaLine(self.where, src if len(src) <= 60 else src[:59] + "…", MediaLine.SKIPPED,
                                    reason=_("only files embedded in the Moodle file and images on the web "
                                             "are taken")))
        return ""

    def file(self, reference: str, own: list[ElementTree.Element]) -> tuple[str, str]:
        """(name, package path) of the embedded file ``@@PLUGINFILE@@/…`` names; path "" if refused."""
        wanted = unquote(re.split(r"[?#]", reference[len(PLUGINFILE):])[0]).strip("/")
        name = wanted.rsplit("/", 1)[-1] or wanted
        found = next((f for f in own + self.embedded if wanted in (_file_key(f), unquote(_file_key(f)))), None)
        if found is None:
            if wanted not in self.missing:
                self.missing.add(wanted)
                self.lines.append(MediaLine(self.where, name, MediaLine.SKIPPED,
                                            reason=_("the question shows this file but the Moodle file does not "
                                                     "contain it")))
            return name, ""
        if id(found) not in self.done:
            self.done[id(found)] = self._import(found)
        return found.get("name") or name, self.done[id(found)]

    def _import(self, file: ElementTree.Element) -> str:
        name = file.get("name") or ""
        try:
            media = self.files.add(name, _decoded(file))
        except MediaProblem as exc:
            self.lines.append(MediaLine(self.where, name, MediaLine.SKIPPED, reason=str(exc)))
            return ""
        self.lines.append(MediaLine(self.where, name, MediaLine.IMPORTED, path=media.path))
        return media.path

    def report(self) -> list[MediaLine]:
        """Every line, the embedded files no imported text shows included."""
        for file in self.embedded:
            if id(file) not in self.done:
                self.lines.append(MediaLine(self.where, file.get("name") or "—", MediaLine.SKIPPED,
                                            reason=_("no imported text of the question shows it")))
        return self.lines


def _category(question: ElementTree.Element) -> str:
    parts = category_parts(_text(question.find("category")).strip())
    return html.unescape(parts[-1]).strip() if parts else ""


def _moodle_question(question: ElementTree.Element, qtype: str, competency: str,
                     media: _QuestionMedia) -> tuple[dict, list[str]]:
    prompt = media.text(question.find("questiontext"))
    notes = []
    if not prompt:
        raise SkipQuestion(_("the question text is empty"))
    rationale = media.text(question.find("generalfeedback"))
    answers = question.findall("answer")
    if qtype in ("multichoice", "truefalse"):
        options = []
        for answer in answers:
            share = number(answer.get("fraction", "0"))
            if share is None:
                raise SkipQuestion(_("an answer has a grade that is not a number"))
            if qtype == "truefalse":
                raw = _text(answer).strip().lower()
                text = {"true": _("True"), "false": _("False")}.get(raw, raw)
            else:
                text = media.text(answer)
            options.append((text, share / 100))
        single = qtype == "truefalse" or _text(question, "single").strip().lower() in ("true", "1", "")
        item, more = choice_item(prompt=prompt, options=options, single=single, rationale=rationale, competency=competency)
        return item, notes + more
    if qtype == "shortanswer":
        accepted = []
        for answer in answers:
            share = number(answer.get("fraction", "0"))
            if share is None:
                raise SkipQuestion(_("an answer has a grade that is not a number"))
            # The accepted text is a pattern typed in plain text, whatever its format says.
            accepted.append((_text(answer), share / 100, media.text(answer.find("feedback"))))
        case_sensitive = _text(question, "usecase").strip().lower() in ("1", "true")
        item, more = short_answer_item(prompt=prompt, answers=accepted, case_sensitive=case_sensitive,
                                       rationale=rationale, competency=competency)
        return item, notes + more
    if qtype == "match":
        pairs = [(media.text(sub), _text(sub.find("answer"))) for sub in question.findall("subquestion")]
        item, more = matching_item(prompt=prompt, pairs=pairs, rationale=rationale, competency=competency)
        if any(media.text(question.find(name)) for name in ("correctfeedback", "partiallycorrectfeedback",
                                                             "incorrectfeedback")):
            more.append(_("the feedback for right, partly right and wrong answers was dropped"))
        if _text(question, "shuffleanswers").strip().lower() in ("1", "true"):
            more.append(_("the sub-questions are shown in the written order: Vigil does not shuffle them"))
        return item, notes + more
    if qtype == "numerical":
        right = [a for a in answers if number(a.get("fraction", "0")) == 100]
        if not right:
            raise SkipQuestion(_("no answer is graded 100%, so there is no right answer"))
        value = number(_text(right[0]))
        if value is None:
            raise SkipQuestion(_("the right answer %(value)s is not a number") % {"value": _text(right[0]).strip() or "—"})
        if len(right) > 1:
            notes.append(_("only the first answer graded 100% was kept"))
        if any(0 < (number(a.get("fraction", "0")) or 0) < 100 for a in answers):
            notes.append(_("answers with partial credit were dropped"))
        key: dict = {"value": clean_number(value)}
        tolerance = number(_text(right[0], "tolerance") or None)
        if tolerance:
            key["tolerance_abs"] = clean_number(abs(tolerance))
        spec = {}
        for unit in question.findall("units/unit"):
            if number(_text(unit, "multiplier")) == 1 and _text(unit, "unit_name").strip():
                spec["unit"] = _text(unit, "unit_name").strip()
                break
        item = {"type": "numeric", "prompt": prompt, "competencies": [competency], "failure_modes": [], "key": key}
        if spec:
            item["spec"] = spec
        if rationale:
            item["rationale"] = rationale
        return item, notes
    # essay
    info = media.text(question.find("graderinfo"))
    points = number(_text(question, "defaultgrade") or None) or 1
    if not info:
        notes.append(_("there was no grader information: one general criterion was made; write the rubric"))
    criterion = {"id": "criterion-1", "text": info or _("Answers the question as expected"),
                 "points": clean_number(points if points > 0 else 1)}
    spec = {}
    words = number(_text(question, "maxwordlimit") or None)
    if words and words >= 1 and _text(question, "maxwordenabled").strip() in ("1", "true"):
        spec["max_words"] = int(words)
    item = {"type": "free_text", "prompt": prompt, "competencies": [competency], "failure_modes": [],
            "key": {"criteria": [criterion]}}
    if spec:
        item["spec"] = spec
    if rationale:
        item["rationale"] = rationale
    return item, notes


def _taxonomy_tags(question: ElementTree.Element, item: dict) -> None:
    """Tags ``competency-CODE`` and ``failure-mode-CODE`` (as Vigil exports them) give the
    item's competencies and failure modes; unknown codes are refused by the package check."""
    tags = [_text(tag).strip() for tag in question.findall("tags/tag")]
    competencies = [t[len("competency-"):] for t in tags if t.startswith("competency-") and len(t) > 11]
    modes = [t[len("failure-mode-"):] for t in tags if t.startswith("failure-mode-") and len(t) > 13]
    if competencies:
        item["competencies"] = competencies
    if modes:
        item["failure_modes"] = modes


def parse_moodle_xml(data: bytes, *, source_name: str, competency: str) -> QuestionImport:
    """The questions of a Moodle XML file as package cases, with what was left out.

    Raises PackageError when the file itself cannot be read (not XML, not a quiz).
    """
    if len(data) > MAX_BYTES:
        raise PackageError([("", _("The file is larger than 50 MiB."))])
    if re.search(rb"<!\s*(DOCTYPE|ENTITY)", data, re.I):
        raise PackageError([("", _("DOCTYPE and entity declarations are not accepted in Moodle XML files."))])
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        line, column = exc.position
        raise PackageError([("", _("The file is not valid XML (line %(line)s, column %(column)s).") % {
            "line": line, "column": column + 1,
        })]) from None
    if root.tag != "quiz":
        raise PackageError([("", _("This is not a Moodle XML question file: the root element must be <quiz>."))])
    result = QuestionImport()
    files = _Files()
    groups: dict[str, list[tuple[str, dict]]] = {}
    clozes = []  # multianswer questions: a case each (courses.packages.cloze_items)
    category = ""
    for index, question in enumerate(root.findall("question"), start=1):
        qtype = question.get("type", "")
        if qtype == "category":
            category = _category(question)
            continue
        name = _text(question.find("name")).strip()
        where = _("question %(number)s (%(name)s)") % {"number": index, "name": name or "—"}
        if qtype not in SUPPORTED:
            result.skipped.append(Skipped(where, _("questions of type %(type)s are not supported (supported: "
                                                  "multichoice, truefalse, numerical, essay, shortanswer, match)") % {"type": qtype or "—"}))
            continue
        media = _QuestionMedia(question, where, files)
        if qtype == "multianswer":
            from .cloze_items import moodle_cloze  # it builds on this module's helpers

            clozes.append(moodle_cloze(question, where=where, name=name, media=media, competency=competency))
            if clozes[-1].case is not None:
                for item in clozes[-1].case["items"]:
                    _taxonomy_tags(question, item)
                result.media.extend(media.report())
            continue
        try:
            item, notes = _moodle_question(question, qtype, competency, media)
        except SkipQuestion as exc:
            refused = "; ".join(f"{line.name}: {line.reason}" for line in media.lines if line.reason)
            result.skipped.append(Skipped(where, f"{exc} ({refused})" if refused else str(exc)))
            continue
        item["name"] = name
        _taxonomy_tags(question, item)
        result.notes.extend(Skipped(where, note) for note in notes)
        result.media.extend(media.report())
        groups.setdefault(category, []).append((where, item))
    group_cases(groups, source_name, result)
    if clozes:
        from .cloze_items import cloze_cases_add

        cloze_cases_add(result, clozes)
    result.files = files.files
    return result
