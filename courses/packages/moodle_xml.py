"""Moodle XML question files → package cases of a draft (and the helpers GIFT shares).

Supported question types and what they become:

| Moodle                         | Vigil item        | key                                                 |
| ------------------------------ | ----------------- | --------------------------------------------------- |
| ``multichoice``, one answer    | ``single_choice`` | the first answer graded 100%; any other at 100% in  |
|                                |                   | ``also_right`` (any of them is right)               |
| ``multichoice``, several       | ``multiple_choice``| every answer with a positive grade; weights = grades|
| ``truefalse``                  | ``single_choice`` | the answer graded 100%                              |
| ``numerical``                  | ``numeric``       | the first answer graded 100% and its tolerance; the |
|                                |                   | other answers that count (partial credit, wrong     |
|                                |                   | values or ``*`` with feedback) as ``answers``       |
| ``essay``                      | ``free_text``     | one rubric criterion from the grader information    |
| ``shortanswer``                | ``short_answer``  | the answers in order, grades as fractions, feedback |
|                                |                   | kept, ``usecase`` as ``case_sensitive``             |
| ``match``                      | ``matching``      | the sub-questions as stems, their answers as the    |
|                                |                   | choices (a blank sub-question: a distractor)        |
| ``description``                | the vignette of its category's case                     |

``multianswer`` (cloze) becomes a case of its own, each gap an item (``cloze_items``).
Anything else (calculated, drag and drop…) is reported as not imported, with the
reason, and so is a supported question that lacks what Vigil needs (no right answer, fewer
than two options, an empty text). Moodle questions have no AI output, so each imported
case still needs one before it can be published (the publish check says so).

Grades are Moodle's, to five decimals of a percent: ``33.33333`` is read as 1/3
(``moodle_share``), and the right answers of a several-answer question must add up to 100%
within Moodle's tolerance (qtype_multichoice rounds the sum to two decimals), their weights
then scaled to add up to exactly 1 (``full_marks``).

Beside its type's fields a question keeps each answer's ``<feedback>`` (the key's
``feedback``, shown once graded), ``<generalfeedback>`` (the rationale), its ``<hint>``s
(``hints``: Moodle shows one after a wrong try; Vigil grades one try, so they are shown
after grading), ``<tags>`` (``tags``) and ``<idnumber>`` (``idnumber``); the penalty for
further tries is dropped, with a note.

The category tree: one case per category (a leaf of the tree, or a category holding
questions), titled by its path below the part every category of the file shares
(``category_titles``): "Cardiology/Week 1" and "Neurology/Week 1" are the cases
"Cardiology / Week 1" and "Neurology / Week 1", never one; the shared part (``Sepsis`` of
"Sepsis/Week 1", "Sepsis/Week 2") names the module a new import goes into. All the cases
of one file go into one module (the one the author chose, or a new one), which is why the
tree below it lives in the case titles. Vigil's own export writes ``<module>/<case>``, so a
module's export read back gets its case titles back. A ``description`` is text before the
questions that follow it, which is what a vignette is: the descriptions of a category
become its case's vignette, in order.

Text (``html_to_text``): HTML becomes Markdown that shows what the author wrote: entities
decoded then escaped again where Markdown would read markup (``Iterable&lt;Item&gt;``),
``<pre>`` an indented code block with its whitespace, ``<code>`` a code span, ``<a href>`` a
Markdown link (web and mail addresses, or an embedded file imported as media).

Images and files: Moodle embeds a question's files as base64 ``<file name="scan.png">``
children of the text that shows them (``questiontext``, ``generalfeedback``, an ``answer``…),
and the HTML refers to them as ``@@PLUGINFILE@@/scan.png`` (names URL-encoded). Each one
becomes a media file of the draft, checked like a package's media (PNG, JPEG, SVG, WebP, at
most 5 MiB), stored once however many questions show the same bytes, and the text shows it
as ``![alt](media/scan.png)`` where Moodle showed it (the ``alt`` of the ``<img>``, else the
file name), or links to it where Moodle linked to it. An image on the web stays a link:
nothing is downloaded. A file that cannot be imported (type, size, broken base64, not
embedded, not shown) is reported with the reason, a link to it keeps its text, and the rest
of its question is imported.

The file is untrusted XML: it is size-bounded and refused when it declares a DOCTYPE or
entities (the way to "billion laughs" and external entities), before it is parsed.
"""
from __future__ import annotations

