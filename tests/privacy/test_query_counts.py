"""What the data-protection pages cost, exactly, and that it does not grow with the school."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schools.models import Role
from tests.cohorts.test_dashboard_selectors import many_trainees, populate, world
from tests.cohorts.test_views import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# A change here is a choice to explain in its commit.
PAGE_QUERIES = {
    "my-data": 4,
    "school": 7,
    "member": 18,
}


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _urls(w, admin):
    slug = w.cohort.school.slug
    return {"my-data": (w.people["alice"], "/privacy/my-data/"),
            "school": (admin, f"/school/{slug}/privacy/"),
            "member": (admin, f"/school/{slug}/privacy/members/{w.people['alice'].pk}/")}


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_pages_cost_the_same_queries_for_a_small_and_a_larger_school(name):
    w = populate(world())
    admin = MembershipFactory(school=w.cohort.school, role=Role.ADMIN).user
    user, url = _urls(w, admin)[name]
    client = client_for(user)
    small = _count(client, url)
    many_trainees(w, 12, prefix="u")
    assert _count(client, url) == small == PAGE_QUERIES[name]
