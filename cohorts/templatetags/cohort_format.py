"""Formatting of measures in cohort templates: undefined (None) is always "—", never 0."""
from django import template

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
