"""Formatting of measures in cohort templates: undefined (None) is always "—", never 0."""
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from progress.charts import dash as dash_text
from progress.charts import decimal, percent

register = template.Library()


@register.filter
def pct(value, decimals=0):
    """0.741 → "74%"; None (or a missing value) → "—"."""
    return percent(value if isinstance(value, (int, float)) else None, int(decimals))


@register.filter
def num(value, decimals=2):
    """A number with the given decimals, localised; None (or a missing value) → "—"."""
    return decimal(value if isinstance(value, (int, float)) else None, int(decimals))


def _nowrap(text: str) -> str:
    return f'<span class="nw">{escape(text)}</span>'


def _evidence_html(count: str, low: str | None, high: str | None) -> str:
    """The same words as ``progress.charts.evidence``, in three unbreakable pieces (the count,
    "95% CI" and the range), so a narrow column wraps between them, never inside one."""
    if low is None:
        return mark_safe(_nowrap(count))
    text = _("%(count)s; 95%% CI %(low)s–%(high)s") % {"count": "\x00", "low": "\x01", "high": "\x02"}
    head, _sep, rest = text.partition("\x00")
    middle, _sep, tail = rest.partition("\x01")
    # middle is "; 95% CI " (French " ; IC à 95 % "): its punctuation, then the label.
    match = re.match(r"^(\s*[;,:]?)\s*(.*?)\s*$", middle)
    punct, label = (match.group(1), match.group(2)) if match else ("", middle.strip())
    range_text = f"{low}{tail.replace(chr(2), high)}"
    return mark_safe(f"{escape(head)}{_nowrap(count + punct)} {_nowrap(label)} {_nowrap(range_text)}")


@register.filter
def ci(value):
    """A proportion's evidence (progress.measures.proportion): "4 of 10; 95% CI 17–69%"."""
    if not isinstance(value, dict) or not value:
        return dash_text()
    count = _("%(k)s of %(n)s") % {"k": value["k"], "n": value["n"]}
    if value.get("low") is None:
        return _evidence_html(count, None, None)
    return _evidence_html(count, percent(value["low"]).rstrip("%"), percent(value["high"]))


@register.filter
def mean_ci(value, decimals=3):
    """A mean's evidence (the Brier score): "n = 12; 95% CI 0.081–0.260"."""
    if not isinstance(value, dict) or not value.get("n"):
        return dash_text()
    count = _("n = %(n)s") % {"n": value["n"]}
    if value.get("low") is None:
        return _evidence_html(count, None, None)
    return _evidence_html(count, decimal(value["low"], int(decimals)), decimal(value["high"], int(decimals)))


@register.filter
def score_ci(value):
    """A mean score's evidence, in percent: "n = 12; 95% CI 41–78%"."""
    if not isinstance(value, dict) or not value.get("n"):
        return dash_text()
    count = _("n = %(n)s") % {"n": value["n"]}
    if value.get("low") is None:
        return _evidence_html(count, None, None)
    return _evidence_html(count, percent(value["low"]).rstrip("%"), percent(value["high"]))


@register.filter
def dash(value):
    """The value, or "—" when it is None or empty."""
    return "—" if value is None or value == "" else value


@register.filter
def get(mapping, key):
    """mapping[key] in a template (None when absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def index(sequence, i):
    """sequence[i] in a template (None when out of range)."""
    try:
        return sequence[int(i)]
    except (IndexError, TypeError, ValueError):
        return None
