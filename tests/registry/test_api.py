import pytest
from rest_framework.test import APIClient

from registry.models import Tool
from schools.models import AuditEvent

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _base(a) -> str:
    return f"/api/v1/schools/{a.school.slug}/tools/"


CSV = "name,category,status\nNew one,llm,pilot\n"


def test_a_preview_tells_each_line_and_writes_nothing(two):
    a, _b = two
    text = f"name,category,status\n{a.tool.name},triage,deployed\n" + CSV.split("\n", 1)[1]
    response = _api(a.admin).post(f"{_base(a)}import/preview/", {"csv": text}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"new": 1, "updated": 1, "unchanged": 0, "error": 0}
    assert [(r["line"], r["status"]) for r in body["rows"]] == [(2, "updated"), (3, "new")]
    assert not Tool.objects.filter(name="New one").exists()


def test_a_preview_with_problems_names_each_line_and_column_in_the_error_shape(two):
    a, b = two
    text = f"name,category,training\nA,nope,\nB,llm,{b.course.slug}\nC,llm,\n"
    response = _api(a.admin).post(f"{_base(a)}import/preview/", {"csv": text}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert set(body["errors"]) == {"line 2, column 2 (category)", "line 3, column 3 (training)"}
    assert not Tool.objects.filter(name="C").exists()


def test_the_import_applies_the_previewed_text_and_again_changes_nothing(two):
    a, _b = two
    client = _api(a.admin)
    digest = client.post(f"{_base(a)}import/preview/", {"csv": CSV}, format="json").json()["digest"]
    first = client.post(f"{_base(a)}import/", {"csv": CSV, "digest": digest}, format="json")
    assert first.json() == {"created": 1, "updated": 0, "unchanged": 0}
    second = client.post(f"{_base(a)}import/", {"csv": CSV, "digest": digest}, format="json")
    assert second.json() == {"created": 0, "updated": 0, "unchanged": 1}
    assert AuditEvent.objects.filter(action="registry.tools.import").count() == 1


def test_an_import_without_the_previews_digest_is_a_conflict_and_writes_nothing(two):
    a, _b = two
    response = _api(a.admin).post(f"{_base(a)}import/", {"csv": CSV, "digest": "0" * 64}, format="json")
    assert response.status_code == 409
    assert "digest" in response.json()["errors"]
    assert not Tool.objects.filter(name="New one").exists()


def test_faculty_may_not_import(two):
    a, _b = two
    response = _api(a.faculty).post(f"{_base(a)}import/preview/", {"csv": CSV}, format="json")
    assert response.status_code == 403


def test_the_export_is_the_csv_the_import_reads_back_unchanged(two):
    a, _b = two
    client = _api(a.admin)
    response = client.get(f"{_base(a)}export/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    assert client.post(f"{_base(a)}import/preview/", {"csv": text}, format="json").json()["counts"]["unchanged"] == 1


def test_retiring_a_tool_keeps_it_with_todays_date(two):
    a, _b = two
    response = _api(a.admin).post(f"{_base(a)}{a.tool.pk}/retire/", {"retired_on": "2026-11-30"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["retired_on"]) == ("retired", "2026-11-30")
    assert AuditEvent.objects.filter(action="registry.tool.update", detail__changed=["status", "retired_on"]).exists()


def test_a_tool_says_where_its_model_card_file_is_downloaded(two):
    a, _b = two
    card = _api(a.faculty).get(f"{_base(a)}{a.tool.pk}/").json()["model_card_file"]
    assert card["name"] == "card.md" and card["type"] == "text/markdown"
    response = _api(a.faculty).get(card["download_url"])
    assert response.status_code == 200
    assert b"# Model card" in b"".join(response.streaming_content)


def test_another_schools_model_card_is_not_found(two):
    a, b = two
    assert _api(b.admin).get(f"{_base(a)}{a.tool.pk}/model-card/").status_code == 404
