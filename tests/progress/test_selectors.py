"""A trainee's own measures, summed from their counters (real grading pipeline)."""
import pytest

from progress.selectors import trainees_measures
from tests.cohorts.test_dashboard_selectors import populate, world

pytestmark = pytest.mark.django_db


def test_trainees_measures_per_trainee():
    w = populate(world())
    m = trainees_measures(trainee_ids=[w.people["alice"].pk, w.people["carol"].pk], course_ids=[w.course.pk])
    assert m[w.people["alice"].pk]["reliance"]["automation_bias_rate"] == pytest.approx(1 / 2)
    assert m[w.people["alice"].pk]["mastery_by_competency"]["VER"]["mastery"] == 1.0
    assert m[w.people["carol"].pk]["reliance"]["decisions"] == 0
