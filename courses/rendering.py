"""Markdown authored by faculty, rendered to HTML and sanitised (nh3) before display.

Images: ``![alt](media/scan.png)`` shows a media file of the version when the caller
gives the version's media (package path → URL); any other image is shown as its text
alternative, and an image on another site as a link to it. Nothing is ever loaded from
another site, and an ``<img>`` written as raw HTML keeps only a ``src`` that is one of
the version's media URLs.

Bounded work. Python-Markdown is quadratic on some inputs: its link patterns scan from each
``[`` to the end of the paragraph looking for the matching ``]`` (20 KB of ``[`` took 57 s),
every inline match rebuilds the paragraph's text (20,000 ``*a*`` in one paragraph), a line
of 10,000 ``>`` nests 10,000 block quotes, each re-splitting the rest of the text, the
table extension re-splits a whole block for every list item, and the raw-HTML block parser
(the standard library's) rescans to the end for every unclosed tag. So, for every text:

- link and image patterns find the closing bracket with a depth limit (``MAX_NESTING``), and
  all their scanning in one text is charged to a budget proportional to its length;
- every inline match is charged the length of the text it rebuilds, against a second such
  budget; once a budget is spent, the rest of the text stays literal (escaped) text;
- the number of elements (blocks and inline matches) is bounded by a third: a text denser
  in elements than any lesson (``_ELEMENTS_PER_CHAR``) is shown as plain, escaped text;
- a line opens at most ``MAX_NESTING`` block quotes or lists, further markers are escaped;
- a block (lines between blank lines) of more than ``MAX_BLOCK_LINES`` lines is cut by a
  blank line (a table excepted), since headings, rules and code consume a block a line at a
  time, each time re-splitting the rest of it;
- tables are recognised from a block's first two lines only; raw HTML is left to the inline
  pattern (a tag at a time) and the sanitiser.

Rendering is then linear in the text's length (``bench/markdown.py`` measures it), and
authored texts are also limited to ``MAX_MARKDOWN_CHARS`` where they are written.
"""
import html
import re
from collections.abc import Mapping
from xml.etree import ElementTree

import markdown
import nh3
from django.utils.translation import gettext as _
from markdown.extensions import Extension
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.inlinepatterns import InlineProcessor, LinkInlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

# The longest Markdown text an author may write (a lesson body, a vignette…); the demo's
# longest is about 3 KB.
MAX_MARKDOWN_CHARS = 100_000
MAX_NESTING = 16  # brackets in a link text, block quotes and lists opened on one line
MAX_BLOCK_LINES = 200  # lines of a block (lines between blank lines) parsed as one
# Work allowed per character of the text (plus a fixed allowance for short texts): scanned
# characters for the link patterns, rebuilt characters (and a unit per match) for inline matches.
_SCAN_PER_CHAR, _SCAN_FIXED = 2, 20_000
_REBUILD_PER_CHAR, _REBUILD_FIXED, _MATCH_COST = 60, 2_000_000, 500
# Elements (blocks and inline matches) per character: the demo course has one per 144
# characters; beyond one per 40 (plus a fixed allowance), the text is shown as plain text.
_ELEMENTS_PER_CHAR, _ELEMENTS_FIXED = 1 / 40, 1_500

_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a", "sup", "sub",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def markdown_length_problem(text) -> str | None:
    """Why an authored text is too long to be accepted (a clause after its path), or None."""
    if isinstance(text, str) and len(text) > MAX_MARKDOWN_CHARS:
        return _("is %(size)s characters long; at most %(max)s are accepted") % {
            "size": len(text), "max": MAX_MARKDOWN_CHARS,
        }
    return None


