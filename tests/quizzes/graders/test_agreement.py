"""Cohen's kappa and exact agreement (pure), against examples worked by hand."""
import pytest

from quizzes.graders.agreement import cohen_kappa, exact_agreement


def test_kappa_of_a_hand_worked_three_category_table():
    # Suggested (rows) against confirmed (columns) points of 10 criteria:
    #            0   1   2
    #      0     2   1   0     p_o = (2 + 3 + 2) / 10 = 0.7
    #      1     0   3   1     row shares .3 .4 .3, column shares .2 .5 .3
    #      2     0   1   2     p_e = .3*.2 + .4*.5 + .3*.3 = .06 + .20 + .09 = .35
    # kappa = (0.7 - 0.35) / (1 - 0.35) = 0.35 / 0.65 = 7/13
    pairs = ([(0, 0)] * 2 + [(0, 1)] + [(1, 1)] * 3 + [(1, 2)] + [(2, 1)] + [(2, 2)] * 2)
    assert cohen_kappa(pairs) == pytest.approx(7 / 13)
    assert exact_agreement(pairs) == pytest.approx(0.7)


def test_kappa_of_the_textbook_two_by_two_table():
    # 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: p_o = .7, p_e = .5*.6 + .5*.4 = .5, kappa = .4.
    pairs = [(1, 1)] * 20 + [(1, 0)] * 5 + [(0, 1)] * 10 + [(0, 0)] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_is_undefined_without_pairs_or_with_one_category_only():
    assert cohen_kappa([]) is None and exact_agreement([]) is None
    assert cohen_kappa([(2, 2), (2, 2)]) is None


def test_kappa_is_negative_when_raters_disagree_more_than_chance():
    assert cohen_kappa([(0, 1), (1, 0)]) == pytest.approx(-1.0)
