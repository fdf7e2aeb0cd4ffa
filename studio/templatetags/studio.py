"""Template filters of the authoring studio: errors by path, Markdown, figures."""
import json

from django import template
from django.utils.safestring import mark_safe

from courses.rendering import render_markdown, render_markdown_inline

register = template.Library()


@register.filter
def at(errors, path):
    """The messages reported exactly at ``path``."""
    return (errors or {}).get(path, []) if isinstance(errors, dict) else []


@register.filter
def get(mapping, key):
    if isinstance(mapping, dict):
        return mapping.get(key, mapping.get(str(key)))
    return None


@register.filter
def markdown(text, media=None):
    """Authored Markdown as sanitised HTML; ``media`` (path → URL) shows the version's images."""
    return mark_safe(render_markdown(text or "", media))  # noqa: S308 - sanitised by nh3


@register.filter
def markdown_inline(text, media=None):
    """A short Markdown text (an option) without its paragraph, to sit inside a label."""
    return mark_safe(render_markdown_inline(text or "", media))  # noqa: S308 - sanitised by nh3


@register.filter
def percent(value, digits=0):
    if value is None:
        return "—"
    return f"{100 * value:.{int(digits)}f}%"


@register.filter
def number(value, digits=2):
    if value is None:
        return "—"
    if isinstance(value, (int, float)):
        return f"{value:.{int(digits)}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return value


@register.filter
def signed(value, digits=3):
    if value is None:
        return "—"
    return f"{value:+.{int(digits)}f}"


@register.filter
def as_json(value):
    """A value as indented JSON (keys, specs, contents in the diff and the key-fix pages)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)


@register.filter
def within(errors, prefix):
    """The messages at ``prefix`` or inside it, each preceded by its place relative to it."""
    out = []
    for path, messages in (errors or {}).items():
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            place = path[len(prefix):].lstrip(".")
            out.extend(f"{place}: {m}" if place else m for m in messages)
    return out


@register.filter
def entries(mapping):
    """``mapping.items()`` (a dict whose keys include "items" would shadow ``.items`` in templates)."""
    return list(mapping.items()) if isinstance(mapping, dict) else []