class _Images(Treeprocessor):
    def __init__(self, md, media: Mapping[str, str]):
        super().__init__(md)
        self.media = media

    def run(self, root: ElementTree.Element) -> None:
        for image in root.iter("img"):
            src, alt = image.get("src", ""), image.get("alt", "")
            url = self.media.get(src)
            title = image.get("title")
            image.attrib.clear()
            if url:
                image.set("src", url)
                image.set("alt", alt)
            elif src.startswith(("https://", "http://")):
                image.tag, image.text = "a", alt or src
                image.set("href", src)
            else:
                image.tag, image.text = "span", alt  # the sanitiser drops the tag, keeps the text
            if title:
                image.set("title", title)


class _ImagesExtension(Extension):
    def __init__(self, media: Mapping[str, str]):
        super().__init__()
        self.media = media

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_Images(md, self.media), "vigil_images", 15)  # after "inline" (20)


class _Budget:
    """What one rendering may still spend on link scanning, inline matches and elements."""

    def __init__(self, length: int):
        self.scan = _SCAN_PER_CHAR * length + _SCAN_FIXED
        self.rebuild = _REBUILD_PER_CHAR * length + _REBUILD_FIXED
        self.elements = int(_ELEMENTS_PER_CHAR * length) + _ELEMENTS_FIXED
        self.length = length


class _TooDense(Exception):
    """More elements than the budget allows: the text is rendered as plain text."""


def _plain(text: str) -> str:
    """The text as escaped paragraphs, without Markdown (linear, for texts beyond the limits)."""
    return "".join(f"<p>{html.escape(part.strip())}</p>\n" for part in re.split(r"\n[ \t]*\n", text) if part.strip())


def _bounded_text(budget: _Budget):
    """LinkInlineProcessor.getText with a depth limit, charged to the budget."""
    def get_text(data: str, index: int) -> tuple[str, int, bool]:
        if budget.scan <= 0:
            return "", index, False
        depth, start = 1, index
        for pos in range(index, len(data)):
            c = data[pos]
            if c == "]":
                depth -= 1
                if depth == 0:
                    budget.scan -= pos + 1 - start
                    return data[start:pos], pos + 1, True
            elif c == "[":
                depth += 1
                if depth > MAX_NESTING:
                    budget.scan -= pos + 1 - start
                    return "", pos + 1, False
        budget.scan -= len(data) - start
        return "", len(data), False
    return get_text


def _bounded_link(processor: LinkInlineProcessor, budget: _Budget):
    """LinkInlineProcessor.getLink, refused once the budget is spent, and charged with the
    characters it scanned."""
    get_link = processor.getLink

    def bounded(data: str, index: int):
        if budget.scan <= 0:
            return "", None, index, False
        href, title, pos, handled = get_link(data, index)
        budget.scan -= max(pos - index, 1)
        return href, title, pos, handled
    return bounded


def _charged(processor: InlineProcessor, budget: _Budget):
    """``processor.handleMatch`` refused once the rebuild budget is spent; a match costs the
    length of the text it is found in (Python-Markdown rebuilds that text around it)."""
    handle = processor.handleMatch

    def handle_match(m, data):
        if budget.rebuild <= 0 or budget.elements <= 0:
            return None, None, None
        node, start, end = handle(m, data)
        if start is not None:
            budget.rebuild -= len(data) + _MATCH_COST
            budget.elements -= 1
        return node, start, end
    return handle_match


class _Nesting(Preprocessor):
    """A line opens at most MAX_NESTING block quotes or list items: the next marker is
    escaped, so the rest of the line is text."""

    MARKER = r"[ \t]{0,3}(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]?"
    DEEP = re.compile(r"^(?>%s){%d}(?=%s)" % (MARKER, MAX_NESTING, MARKER))  # atomic: no backtracking

    def run(self, lines: list[str]) -> list[str]:
        return [self.escape(line) for line in lines]

    def escape(self, line: str) -> str:
        m = self.DEEP.match(line)
        if not m:
            return line
        pos = m.end()
        pos += len(line[pos:]) - len(line[pos:].lstrip(" \t"))
        marker = re.match(r"\d*", line[pos:]).end() + pos  # 12. → 12\.
        return line[:marker] + "\\" + line[marker:]


