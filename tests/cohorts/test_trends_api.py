"""GET /api/v1/cohorts/<id>/trends/: the trend page's figures for API clients."""
import pytest
from rest_framework.test import APIClient

from schools.models import AuditEvent, Role
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.factories import AssignmentFactory, CohortFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def get(user, cohort, query: str = ""):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/cohorts/{cohort.pk}/trends/{query}")


def test_trends_give_periods_and_before_after_a_module():
    w = populate(world())
    body = get(w.reviewer, w.cohort, "?module=mod-a").json()
    assert body["period"] == "week" and len(body["periods"]) == 1
    assert body["periods"][0]["measures"]["reliance"]["automation_bias_rate"] == pytest.approx(2 / 3)
    after = body["before_after"]["after"]
    assert (after["trainees"], after["measures"]["reliance"]["decisions"]) == (1, 1)  # Alice's R3
    assert AuditEvent.objects.filter(action="cohort.trends.read", actor=w.reviewer).count() == 1


def test_trends_compare_with_another_cohort_of_the_school():
    w = populate(world())
    last_year = CohortFactory(school=w.cohort.school, year=2025)
    AssignmentFactory(cohort=last_year, course=w.course)
    body = get(w.reviewer, w.cohort, f"?compare={last_year.pk}").json()
    assert body["comparison"]["cohort"]["id"] == last_year.pk
    assert body["comparison"]["that"]["reliance"]["automation_bias_rate"] is None  # nobody answered
    assert body["comparison"]["this"]["reliance"]["decisions"] == 5


@pytest.mark.parametrize("query, field", [("?period=day", "period"), ("?module=nope", "module"),
                                          ("?course=nope", "course"), ("?compare=999999", "compare")])
def test_a_bad_filter_is_a_400_naming_the_field(query, field):
    w = world()
    response = get(w.reviewer, w.cohort, query)
    assert response.status_code == 400 and field in response.json()["errors"]


def test_a_cohort_of_another_school_cannot_be_compared():
    w = world()
    foreign = CohortFactory()
    assert get(w.reviewer, w.cohort, f"?compare={foreign.pk}").status_code == 400


def test_a_reviewer_of_another_school_gets_404():
    w = world()
    stranger = MembershipFactory(role=Role.REVIEWER).user
    assert get(stranger, w.cohort).status_code == 404


def test_each_period_carries_its_rates_and_mean_score_with_k_n_and_interval():
    w = populate(world())
    measures = get(w.reviewer, w.cohort).json()["periods"][0]["measures"]
    bias = measures["reliance"]["evidence"]["automation_bias"]
    assert (bias["k"], bias["n"]) == (2, 3)  # Alice's and Bob's R1 accepted, Alice's R3 overridden
    assert (round(bias["low"], 3), round(bias["high"], 3)) == (0.208, 0.939)
    score = measures["mean_score_evidence"]
    assert score["n"] == 7 and 0 < score["low"] < measures["mean_score"] < score["high"] < 1
