"""Markdown authored by faculty, rendered to HTML and sanitised (nh3) before display.

Images: ``![alt](media/scan.png)`` shows a media file of the version when the caller
gives the version's media (package path → URL); any other image is shown as its text
alternative, and an image on another site as a link to it. Nothing is ever loaded from
another site, and an ``<img>`` written as raw HTML keeps only a ``src`` that is one of
the version's media URLs.
"""
from collections.abc import Mapping
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a", "sup", "sub",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


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


def render_markdown(text: str, media: Mapping[str, str] | None = None) -> str:
    """HTML safe to insert in a page: scripts, handlers and unknown tags are removed.

    ``media`` maps the package paths of the version's media files to their URLs.
    """
    media = media or {}
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", _ImagesExtension(media)],
                             output_format="html")
    urls = set(media.values())
    return nh3.clean(
        html, tags=_TAGS | {"img"} if urls else _TAGS,
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
