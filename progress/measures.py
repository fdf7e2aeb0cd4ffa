"""The reliance and calibration measures of docs/measures.md, from summed counters (pure).

Counter names (sums over graded responses):
- ``items.n``/``items.score``; ``comp.<C>.n``/``comp.<C>.score`` per competency;
- ``rel.R.*`` (AI right) and ``rel.W.*`` (AI wrong): ``n``, ``accepted``, ``correct``;
- ``sw.<initial>.<final>`` with right/wrong, ``rair.num``/``rair.den``, ``rsr.num``/``rsr.den``
  for decide-first items;
- ``conf.n``/``conf.brier`` and ``cal.<bin>.n``/``.conf``/``.correct`` for confidence;
- ``cbm.n``/``cbm.sum`` for certainty-based marking;
- ``fm.<M>.keys``/``fm.<M>.found`` and ``sent.signal``/``noise``/``hits``/``fa`` for error
  detection.
A measure over an empty set is None (shown "—"), never 0.

Every proportion also comes as its evidence, a ``proportion(k, n)`` dict with the count and
the 95% Wilson score interval (``wilson``); the Brier score carries a normal-approximation
interval (``mean_interval``), a mean score (partial credit allowed) the Wilson interval of
its sum (``mean_of``) and d′ the highest value reachable on that many sentences (``d_prime_max``),
so advice never asks for more than the texts allow.
"""
import math
from collections.abc import Mapping
from statistics import NormalDist

from .contributions import CALIBRATION_BINS

_Z = NormalDist()


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


