"""The simulated trainees of the demo (``demo.simulation``), without the database."""
import random

import pytest

from demo.simulation import VERY_EXPERIENCED, INEXPERIENCED, cohort_profiles, year_targets


def test_years_one_and_two_follow_the_inexperienced_readers_and_five_and_six_the_very_experienced():
    assert year_targets(1) == year_targets(2) == pytest.approx(INEXPERIENCED)
    assert year_targets(5) == year_targets(6) == pytest.approx(VERY_EXPERIENCED)
    assert INEXPERIENCED[1] < year_targets(3)[1] < year_targets(4)[1] < VERY_EXPERIENCED[1]


def test_trainees_of_a_year_differ_but_their_mean_is_the_years():
    profiles = cohort_profiles(random.Random(7), [1, 1, 1, 1, 6, 6, 6, 6])
    novices = [p.accuracy_ai_wrong for p in profiles if p.training_year == 1]
    experts = [p.accuracy_ai_wrong for p in profiles if p.training_year == 6]
    assert len(set(novices)) == 4
    assert sum(novices) / 4 == pytest.approx(INEXPERIENCED[1])
    assert sum(experts) / 4 == pytest.approx(VERY_EXPERIENCED[1])


def test_the_same_seed_gives_the_same_trainees():
    assert cohort_profiles(random.Random(3), [2, 4, 6]) == cohort_profiles(random.Random(3), [2, 4, 6])
