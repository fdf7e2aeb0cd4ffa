"""Agreement between two sets of marks of the same answers: Cohen's kappa and exact agreement.

Pure (no Django), like the graders beside it: the grading queue compares two faculty raters
with it, and ``manage.py suggestion_agreement`` compares the automatic free-text suggestion
with the marks faculty confirmed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's (unweighted) kappa of paired ratings, categories compared for equality:
    (p_o - p_e) / (1 - p_e), where p_o is the share of pairs that agree and p_e the agreement
    expected by chance from each rater's own category shares. None when undefined: no pair,
    or both raters always used one and the same category (p_e = 1)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _b in pairs), Counter(b for _a, b in pairs)
    expected = sum(first[c] * second[c] for c in set(first) | set(second)) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def exact_agreement(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """The share of pairs whose two ratings are equal; None without a pair."""
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else None
