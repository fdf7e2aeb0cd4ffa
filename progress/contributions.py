"""What one grade adds to a trainee's measure counters (pure: no database, no clock).

A grade's contribution is kept on the Grade, so a regrade applies ``new - old`` and the
running sums stay exact without rereading every response.
"""
from collections.abc import Iterable

CALIBRATION_BINS = 10


def _bin(confidence: int) -> int:
    return min(int(confidence) * CALIBRATION_BINS // 100, CALIBRATION_BINS - 1)


def _rel(correct: bool) -> str:
    return "right" if correct else "wrong"


def grade_contribution(
    *,
    item_type: str,
    competencies: Iterable[str],
    ai_correct: bool | None,
    score: float,
    cbm_mark: int | None,
    detail: dict,
) -> dict[str, float]:
    """Counter deltas of one final grade; names are documented in ``progress.measures``."""
    out: dict[str, float] = {"items.n": 1, "items.score": score}
    for code in competencies:
        out[f"comp.{code}.n"] = 1
        out[f"comp.{code}.score"] = score
    if cbm_mark is not None:
        out["cbm.n"] = 1
        out["cbm.sum"] = cbm_mark
    if item_type == "reliance_decision":
        out.update(_reliance(ai_correct=bool(ai_correct), detail=detail))
    elif item_type == "error_spans":
        out.update(_detection(detail))
    return out


def _reliance(*, ai_correct: bool, detail: dict) -> dict[str, float]:
    group = "R" if ai_correct else "W"
    accepted = detail["decision"] == "accept"
    final_correct = bool(detail["final_correct"])
    out = {
        f"rel.{group}.n": 1,
        f"rel.{group}.accepted": int(accepted),
        f"rel.{group}.correct": int(final_correct),
    }
    initial_correct = detail.get("initial_correct")
    if detail.get("initial_answer") is not None and initial_correct is not None:
        out[f"sw.{_rel(initial_correct)}.{_rel(final_correct)}"] = 1
        if ai_correct and not initial_correct:
            out["rair.den"] = 1
            out["rair.num"] = int(final_correct and detail["final_answer"] == detail["ai_answer"])
        if not ai_correct and initial_correct:
            out["rsr.den"] = 1
            out["rsr.num"] = int(final_correct and detail["final_answer"] == detail["initial_answer"])
    confidence = detail.get("confidence")
    if confidence is not None:
        p = confidence / 100
        b = _bin(confidence)
        out["conf.n"] = 1
        out["conf.brier"] = (p - int(final_correct)) ** 2
        out[f"cal.{b}.n"] = 1
        out[f"cal.{b}.conf"] = p
        out[f"cal.{b}.correct"] = int(final_correct)
    return out


def _detection(detail: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for code, counts in detail.get("by_failure_mode", {}).items():
        out[f"fm.{code}.keys"] = counts["keys"]
        out[f"fm.{code}.found"] = counts["found"]
    sentences = detail.get("sentences") or {}
    for name, key in (("signal", "signal"), ("noise", "noise"), ("hits", "hits"), ("fa", "false_alarms")):
        if sentences.get(key):
            out[f"sent.{name}"] = sentences[key]
    return out


def difference(new: dict[str, float], old: dict[str, float]) -> dict[str, float]:
    """new − old over the union of names, dropping zeros."""
    names = set(new) | set(old)
    delta = {n: new.get(n, 0) - old.get(n, 0) for n in names}
    return {n: v for n, v in delta.items() if v != 0}