Z95 = 1.96


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of k successes out of n (Wilson 1927); None when n is 0.

    centre = (p + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²).
    """
    if not n:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0))
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    # At 0 or n successes the bound is exactly 0 or 1; rounding must not move it inside.
    return (0.0 if k <= 0 else low), (1.0 if k >= n else high)


def proportion(k: float, n: float) -> dict:
    """A proportion with its evidence: {"k", "n", "value", "low", "high"} (None when n is 0)."""
    interval = wilson(k, n)
    return {
        "k": round(k), "n": round(n), "value": ratio(k, n),
        "low": interval[0] if interval else None, "high": interval[1] if interval else None,
    }


def mean_interval(*, mean: float | None, n: float, z: float = Z95) -> tuple[float, float] | None:
    """A conservative normal-approximation 95% interval of the mean of n values in [0, 1]:
    mean ± z·√(m(1−m)/n), m(1−m) being the largest variance such values can have with that
    mean (only the sum is kept, not the sum of squares); None when n < 2. Bounded to [0, 1]."""
    if mean is None or n < 2:
        return None
    half = z * math.sqrt(max(mean * (1 - mean), 0.0) / n)
    return max(0.0, mean - half), min(1.0, mean + half)


def d_prime_max(*, signal: float, noise: float) -> float | None:
    """The highest d′ reachable with the log-linear correction on this many signal and noise
    sentences: every error found, no false alarm, i.e. z((S+0.5)/(S+1)) − z(0.5/(N+1))."""
    if not signal or not noise:
        return None
    return _Z.inv_cdf((signal + 0.5) / (signal + 1)) - _Z.inv_cdf(0.5 / (noise + 1))


def d_prime_band(value: float | None, maximum: float | None) -> str | None:
    """"good", "fair" or "chance" for d′ relative to what the texts allow: good from 2, or from
    80% of the maximum when 2 cannot be reached; fair from 1 (or 40% of the maximum)."""
    if value is None or maximum is None:
        return None
    good = min(2.0, 0.8 * maximum)
    fair = min(1.0, 0.4 * maximum)
    if value >= good:
        return "good"
    if value >= fair:
        return "fair"
    return "chance"


def d_prime(*, hits: float, signal: float, false_alarms: float, noise: float) -> float | None:
    """z(hit rate) − z(false-alarm rate), with the log-linear correction (+0.5/+1) so a
    perfect or empty rate stays finite (Hautus 1995)."""
    if not signal or not noise:
        return None
    hit_rate = (hits + 0.5) / (signal + 1)
    fa_rate = (false_alarms + 0.5) / (noise + 1)
    return _Z.inv_cdf(hit_rate) - _Z.inv_cdf(fa_rate)


def _codes(c: Mapping[str, float], prefix: str, suffix: str) -> list[str]:
    return sorted({k[len(prefix):-len(suffix)] for k in c if k.startswith(prefix) and k.endswith(suffix)})


def reliance_measures(c: Mapping[str, float]) -> dict:
    g = lambda name: c.get(name, 0)  # noqa: E731 - a local shorthand reads better here
    r_n, w_n = g("rel.R.n"), g("rel.W.n")
    r_acc, w_acc = g("rel.R.accepted"), g("rel.W.accepted")
    return {
        "decisions": int(r_n + w_n),
        "ai_right": int(r_n),
        "ai_wrong": int(w_n),
        "automation_bias_rate": ratio(w_acc, w_n),
        "aversion_rate": ratio(r_n - r_acc, r_n),
        "appropriate_reliance": ratio(r_acc + (w_n - w_acc), r_n + w_n),
        "accuracy_ai_right": ratio(g("rel.R.correct"), r_n),
        "accuracy_ai_wrong": ratio(g("rel.W.correct"), w_n),
        "switch_matrix": {
            "initial_right": {"final_right": int(g("sw.right.right")), "final_wrong": int(g("sw.right.wrong"))},
            "initial_wrong": {"final_right": int(g("sw.wrong.right")), "final_wrong": int(g("sw.wrong.wrong"))},
        },
        "rair": ratio(g("rair.num"), g("rair.den")),
        "rsr": ratio(g("rsr.num"), g("rsr.den")),
        "brier_score": ratio(g("conf.brier"), g("conf.n")),
        # The same proportions with their evidence: k of n and the 95% Wilson interval.
        "evidence": {
            "automation_bias": proportion(w_acc, w_n),
            "aversion": proportion(r_n - r_acc, r_n),
            "appropriate_reliance": proportion(r_acc + (w_n - w_acc), r_n + w_n),
            "accuracy_ai_right": proportion(g("rel.R.correct"), r_n),
            "accuracy_ai_wrong": proportion(g("rel.W.correct"), w_n),
            "rair": proportion(g("rair.num"), g("rair.den")),
            "rsr": proportion(g("rsr.num"), g("rsr.den")),
            "brier": _brier(c),
        },
        "calibration": [
            {
                "bin": b,
                "from": b * 100 // CALIBRATION_BINS,
                "to": (b + 1) * 100 // CALIBRATION_BINS,
                "n": int(g(f"cal.{b}.n")),
                "mean_confidence": ratio(g(f"cal.{b}.conf"), g(f"cal.{b}.n")),
                "accuracy": ratio(g(f"cal.{b}.correct"), g(f"cal.{b}.n")),
                "accuracy_evidence": proportion(g(f"cal.{b}.correct"), g(f"cal.{b}.n")),
            }
            for b in range(CALIBRATION_BINS)
        ],
    }


def mean_of(total: float, n: float) -> dict:
    """A mean score (values in [0, 1], partial credit allowed) with its 95% interval: the
    Wilson score interval of ``total`` out of ``n``, valid since such values vary at most
    as much as right-or-wrong ones with the same mean, and never zero-width at 0 or 100%."""
    value = ratio(total, n)
    interval = wilson(total, n)
    return {
        "n": round(n), "value": value,
        "low": interval[0] if interval else None, "high": interval[1] if interval else None,
        "method": "Wilson score interval, largest variance of values in [0, 1]",
    }


def _brier(c: Mapping[str, float]) -> dict:
    n = c.get("conf.n", 0)
    value = ratio(c.get("conf.brier", 0), n)
    interval = mean_interval(mean=value, n=n)
    return {
        "n": round(n), "value": value,
        "low": interval[0] if interval else None, "high": interval[1] if interval else None,
        "method": "normal approximation, largest variance of values in [0, 1]",
    }


def detection_measures(c: Mapping[str, float]) -> dict:
    g = lambda name: c.get(name, 0)  # noqa: E731
    return {
        "recall_by_failure_mode": {
            code: {"keys": int(g(f"fm.{code}.keys")), "found": int(g(f"fm.{code}.found")),
                   "recall": ratio(g(f"fm.{code}.found"), g(f"fm.{code}.keys")),
                   "evidence": proportion(g(f"fm.{code}.found"), g(f"fm.{code}.keys"))}
            for code in _codes(c, "fm.", ".keys")
        },
        "d_prime": d_prime(
            hits=g("sent.hits"), signal=g("sent.signal"), false_alarms=g("sent.fa"), noise=g("sent.noise"),
        ),
        "d_prime_evidence": _d_prime_evidence(c),
    }


def _d_prime_evidence(c: Mapping[str, float]) -> dict:
    g = lambda name: c.get(name, 0)  # noqa: E731
    value = d_prime(hits=g("sent.hits"), signal=g("sent.signal"), false_alarms=g("sent.fa"), noise=g("sent.noise"))
    maximum = d_prime_max(signal=g("sent.signal"), noise=g("sent.noise"))
    return {
        "value": value, "max": maximum, "band": d_prime_band(value, maximum),
        "method": "log-linear correction (Hautus 1995)",
        "hits": proportion(g("sent.hits"), g("sent.signal")),
        "false_alarms": proportion(g("sent.fa"), g("sent.noise")),
    }


def all_measures(c: Mapping[str, float]) -> dict:
    """Every measure a trainee or cohort view shows, from one dict of summed counters."""
    g = lambda name: c.get(name, 0)  # noqa: E731
    return {
        "items_graded": int(g("items.n")),
        "mean_score": ratio(g("items.score"), g("items.n")),
        # A score may be partial credit, so its interval is the conservative one of a mean.
        "mean_score_evidence": mean_of(g("items.score"), g("items.n")),
        "cbm": {"n": int(g("cbm.n")), "total": g("cbm.sum"), "mean": ratio(g("cbm.sum"), g("cbm.n"))},
        "mastery_by_competency": {
            code: {"n": int(g(f"comp.{code}.n")), "mastery": ratio(g(f"comp.{code}.score"), g(f"comp.{code}.n")),
                   "evidence": mean_of(g(f"comp.{code}.score"), g(f"comp.{code}.n"))}
            for code in _codes(c, "comp.", ".n")
        },
        "reliance": reliance_measures(c),
        "detection": detection_measures(c),
    }
