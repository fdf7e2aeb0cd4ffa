"""Measures against hand-computed values on small fixtures (pure, no database)."""
from collections import Counter

import pytest

from progress.contributions import difference, grade_contribution
from progress.measures import all_measures, d_prime, reliance_measures


def decision(*, ai_correct, accepted, final_correct, initial_correct=None, confidence=None):
    ai_answer = "ai"
    final = ai_answer if accepted else "own"
    detail = {
        "ai_answer": ai_answer, "ai_correct": ai_correct, "decision": "accept" if accepted else "override",
        "final_answer": final, "final_correct": final_correct, "confidence": confidence,
        "initial_answer": None, "initial_correct": initial_correct,
    }
    if initial_correct is not None:
        # Initial answer equal to the final one when the trainee kept it.
        detail["initial_answer"] = final if initial_correct == final_correct else ("x" if initial_correct != ai_correct else ai_answer)
    return grade_contribution(item_type="reliance_decision", competencies=["OVS"], ai_correct=ai_correct,
                              score=float(final_correct), cbm_mark=None, detail=detail)


def summed(*contributions):
    total = Counter()
    for c in contributions:
        total.update(c)
    return dict(total)


def test_empty_set_measures_are_undefined_not_zero():
    m = reliance_measures({})
    assert m["automation_bias_rate"] is None
    assert m["aversion_rate"] is None
    assert m["appropriate_reliance"] is None
    assert m["brier_score"] is None
    assert m["rair"] is None and m["rsr"] is None


def test_automation_bias_counts_accepted_wrong_ai_outputs():
    # AI wrong 4 times: accepted 3 (wrong each time), overridden once (right).
    c = summed(*[decision(ai_correct=False, accepted=True, final_correct=False)] * 3,
               decision(ai_correct=False, accepted=False, final_correct=True))
    m = reliance_measures(c)
    assert m["automation_bias_rate"] == pytest.approx(0.75)
    assert m["accuracy_ai_wrong"] == pytest.approx(0.25)
    assert m["aversion_rate"] is None


def test_aversion_and_appropriate_reliance():
    # AI right twice (accepted once, overridden once); AI wrong once (overridden).
    c = summed(decision(ai_correct=True, accepted=True, final_correct=True),
               decision(ai_correct=True, accepted=False, final_correct=False),
               decision(ai_correct=False, accepted=False, final_correct=True))
    m = reliance_measures(c)
    assert m["aversion_rate"] == pytest.approx(0.5)
    assert m["appropriate_reliance"] == pytest.approx(2 / 3)
    assert m["accuracy_ai_right"] == pytest.approx(0.5)


def test_single_response_gives_defined_rates_on_its_side_only():
    m = reliance_measures(decision(ai_correct=True, accepted=True, final_correct=True))
    assert m["aversion_rate"] == 0
    assert m["automation_bias_rate"] is None


def test_brier_score_is_mean_squared_confidence_error():
    c = summed(decision(ai_correct=True, accepted=True, final_correct=True, confidence=80),
               decision(ai_correct=False, accepted=True, final_correct=False, confidence=60))
    # ((0.8-1)^2 + (0.6-0)^2) / 2 = (0.04 + 0.36) / 2
    assert reliance_measures(c)["brier_score"] == pytest.approx(0.20)


def test_calibration_bins_hold_mean_confidence_and_accuracy():
    c = summed(decision(ai_correct=True, accepted=True, final_correct=True, confidence=100),
               decision(ai_correct=False, accepted=True, final_correct=False, confidence=95))
    top = reliance_measures(c)["calibration"][9]
    assert top["n"] == 2
    assert top["mean_confidence"] == pytest.approx(0.975)
    assert top["accuracy"] == pytest.approx(0.5)


def test_switch_matrix_rair_and_rsr():
    c = summed(
        # AI right, initially wrong, switched to the AI: counts for RAIR.
        decision(ai_correct=True, accepted=True, final_correct=True, initial_correct=False),
        # AI right, initially wrong, kept own wrong answer.
        decision(ai_correct=True, accepted=False, final_correct=False, initial_correct=False),
        # AI wrong, initially right, kept own right answer: RSR.
        decision(ai_correct=False, accepted=False, final_correct=True, initial_correct=True),
        # AI wrong, initially right, followed the AI.
        decision(ai_correct=False, accepted=True, final_correct=False, initial_correct=True),
        decision(ai_correct=False, accepted=True, final_correct=False, initial_correct=True),
    )
    m = reliance_measures(c)
    assert m["rair"] == pytest.approx(1 / 2)
    assert m["rsr"] == pytest.approx(1 / 3)
    assert m["switch_matrix"] == {
        "initial_right": {"final_right": 1, "final_wrong": 2},
        "initial_wrong": {"final_right": 1, "final_wrong": 1},
    }


def test_d_prime_uses_log_linear_correction():
    # hits 3/4 -> (3.5/5)=0.7, false alarms 1/10 -> (1.5/11)
    from statistics import NormalDist
    z = NormalDist().inv_cdf
    assert d_prime(hits=3, signal=4, false_alarms=1, noise=10) == pytest.approx(z(0.7) - z(1.5 / 11))


def test_d_prime_undefined_without_noise_sentences():
    assert d_prime(hits=2, signal=2, false_alarms=0, noise=0) is None


def test_recall_per_failure_mode_and_mastery():
    spans = grade_contribution(
        item_type="error_spans", competencies=["VER"], ai_correct=False, score=0.5, cbm_mark=None,
        detail={"by_failure_mode": {"HAL": {"keys": 2, "found": 1}, "OMI": {"keys": 1, "found": 0}},
                "sentences": {"signal": 2, "noise": 3, "hits": 1, "false_alarms": 1}},
    )
    single = grade_contribution(item_type="single_choice", competencies=["VER", "FND"], ai_correct=None,
                                score=1.0, cbm_mark=3, detail={})
    m = all_measures(summed(spans, single))
    assert m["detection"]["recall_by_failure_mode"]["HAL"]["recall"] == pytest.approx(0.5)
    assert m["detection"]["recall_by_failure_mode"]["OMI"]["recall"] == 0
    assert m["mastery_by_competency"]["VER"]["mastery"] == pytest.approx(0.75)
    assert m["mastery_by_competency"]["FND"]["mastery"] == 1
    assert m["cbm"] == {"n": 1, "total": 3, "mean": 3}


def test_difference_undoes_an_old_contribution():
    old = {"items.n": 1, "items.score": 0.5, "comp.VER.score": 0.5}
    new = {"items.n": 1, "items.score": 1.0, "comp.VER.score": 1.0}
    assert difference(new, old) == {"items.score": 0.5, "comp.VER.score": 0.5}
