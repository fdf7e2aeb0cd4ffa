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
    "import": 4, "model-card": 9, "api-export": 9, "api-model-card": 9,
}
PREVIEW, API_PREVIEW = 17, 14


def _urls(a) -> dict[str, str]:
    page, api = f"/school/{a.school.slug}/ai-tools/", f"/api/v1/schools/{a.school.slug}/tools/"
    return {"register": page, "tool": f"{page}{a.tool.pk}/", "edit": f"{page}{a.tool.pk}/edit/",
            "coverage": f"{page}coverage/", "map": f"{page}map/", "evidence.csv": f"{page}evidence.csv",
            "api-list": api, "api-tool": f"{api}{a.tool.pk}/", "api-coverage": f"{api}coverage/",
            "import": f"{page}import/", "model-card": f"{page}{a.tool.pk}/model-card/", "api-export": f"{api}export/",
            "api-model-card": f"{api}{a.tool.pk}/model-card/"}


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


def _file(n: int) -> str:
    return "name,category,status\n" + "".join(f"Tool {i},llm,pilot\n" for i in range(n))


@pytest.mark.parametrize("lines", [1, 20])
def test_the_import_preview_costs_the_same_for_one_line_and_for_twenty(two, lines):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a, _b = two
    client = Client()
    client.force_login(a.admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/school/{a.school.slug}/ai-tools/import/", {
            "action": "preview", "file": SimpleUploadedFile("t.csv", _file(lines).encode())})
    assert response.status_code == 200
    assert len(queries) == PREVIEW


@pytest.mark.parametrize("lines", [1, 20])
def test_the_api_preview_costs_the_same_for_one_line_and_for_twenty(two, lines):
    a, _b = two
    client = Client()
    client.force_login(a.admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/schools/{a.school.slug}/tools/import/preview/", {"csv": _file(lines)},
                               content_type="application/json")
    assert response.status_code == 200
    assert len(queries) == API_PREVIEW


API_CARD_UPLOAD, API_CARD_REMOVE = 19, 14


def _more_tools(a) -> None:
    for n in range(3):
        services.tool_create(school=a.school, actor=a.admin, data={
            "name": f"More {n}", "category": "llm", "failure_modes": ["HAL"], "user_roles": ["trainee"],
            "cohorts": [a.cohort.slug], "training": [a.course.slug]})


@pytest.mark.parametrize("more", [False, True])
def test_uploading_and_removing_a_model_card_cost_the_same_for_one_tool_and_for_four(two, more):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a, _b = two
    if more:
        _more_tools(a)
    client = Client()
    client.force_login(a.admin)
    url = f"/api/v1/schools/{a.school.slug}/tools/{a.tool.pk}/model-card/"
    with CaptureQueriesContext(connection) as upload:
        response = client.post(url, {"model_card_file": SimpleUploadedFile("c.md", b"# Card\n")})
    assert response.status_code == 201
    with CaptureQueriesContext(connection) as removal:
        assert client.delete(url).status_code == 204
    assert (len(upload), len(removal)) == (API_CARD_UPLOAD, API_CARD_REMOVE)
