"""The evidence beside every rate: Wilson intervals, the Brier interval and d′'s maximum (pure)."""
import math
from statistics import NormalDist

from hypothesis import given
from hypothesis import strategies as st

from progress.measures import all_measures, d_prime, d_prime_band, d_prime_max, proportion, wilson


def _reference_wilson(k, n, z=1.96):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_wilson_matches_the_textbook_example():
    low, high = wilson(4, 10)
    assert abs(low - 0.1681775812) < 1e-9 and abs(high - 0.6873304525) < 1e-9


def test_wilson_of_nothing_is_none():
    assert wilson(0, 0) is None
    assert proportion(0, 0) == {"k": 0, "n": 0, "value": None, "low": None, "high": None}


@given(st.integers(min_value=1, max_value=5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_is_inside_0_1_contains_the_rate_and_matches_the_formula(kn):
    k, n = kn
    low, high = wilson(k, n)
    ref_low, ref_high = _reference_wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    assert abs(low - max(0.0, ref_low)) < 1e-9 and abs(high - min(1.0, ref_high)) < 1e-9


@given(st.integers(min_value=1, max_value=500), st.floats(min_value=0.0, max_value=1.0))
def test_wilson_narrows_with_more_observations(n, p):
    k = round(p * n)
    low1, high1 = wilson(k, n)
    low4, high4 = wilson(4 * k, 4 * n)
    assert high4 - low4 < high1 - low1


def test_d_prime_max_is_the_perfect_reader_on_that_many_sentences():
    z = NormalDist().inv_cdf
    assert abs(d_prime_max(signal=3, noise=10) - (z(3.5 / 4) - z(0.5 / 11))) < 1e-9
    assert d_prime_max(signal=3, noise=10) == d_prime(hits=3, signal=3, false_alarms=0, noise=10)
    assert d_prime_max(signal=0, noise=10) is None


def test_d_prime_advice_allows_for_short_texts():
    # One error in four sentences: the best possible d′ is below 2, so "good" cannot mean 2.
    best = d_prime_max(signal=1, noise=3)
    assert best < 2
    assert d_prime_band(best, best) == "good"
    assert d_prime_band(2.1, 3.5) == "good" and d_prime_band(1.2, 3.5) == "fair" and d_prime_band(0.2, 3.5) == "chance"


def test_all_measures_carry_k_n_and_bounds_beside_the_old_keys():
    m = all_measures({"rel.W.n": 10, "rel.W.accepted": 4, "rel.R.n": 0, "conf.n": 4, "conf.brier": 1.0,
                      "sent.signal": 2, "sent.noise": 8, "sent.hits": 2, "sent.fa": 1})
    rel = m["reliance"]
    assert rel["automation_bias_rate"] == 0.4
    ab = rel["evidence"]["automation_bias"]
    assert (ab["k"], ab["n"], ab["value"]) == (4, 10, 0.4) and (ab["low"], ab["high"]) == wilson(4, 10)
    assert rel["evidence"]["aversion"]["low"] is None
    brier = rel["evidence"]["brier"]
    assert brier["n"] == 4 and brier["low"] <= 0.25 <= brier["high"] and brier["method"]
    dp = m["detection"]["d_prime_evidence"]
    assert dp["max"] == d_prime_max(signal=2, noise=8) and dp["value"] == m["detection"]["d_prime"]
    assert "Hautus" in dp["method"] and dp["hits"]["n"] == 2
