"""Formatting of measures in cohort templates: undefined (None) is always "—", never 0."""
from django import template

from progress.charts import decimal, evidence, mean_evidence, percent

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
def ci(value):
    """A proportion's evidence (progress.measures.proportion): "4 of 10; 95% CI 17–69%"."""
    return evidence(value if isinstance(value, dict) else None)


@register.filter
def mean_ci(value):
    """A mean's evidence (the Brier score): "n = 12; 95% CI 0.081–0.260"."""
    return mean_evidence(value if isinstance(value, dict) else None)


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
