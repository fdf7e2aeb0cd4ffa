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
"""
from collections.abc import Mapping
from statistics import NormalDist

from .contributions import CALIBRATION_BINS

_Z = NormalDist()


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


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
        "calibration": [
            {
                "bin": b,
                "from": b * 100 // CALIBRATION_BINS,
                "to": (b + 1) * 100 // CALIBRATION_BINS,
                "n": int(g(f"cal.{b}.n")),
                "mean_confidence": ratio(g(f"cal.{b}.conf"), g(f"cal.{b}.n")),
                "accuracy": ratio(g(f"cal.{b}.correct"), g(f"cal.{b}.n")),
            }
            for b in range(CALIBRATION_BINS)
        ],
    }


def detection_measures(c: Mapping[str, float]) -> dict:
    g = lambda name: c.get(name, 0)  # noqa: E731
    return {
        "recall_by_failure_mode": {
            code: {"keys": int(g(f"fm.{code}.keys")), "found": int(g(f"fm.{code}.found")),
                   "recall": ratio(g(f"fm.{code}.found"), g(f"fm.{code}.keys"))}
            for code in _codes(c, "fm.", ".keys")
        },
        "d_prime": d_prime(
            hits=g("sent.hits"), signal=g("sent.signal"), false_alarms=g("sent.fa"), noise=g("sent.noise"),
        ),
    }


def all_measures(c: Mapping[str, float]) -> dict:
    """Every measure a trainee or cohort view shows, from one dict of summed counters."""
    g = lambda name: c.get(name, 0)  # noqa: E731
    return {
        "items_graded": int(g("items.n")),
        "mean_score": ratio(g("items.score"), g("items.n")),
        "cbm": {"n": int(g("cbm.n")), "total": g("cbm.sum"), "mean": ratio(g("cbm.sum"), g("cbm.n"))},
        "mastery_by_competency": {
            code: {"n": int(g(f"comp.{code}.n")), "mastery": ratio(g(f"comp.{code}.score"), g(f"comp.{code}.n"))}
            for code in _codes(c, "comp.", ".n")
        },
        "reliance": reliance_measures(c),
        "detection": detection_measures(c),
    }