import base64
import binascii
import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
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
    case_texts: dict[int, list[str]] = field(default_factory=dict)  # case index → where its vignette came from
    category_prefix: str = ""  # the category path every question shares (a name for their module)

    @property
    def count(self) -> int:
        return sum(len(case["items"]) for case in self.cases)


class SkipQuestion(Exception):
    """A question that cannot be imported; the message says why."""


# ---------------------------------------------------------------- shared helpers


_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINK_SCHEMES = ("http", "https", "mailto")
_SLOT = re.compile(r"\x00(\d+)\x00")


def markdown_escaped(text: str) -> str:
    """Text as Markdown that shows it as written: what would read as an HTML tag (``<Item>``)
    or an entity (``&amp;``) is written as entities, which the renderer shows as the
    characters and never as markup."""
    return _TAG_LIKE.sub("&lt;", _ENTITY_LIKE.sub("&amp;", text))


def _web_link(href: str) -> str | None:
    """A web or mail address as a Markdown link target, or None for any other address."""
    href = href.strip()
    if urlsplit(href).scheme.lower() not in _LINK_SCHEMES:
        return None
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


class _TextParser(HTMLParser):
    """HTML to Markdown: paragraphs, line breaks, lists, bold and italics, links, inline code
    and preformatted blocks kept.

    Text reads as the author wrote it: entities are decoded, then what Markdown would take
    for markup is escaped again (``markdown_escaped``). ``<code>`` becomes a code span and
    ``<pre>`` an indented code block (the code block Vigil's renderer reads), both with their
    text untouched; since whitespace is normalised afterwards, they wait in numbered slots
    until then. ``<a href>`` becomes a Markdown link when ``link(href)`` gives a target (by
    default: web and mail addresses), else its text alone; ``<audio>``, ``<video>`` and
    ``<source>`` are links to their ``src``, named by the file.
    """

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol", "blockquote"}
    MEDIA = {"audio", "video", "source", "embed"}

    def __init__(self, image: Callable[[str, str], str] | None = None,
                 link: Callable[[str], str | None] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.slots: list[str] = []
        self.skip = 0
        self.images = 0
        self.image = image
        self.link = link or _web_link
        self.raw: list[str] | None = None  # the text of the <pre> or <code> being read
        self.raw_tag = ""
        self.links: list[tuple[int, int, str | None]] = []  # (where its text starts in parts, images before, target)

    def slot(self, markdown: str) -> str:
        self.slots.append(markdown)
        return f"\x00{len(self.slots) - 1}\x00"

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif self.raw is not None:
            if tag == "br":
                self.raw.append("\n")
        elif tag in ("pre", "code"):
            self.raw, self.raw_tag = [], tag
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
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append((len(self.parts), self.images, self.link(href) if href and not self.skip else None))
        elif tag in self.MEDIA and dict(attrs).get("src") and not self.skip:
            src = dict(attrs)["src"]
            target = self.link(src)
            name = unquote(urlsplit(src).path.rsplit("/", 1)[-1]) or src
            self.parts.append(f" [{_markdown_label(name)}]({target}) " if target else f" {markdown_escaped(name)} ")
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
        elif self.raw is not None:
            if tag == self.raw_tag:
                self._close_raw()
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("strong", "b"):
            self.parts.append("**")
        elif tag in ("em", "i"):
            self.parts.append("*")
        elif tag == "a" and self.links:
            start, images, target = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            if target and label:  # an image inside stays an image, the link around it
                label = " ".join(label.split()) if self.images > images else _markdown_label(label)
                self.parts[start:] = [f"[{label}]({target})"]

    def _close_raw(self):
        text, tag = "".join(self.raw or []), self.raw_tag
        self.raw, self.raw_tag = None, ""
        if tag == "pre":
            lines = text.strip("\n").expandtabs(4).splitlines()
            if any(line.strip() for line in lines):
                block = "\n".join(("    " + line) if line.strip() else "" for line in lines)
                self.parts.append("\n\n" + self.slot(block) + "\n\n")
        elif text.strip():
            text = " ".join(text.split())
            fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
            pad = " " if text.startswith("`") or text.endswith("`") else ""
            self.parts.append(self.slot(f"{fence}{pad}{text}{pad}{fence}"))

    def handle_data(self, data):
        if self.skip:
            return
        if self.raw is not None:
            self.raw.append(data)
        else:
            self.parts.append(markdown_escaped(re.sub(r"[ \t\r\n]+", " ", data).replace("\x00", "")))

    def close(self):
        super().close()
        if self.raw is not None:
            self._close_raw()


def html_to_text(value: str, image: Callable[[str, str], str] | None = None,
                 link: Callable[[str], str | None] | None = None) -> tuple[str, int]:
    """Markdown of an HTML fragment, and how many images it held.

    ``image(src, alt)`` gives the Markdown that stands for each image; without it images
    are dropped. ``link(href)`` gives the target of a link, or None to keep only its text;
    without it, web and mail addresses are kept.
    """
    parser = _TextParser(image, link)
    parser.feed(value or "")
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", re.sub(r"[ \t]{2,}", " ", text))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return _SLOT.sub(lambda m: parser.slots[int(m.group(1))], text), parser.images


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


def moodle_share(share: float) -> float:
    """A grade share as Moodle meant it: Moodle writes grades to five decimals of a percent
    (``33.33333``), so a share within 1e-6 of a simple fraction (a denominator up to 100) is
    that fraction; any other is rounded to seven decimals."""
    simple = Fraction(share).limit_denominator(100)
    return float(simple) if abs(float(simple) - share) < 1e-6 else round(share, 7)


def full_marks(shares: list[float]) -> list[float]:
    """Positive grade shares adding up to 100% within Moodle's tolerance (qtype_multichoice
    rounds their sum to two decimals of a share before checking it is 1), scaled so that
    they add up to exactly 1; other shares unchanged. Moodle's ``33.33333`` × 3 gives 1/3 × 3."""
    total = math.fsum(s for s in shares if s > 0)
    if round(total, 2) != 1 or total == 1:
        return shares
    return [moodle_share(s / total) if s > 0 else s for s in shares]


def choice_item(*, prompt: str, options: list[tuple[str, float]], single: bool, rationale: str,
                competency: str, feedback: list[str] | None = None) -> tuple[dict, list[str]]:
    """A single- or multiple-choice item from (text, grade share) options; returns notes too.

    A single-answer question may have several answers graded 100%: any of them is right
    (the key's ``also_right``). Shares are read as Moodle does (``moodle_share``,
    ``full_marks``). ``feedback``, one text per option, becomes the key's per-option feedback.
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
        right = [OPTION_IDS[i] for i, (_t, share) in enumerate(options) if abs(share - 1) < 1e-6]
        if not right:
            raise SkipQuestion(_("no answer is graded 100%, so there is no right answer"))
        if any(0 < share < 1 - 1e-6 for _t, share in options):
            notes.append(_("partial credit of the other answers was dropped (single choice scores 1 or 0)"))
        key: dict = {"answer": right[0]}
        if len(right) > 1:
            key["also_right"] = right[1:]
        item.update(type="single_choice", spec={"options": spec_options}, key=key)
    else:
        shares = full_marks([moodle_share(share) for _t, share in options])
        correct = [OPTION_IDS[i] for i, share in enumerate(shares) if share > 0]
        if not correct:
            raise SkipQuestion(_("no answer has a positive grade, so there is no right answer"))
        weights = {OPTION_IDS[i]: clean_number(share) for i, share in enumerate(shares) if share != 0}
        if round(math.fsum(w for w in weights.values() if w > 0), 2) < 1:
            raise SkipQuestion(_("the grades of the right answers add up to less than 100%"))
        key = {"correct": correct, "weights": weights}
        if _default_weights(weights, correct, len(options)):
            del key["weights"]  # what Vigil grades by without weights (and writes when it exports them)
        item.update(type="multiple_choice", spec={"options": spec_options}, key=key)
    texts = {OPTION_IDS[i]: text.strip() for i, text in enumerate(feedback or []) if text.strip()}
    if texts:
        item["key"]["feedback"] = texts
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


def category_titles(paths: list[list[str]]) -> tuple[list[str], str]:
    """The case title of each category path, and the path all of them share.

    A case is a leaf of Moodle's category tree, titled by its path below the part every
    category of the file shares (``Cardiology / Week 1`` and ``Neurology / Week 1`` stay
    two cases; a file whose categories all sit under ``Sepsis`` gives ``Week 1``, and
    ``Sepsis`` is the shared part, a name for the module they go into). A path that is
    all shared keeps its last part. ``[]`` (no category) gives "".
    """
    named = [p for p in paths if p]
    shared = 0
    if named:
        while all(len(p) > shared + 1 and p[shared] == named[0][shared] for p in named):
            shared += 1
    titles = [" / ".join(p[shared:]) if p else "" for p in paths]
    return titles, " / ".join(named[0][:shared]) if named else ""


def group_cases(groups: dict[str, list[tuple[str, dict]]], source_name: str, result: QuestionImport,
                texts: dict[str, list[tuple[str, str]]] | None = None) -> None:
    """One case per category, its items given unique slugs; records where each item came from.

    ``texts`` (category → (where, Markdown)) are the descriptions of a category: they become
    its case's vignette, in order, instead of the placeholder; a category with texts but no
    question makes no case, and its texts are reported as skipped.
    """
    texts = texts or {}
    case_slugs: set[str] = set()
    for category, lines in texts.items():
        if not groups.get(category):
            result.skipped.extend(Skipped(where, _("a description is imported as the text of its category's case, "
                                                   "and this category has no question to make a case"))
                                  for where, _line in lines)
    for category, entries in groups.items():
        if not entries:
            continue
        title = category or _("Questions imported from %(name)s") % {"name": source_name}
        vignette = "\n\n".join(text for _where, text in texts.get(category, []))
        case = {
            "slug": unique_slug(category or source_name, case_slugs, "imported"),
            "title": title[:200],
            "vignette": vignette or _("Questions imported from %(name)s. Replace this text with the case vignette, "
                                      "and add the AI output the questions are about.") % {"name": source_name},
            "artifacts": [],
            "items": [],
        }
        if vignette:
            result.case_texts[len(result.cases)] = [where for where, _line in texts[category]]
            result.notes.extend(Skipped(where, _("a description: imported as the vignette of the case %(title)s")
                                        % {"title": title[:200]}) for where, _line in texts[category])
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
        kind = element.get("format", "html")
        if kind in ("html", "moodle_auto_format"):
            return html_to_text(raw, lambda src, alt: self.image(src, alt, own), lambda href: self.link(href, own))[0]
        if kind == "plain_text":
            raw = markdown_escaped(raw)
        return _PLUGINFILE_REFERENCE.sub(lambda m: self.file(m.group(0), own)[1] or m.group(0), raw).strip()

    def link(self, href: str, own: list[ElementTree.Element]) -> str | None:
        """The target of a link: an embedded file imported as media, or a web address; None
        (the link's text stays) for anything else. A file that cannot be media (audio…) is
        reported with the reason."""
        if href.startswith(PLUGINFILE):
            return self.file(href, own)[1] or None
        return _web_link(href)

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


def _category(question: ElementTree.Element) -> tuple[str, ...]:
    """The names of a category question's path (below ``$course$/top``)."""
    parts = (html.unescape(p).strip() for p in category_parts(_text(question.find("category")).strip()))
    return tuple(p for p in parts if p)


def _moodle_question(question: ElementTree.Element, qtype: str, competency: str,
                     media: _QuestionMedia) -> tuple[dict, list[str]]:
    prompt = media.text(question.find("questiontext"))
    notes = []
    if not prompt:
        raise SkipQuestion(_("the question text is empty"))
    rationale = media.text(question.find("generalfeedback"))
    answers = question.findall("answer")
    if qtype in ("multichoice", "truefalse"):
        options, feedback = [], []
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
            feedback.append(media.text(answer.find("feedback")))
        single = qtype == "truefalse" or _text(question, "single").strip().lower() in ("true", "1", "")
        item, more = choice_item(prompt=prompt, options=options, single=single, rationale=rationale,
                                 competency=competency, feedback=feedback)
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
        return _numerical(question, prompt, rationale, competency, media)
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


def _numerical(question: ElementTree.Element, prompt: str, rationale: str, competency: str,
               media: _QuestionMedia) -> tuple[dict, list[str]]:
    """A ``numeric`` item: the first answer graded 100% is the key's value, with its
    ``<tolerance>`` and feedback; every other answer that counts (partial credit, or a
    wrong value or ``*`` with feedback) is one of the key's ``answers``, in order. An answer
    graded 0% says what is wrong, never what is right. The unit of multiplier 1 is shown
    with the answer box; other units are dropped (the trainee types a number in that unit)."""
    notes: list[str] = []
    entries = []
    unreadable_right = ""
    for answer in question.findall("answer"):
        share = number(answer.get("fraction", "0"))
        if share is None:
            raise SkipQuestion(_("an answer has a grade that is not a number"))
        raw = _text(answer).strip()
        value = None if raw == "*" else number(raw)
        if raw != "*" and value is None:
            unreadable_right = unreadable_right or (raw or "—") * (share == 100)
            notes.append(_("the answer %(value)s is not a number and was dropped") % {"value": raw or "—"})
            continue
        if share < 0:
            notes.append(_("a negative grade of an answer was made 0% (numerical grades are 0 to 100%)"))
            share = 0.0
        written = _text(answer, "tolerance").strip()
        tolerance = number(written or None)
        if written and tolerance is None:
            raise SkipQuestion(_("the tolerance %(value)s of the answer %(answer)s is not a number")
                               % {"value": written, "answer": raw})
        entries.append((value, min(moodle_share(share / 100), 1.0), tolerance, media.text(answer.find("feedback"))))
    right = next((e for e in entries if e[0] is not None and e[1] == 1), None)
    if right is None and unreadable_right:
        raise SkipQuestion(_("the right answer %(value)s is not a number") % {"value": unreadable_right})
    if right is None:
        raise SkipQuestion(_("no answer is graded 100%, so there is no right answer"))
    value, _share, tolerance, feedback = right
    key: dict = {"value": clean_number(value)}
    if tolerance:
        key["tolerance_abs"] = clean_number(abs(tolerance))
    if feedback:
        key["feedback"] = feedback
    others = []
    for entry in entries:
        other_value, share, other_tolerance, other_feedback = entry
        if entry is right or (share == 0 and not other_feedback):
            continue  # a wrong answer without feedback scores 0 as any unlisted number does
        other: dict = {}
        if other_value is not None:
            other["value"] = clean_number(other_value)
            if other_tolerance:
                other["tolerance_abs"] = clean_number(abs(other_tolerance))
        other["fraction"] = clean_number(share)
        if other_feedback:
            other["feedback"] = other_feedback
        others.append(other)
    if others:
        key["answers"] = others
    item = {"type": "numeric", "prompt": prompt, "competencies": [competency], "failure_modes": [], "key": key}
    units = [(_text(unit, "unit_name").strip(), number(_text(unit, "multiplier"))) for unit in question.findall("units/unit")]
    base = next((name for name, multiplier in units if name and multiplier == 1), "")
    if base:
        item["spec"] = {"unit": base}
    dropped = [f"{name} (× {_text_number(multiplier)})" for name, multiplier in units if name and name != base]
    if dropped:
        notes.append(_("the units %(units)s were dropped: the answer is a number in %(unit)s") % {
            "units": ", ".join(dropped), "unit": base or _("the question's unit")})
    if rationale:
        item["rationale"] = rationale
    return item, notes


def _text_number(value: float | None) -> str:
    return "—" if value is None else str(clean_number(value))


def _question_extras(question: ElementTree.Element, item: dict, media: _QuestionMedia) -> list[str]:
    """What every Moodle question may carry beside its type's fields: hints (kept, shown after
    grading), tags (kept as tags), its ID number (kept), and the penalty for further tries
    (dropped: Vigil grades one try). Returns the notes."""
    notes = []
    hints = [text for text in (media.text(hint) for hint in question.findall("hint")) if text]
    if hints:
        item["hints"] = hints
    _taxonomy_tags(question, item)
    tags = []
    for tag in question.findall("tags/tag"):
        text = " ".join(_text(tag).split())
        if text and not text.startswith(("competency-", "failure-mode-")) and text not in tags:
            tags.append(text[:100])
    if tags:
        item["tags"] = list(dict.fromkeys(tags))
    idnumber = _text(question, "idnumber").strip()
    if idnumber:
        if len(idnumber) > 100:
            notes.append(_("the ID number was cut to its first 100 characters"))
        item["idnumber"] = idnumber[:100]
    penalty = number(_text(question, "penalty") or None)
    if penalty and penalty > 0 and question.get("type") not in ("essay", "description"):
        notes.append(_("the penalty of %(percent)s%% for each further try was dropped (Vigil grades one try)")
                     % {"percent": clean_number(round(penalty * 100, 2))})
    return notes


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
    groups: dict[tuple[str, ...], list[tuple[str, dict]]] = {}
    texts: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    clozes = []  # multianswer questions: a case each (courses.packages.cloze_items)
    category: tuple[str, ...] = ()
    for index, question in enumerate(root.findall("question"), start=1):
        qtype = question.get("type", "")
        if qtype == "category":
            category = _category(question)
            continue
        name = _text(question.find("name")).strip()
        where = _("question %(number)s (%(name)s)") % {"number": index, "name": name or "—"}
        if qtype == "description":
            _description(question, where, files, result, texts.setdefault(category, []))
            continue
        if qtype not in SUPPORTED:
            result.skipped.append(Skipped(where, _("questions of type %(type)s are not supported (supported: "
                                                  "multichoice, truefalse, numerical, essay, shortanswer, match, "
                                                  "description)") % {"type": qtype or "—"}))
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
            notes = notes + _question_extras(question, item, media)
        except SkipQuestion as exc:
            refused = "; ".join(f"{line.name}: {line.reason}" for line in media.lines if line.reason)
            result.skipped.append(Skipped(where, f"{exc} ({refused})" if refused else str(exc)))
            continue
        item["name"] = name
        result.notes.extend(Skipped(where, note) for note in notes)
        result.media.extend(media.report())
        groups.setdefault(category, []).append((where, item))
    paths = list(dict.fromkeys([*groups, *texts]))
    titles, result.category_prefix = category_titles([list(p) for p in paths])
    title_of = dict(zip(paths, titles))
    group_cases({title_of[p]: entries for p, entries in groups.items()}, source_name, result,
                texts={title_of[p]: lines for p, lines in texts.items()})
    if clozes:
        from .cloze_items import cloze_cases_add

        cloze_cases_add(result, clozes)
    result.files = files.files
    return result


def _description(question: ElementTree.Element, where: str, files: _Files, result: QuestionImport,
                 texts: list[tuple[str, str]]) -> None:
    """A ``description`` (text with no answer) becomes part of its category's case vignette:
    Moodle shows it before the questions that follow, which is what a vignette is for."""
    media = _QuestionMedia(question, where, files)
    text = media.text(question.find("questiontext"))
    if not text:
        result.skipped.append(Skipped(where, _("the description is empty")))
        return
    texts.append((where, text))
    result.media.extend(media.report())