class _Blocks(Preprocessor):
    """A blank line after every MAX_BLOCK_LINES lines of one block, except in a table."""

    SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")

    def run(self, lines: list[str]) -> list[str]:
        out, run_start = [], 0
        for line in lines:
            if not line.strip():
                run_start = len(out) + 1
            elif len(out) - run_start >= MAX_BLOCK_LINES and not self.table(out[run_start:run_start + 2]):
                out.append("")
                run_start = len(out) + 1
            out.append(line)
        return out

    def table(self, head: list[str]) -> bool:
        return len(head) == 2 and "|" in head[0] and bool(self.SEPARATOR.match(head[1])) and (
            head[0].strip().strip("|").count("|") == head[1].strip().strip("|").count("|"))


class _Tables(TableProcessor):
    """The tables extension, deciding from a block's first two lines (its test splits the
    whole block, once per list item when the block is a long list)."""

    def test(self, parent, block: str) -> bool:
        head = block.split("\n", 2)
        if len(head) == 3 and not (head[0].strip(" ").startswith("|") or head[0].rstrip(" ").endswith("|")):
            block = "\n".join(head[:2])  # only a one-column table with borders reads further rows
        return super().test(parent, block)


def _counted(processor, budget: _Budget):
    """A block processor's ``run``, each call charged as an element; past the budget the
    text is too dense to be rendered as Markdown."""
    run = processor.run

    def counted(parent, blocks):
        budget.elements -= 1
        if budget.elements < 0:
            raise _TooDense
        return run(parent, blocks)
    return counted


class _Elements(Treeprocessor):
    """After the blocks are parsed: the elements they made are charged to the budget."""

    def __init__(self, md, budget: _Budget):
        super().__init__(md)
        self.budget = budget

    def run(self, root: ElementTree.Element) -> None:
        self.budget.elements = int(_ELEMENTS_PER_CHAR * self.budget.length) + _ELEMENTS_FIXED - sum(1 for _ in root.iter())
        if self.budget.elements < 0:
            raise _TooDense


class _Bounded(Extension):
    def __init__(self, budget: _Budget):
        super().__init__()
        self.budget = budget

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        md.preprocessors.deregister("html_block")
        md.preprocessors.register(_Nesting(md), "vigil_nesting", 35)
        md.preprocessors.register(_Blocks(md), "vigil_blocks", 34)
        md.parser.blockprocessors.register(
            _Tables(md.parser, TableExtension().getConfigs()), "table", 75,
        )
        for processor in md.parser.blockprocessors:
            processor.run = _counted(processor, self.budget)
        md.treeprocessors.register(_Elements(md, self.budget), "vigil_elements", 30)  # before "inline" (20)
        for processor in md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor):
                processor.getText = _bounded_text(self.budget)
                processor.getLink = _bounded_link(processor, self.budget)
            if isinstance(processor, InlineProcessor):
                processor.handleMatch = _charged(processor, self.budget)


def render_markdown(text: str, media: Mapping[str, str] | None = None) -> str:
    """HTML safe to insert in a page: scripts, handlers and unknown tags are removed.

    ``media`` maps the package paths of the version's media files to their URLs.
    """
    media = media or {}
    text = text or ""
    try:
        html_text = markdown.markdown(
            text, extensions=["sane_lists", _ImagesExtension(media), _Bounded(_Budget(len(text)))],
            output_format="html",
        )
    except (_TooDense, RecursionError):  # beyond the limits above: the text as it is
        html_text = _plain(text)
    urls = set(media.values())
    return nh3.clean(
        html_text, tags=_TAGS | {"img"} if urls else _TAGS,
        attributes={**_ATTRIBUTES, "img": {"alt", "title"}},
        tag_attribute_values={"img": {"src": urls}} if urls else None,
        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer",
    )


def render_markdown_inline(text: str, media: Mapping[str, str] | None = None) -> str:
    """``render_markdown`` of a short text (an option) without its paragraph, to sit inside
    a label."""
    html = render_markdown(text, media)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
