"""Display helpers shared by the units' presenters and the trainee pages: sanitised Markdown,
option labels, quotes of an AI text, failure-mode names (numbers are written by
``progress.charts``' ``percent`` and ``decimal``, as on every page).

They live here, below ``quizzes.views``, so that the units can use them and the pages can
use the units without the two packages importing each other.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from courses.rendering import render_markdown, render_markdown_inline
from courses.taxonomy import FAILURE_MODES
from progress.charts import short_label

# ---------------------------------------------------------------- Markdown


@functools.lru_cache(maxsize=4096)
def _rendered(text: str, media: tuple[tuple[str, str], ...], inline: bool = False) -> str:
    return (render_markdown_inline if inline else render_markdown)(text, dict(media))


def _media_key(media: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((media or {}).items()))


def markdown_html(text: str, media: Mapping[str, str] | None = None) -> SafeString:
    """Authored Markdown as HTML, sanitised by courses.rendering (nh3), safe to insert;
    ``media`` maps the version's media paths to their URLs, for the images a text shows.

    Rendering is pure (same text and media, same HTML) and costs about a millisecond, and
    published content never changes, so the results are kept (per process, bounded)."""
    return mark_safe(_rendered(text or "", _media_key(media)))  # noqa: S308 - sanitised


def option_html(text: str, media: Mapping[str, str] | None = None) -> SafeString:
    """An option's Markdown inside its label (no paragraph around it), as the studio's
    preview shows it: emphasis, a formula's symbols, an image of the version."""
    return mark_safe(_rendered(text, _media_key(media), inline=True))  # noqa: S308 - sanitised


def option_labels(spec: dict, media: Mapping[str, str] | None = None) -> dict[str, SafeString]:
    """Each option's label as HTML (its Markdown, as in the question), by option id."""
    return {o["id"]: option_html(str(o.get("text", "")), media)
            for o in spec.get("options") or [] if isinstance(o, dict) and "id" in o}


_LETTER_ID = re.compile(r"[a-z]{1,2}")


def position_letter(index: int) -> str:
    """0 → a, 25 → z, 26 → aa, 27 → ab… (as spreadsheet columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def option_letters(options: list) -> list[str]:
    """The letter shown before each option of a choice item, in order: its id when every id
    of the item is a distinct letter or two (a, b, c…, what rationales name them by, in
    every language), else its position (a, b, c…, then aa, ab…)."""
    ids = [str(o.get("id", "")) if isinstance(o, dict) else "" for o in options]
    if len(set(ids)) == len(ids) and all(_LETTER_ID.fullmatch(i) for i in ids):
        return ids
    return [position_letter(i) for i in range(len(ids))]


def lettered(letter: str, label) -> SafeString:
    """An option's label after its letter, as the question shows it: "<b>c</b> Search PubMed"."""
    return format_html('<b class="option-letter">{}</b> {}', letter, label)


def lettered_labels(spec: dict, labels: Mapping[str, SafeString]) -> dict[str, SafeString]:
    """``option_labels`` with each label after its letter (choice items)."""
    options = [o for o in spec.get("options") or [] if isinstance(o, dict) and "id" in o]
    letters = {o["id"]: letter for o, letter in zip(options, option_letters(options))}
    return {oid: lettered(letters[oid], label) if oid in letters else label for oid, label in labels.items()}


def lettered_texts(spec: dict) -> dict[str, str]:
    """Each option's text after its letter, as plain text ("c. Search PubMed"), by option id."""
    options = [o for o in spec.get("options") or [] if isinstance(o, dict) and "id" in o]
    return {o["id"]: f"{letter}. {o.get('text', '')}" for o, letter in zip(options, option_letters(options))}


def html_list(values: Iterable) -> SafeString:
    return mark_safe(", ".join(conditional_escape(v) for v in values))  # noqa: S308 - each part escaped


# ---------------------------------------------------------------- AI texts


def quote(text: str, start, end) -> str:
    """The passage ``start:end`` of an AI text, cut to 240 characters."""
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        return _("(a passage outside the text)")
    passage = text[start:end]
    return passage if len(passage) <= 240 else passage[:239] + "…"


def highlighted(text: str, key_spans: list[dict], own_spans: list[dict]) -> SafeString:
    """The AI text with the key's spans and the trainee's spans marked (classes k and t)."""
    cuts = {0, len(text)}
    for s in key_spans + own_spans:
        cuts.update((max(0, min(len(text), s["start"])), max(0, min(len(text), s["end"]))))
    edges = sorted(cuts)
    out = []
    for a, b in zip(edges, edges[1:]):
        piece = escape(text[a:b])
        in_key = any(s["start"] < b and a < s["end"] for s in key_spans)
        in_own = any(s["start"] < b and a < s["end"] for s in own_spans)
        classes = " ".join(c for c, on in (("k", in_key), ("t", in_own)) if on)
        out.append(f'<mark class="{classes}">{piece}</mark>' if classes else piece)
    return mark_safe("".join(out))  # noqa: S308 - text escaped above


# ---------------------------------------------------------------- failure modes


def failure_mode_name(code: str | None) -> str:
    if not code:
        return ""
    name = FAILURE_MODES.get(code)
    return _(name) if name else code


def failure_mode_short(code: str | None) -> str:
    """The failure mode's name without its parenthesis (for tables on a phone)."""
    return short_label(failure_mode_name(code), 80)


def failure_mode_choices() -> list[tuple[str, str]]:
    return [(code, _(name)) for code, name in FAILURE_MODES.items()]
