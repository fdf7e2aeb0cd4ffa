"""GET /api/v1/cohorts/<id>/dashboard/: the dashboard's figures and lists for API clients."""
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from schools.models import AuditEvent, Role
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def get(user, cohort, query: str = ""):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/cohorts/{cohort.pk}/dashboard/{query}")


def test_the_dashboard_gives_counts_modules_and_who_needs_attention():
    w = populate(world(due_at=timezone.now() - timedelta(days=1)))
    body = get(w.reviewer, w.cohort).json()
    assert body["counts"] == {"trainees": 3, "not_started": 1, "completed": 0, "overdue": 3, "struggling": 1}
    assert [(m["slug"], m["completed"]) for m in body["modules"]] == [("mod-a", 2), ("mod-b", 0)]
    assert [t["username"] for t in get(w.reviewer, w.cohort, "?show=struggling").json()["trainees"]] == ["bob"]
    assert AuditEvent.objects.filter(action="cohort.dashboard.read", actor=w.reviewer).count() == 2


def test_the_list_is_sorted_and_paged():
    w = populate(world())
    body = get(w.reviewer, w.cohort, "?sort=score&limit=1&offset=1").json()
    assert body["total"] == 3 and [t["username"] for t in body["trainees"]] == ["alice"]  # bob lowest; carol has none


def test_a_module_narrows_the_modules():
    w = populate(world())
    body = get(w.reviewer, w.cohort, "?module=mod-b").json()
    assert [m["slug"] for m in body["modules"]] == ["mod-b"]


@pytest.mark.parametrize("query, field", [("?show=lost", "show"), ("?module=nope", "module"), ("?course=nope", "course"),
                                          ("?active_from=2026-03-02&active_to=2026-03-01", "active_to"),
                                          ("?active_from=0001-01-01", "active_from"),
                                          ("?active_to=9999-12-31", "active_to"), ("?limit=0", "limit")])
def test_a_bad_filter_is_a_400_naming_the_field(query, field):
    w = world()
    response = get(w.reviewer, w.cohort, query)
    assert response.status_code == 400 and field in response.json()["errors"]


def test_a_reviewer_of_another_school_and_a_trainee_get_404():
    w = populate(world())
    assert get(MembershipFactory(role=Role.REVIEWER).user, w.cohort).status_code == 404
    assert get(w.people["alice"], w.cohort).status_code == 404


def test_every_share_comes_with_its_count_and_wilson_interval():
    w = populate(world())
    body = get(w.reviewer, w.cohort).json()
    module_a = body["modules"][0]
    # Module A: Alice and Bob completed it, Carol did not start: 2 of 3.
    done = module_a["completed_evidence"]
    assert (done["k"], done["n"]) == (2, 3)
    assert (round(done["low"], 3), round(done["high"], 3)) == (0.208, 0.939)
    alice = next(t for t in body["trainees"] if t["username"] == "alice")
    # Alice accepted 1 of the 2 wrong AI outputs she met (R1 accepted, R3 overridden).
    assert {k: alice["automation_bias"][k] for k in ("k", "n")} == {"k": 1, "n": 2}
    assert (round(alice["automation_bias"]["low"], 3), round(alice["automation_bias"]["high"], 3)) == (0.095, 0.905)
    assert alice["mean_score_evidence"]["n"] == 4 and alice["mean_score_evidence"]["low"] is not None
