"""What the register's pages and API calls cost, exactly, and that it does not grow with the
number of tools (a change here is a choice to explain in its commit)."""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry import services

pytestmark = pytest.mark.django_db

QUERIES = {
    "register": 9, "tool": 18, "edit": 16, "coverage": 21, "map": 19, "evidence.csv": 21,
    "api-list": 9, "api-tool": 9, "api-coverage": 21,
}


def _urls(a) -> dict[str, str]:
    page, api = f"/school/{a.school.slug}/ai-tools/", f"/api/v1/schools/{a.school.slug}/tools/"
    return {"register": page, "tool": f"{page}{a.tool.pk}/", "edit": f"{page}{a.tool.pk}/edit/",
            "coverage": f"{page}coverage/", "map": f"{page}map/", "evidence.csv": f"{page}evidence.csv",
            "api-list": api, "api-tool": f"{api}{a.tool.pk}/", "api-coverage": f"{api}coverage/"}


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_pages_and_calls_cost_the_same_for_one_tool_and_for_four(two, name):
    a, _b = two
    client = Client()
    client.force_login(a.admin)
    url = _urls(a)[name]
    one = _count(client, url)
    for n in range(3):
        services.tool_create(school=a.school, actor=a.admin, data={
            "name": f"More {n}", "category": "llm", "failure_modes": ["HAL"], "user_roles": ["trainee"],
            "cohorts": [a.cohort.slug], "training": [a.course.slug]})
    assert (one, _count(client, url)) == (QUERIES[name], QUERIES[name])
