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


# ---------------------------------------------------------------- the model card file

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, a, data: bytes, name: str = "card.pdf", field: str = "model_card_file"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"{_base(a)}{a.tool.pk}/model-card/",
                       {field: SimpleUploadedFile(name, data, content_type="application/octet-stream")},
                       format="multipart")


def test_an_admin_replaces_the_card_by_upload_told_a_pdf_from_its_bytes_and_audited(two):
    a, _b = two
    before = Tool.objects.get(pk=a.tool.pk).model_card_file.name
    response = _upload(_api(a.admin), a, PDF, "card.txt")
    assert response.status_code == 201
    card = response.json()["model_card_file"]
    assert (card["name"], card["type"], card["size"]) == ("card.txt", "application/pdf", len(PDF))
    assert response["Location"] == card["download_url"]
    assert Tool.objects.get(pk=a.tool.pk).model_card_file.name != before
    assert AuditEvent.objects.filter(action="registry.model_card.attach", detail__tool_id=a.tool.pk,
                                     detail__replaced=True, detail__type="application/pdf").exists()


def test_the_uploaded_card_is_what_is_downloaded(two):
    a, _b = two
    client = _api(a.admin)
    url = _upload(client, a, b"# Card v2\n\n- intended use: triage\n", "v2.md").json()["model_card_file"]["download_url"]
    response = _api(a.faculty).get(url)
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="v2.md"'
    assert b"".join(response.streaming_content) == b"# Card v2\n\n- intended use: triage\n"


def test_a_tool_without_a_card_gets_one_attached(two):
    from registry import services

    a, _b = two
    tool = services.tool_create(school=a.school, actor=a.admin, data={"name": "No card yet", "category": "llm"})
    response = _api(a.admin).post(f"{_base(a)}{tool.pk}/model-card/", {"model_card_file": _file(b"Plain words.\n")},
                                  format="multipart")
    assert response.status_code == 201
    assert response.json()["model_card_file"]["type"] == "text/plain"
    assert AuditEvent.objects.filter(action="registry.model_card.attach", detail__tool_id=tool.pk,
                                     detail__replaced=False).exists()


def _file(data: bytes, name: str = "card.txt"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_a_web_page_named_pdf_is_refused_at_the_field_and_the_card_kept(two):
    a, _b = two
    before = Tool.objects.get(pk=a.tool.pk).model_card_file.name
    response = _upload(_api(a.admin), a, b"<!DOCTYPE html><script>x</script>", "card.pdf")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "The model card was not attached."
    assert body["errors"] == {"model_card_file": ["This is a web page: save the model card as PDF and attach that."]}
    assert Tool.objects.get(pk=a.tool.pk).model_card_file.name == before
    assert not AuditEvent.objects.filter(action="registry.model_card.attach", detail__file="card.pdf").exists()


def test_a_file_over_5_mb_is_refused_at_the_field(two):
    from registry import model_cards

    a, _b = two
    response = _upload(_api(a.admin), a, b"a" * (model_cards.MAX_BYTES + 1), "big.txt")
    assert response.status_code == 400
    assert response.json()["errors"] == {"model_card_file": ["The file is larger than 5 MB."]}


def test_an_upload_without_the_file_names_the_missing_field(two):
    a, _b = two
    response = _upload(_api(a.admin), a, PDF, field="file")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["model_card_file"]


def test_an_empty_file_is_refused_at_the_field(two):
    a, _b = two
    response = _upload(_api(a.admin), a, b"", "empty.md")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["model_card_file"]


def test_a_json_body_is_an_unsupported_media_type(two):
    a, _b = two
    response = _api(a.admin).post(f"{_base(a)}{a.tool.pk}/model-card/", {"model_card_file": "x"}, format="json")
    assert response.status_code == 415


@pytest.mark.parametrize("role", ["faculty", "reviewer"])
def test_readers_of_the_register_may_not_replace_or_remove_the_card(two, role):
    a, _b = two
    client = _api(getattr(a, role))
    before = Tool.objects.get(pk=a.tool.pk).model_card_file.name
    assert _upload(client, a, PDF).status_code == 403
    assert client.delete(f"{_base(a)}{a.tool.pk}/model-card/").status_code == 403
    assert Tool.objects.get(pk=a.tool.pk).model_card_file.name == before


def test_a_trainee_does_not_learn_that_the_tool_exists(two):
    a, _b = two
    client = _api(a.trainee1)
    assert _upload(client, a, PDF).status_code == 404
    assert client.delete(f"{_base(a)}{a.tool.pk}/model-card/").status_code == 404


def test_another_schools_admin_may_not_replace_or_remove_the_card(two):
    a, b = two
    before = Tool.objects.get(pk=a.tool.pk).model_card_file.name
    client = _api(b.admin)
    assert _upload(client, a, PDF).status_code == 404
    assert client.delete(f"{_base(a)}{a.tool.pk}/model-card/").status_code == 404
    assert Tool.objects.get(pk=a.tool.pk).model_card_file.name == before


def test_no_one_signed_in_may_upload(two):
    a, _b = two
    assert _upload(APIClient(), a, PDF).status_code == 403


def test_a_tool_of_another_school_under_this_schools_address_is_not_found(two):
    a, b = two
    response = _api(a.admin).post(f"{_base(a)}{b.tool.pk}/model-card/", {"model_card_file": _file(PDF)},
                                  format="multipart")
    assert response.status_code == 404
    assert Tool.objects.get(pk=b.tool.pk).model_card_type == "text/markdown"


@pytest.mark.django_db(transaction=True)
def test_removing_the_card_deletes_its_file_once_committed_and_is_audited(two):
    from pathlib import Path

    a, _b = two
    path = Path(Tool.objects.get(pk=a.tool.pk).model_card_file.path)
    client = _api(a.admin)
    response = client.delete(f"{_base(a)}{a.tool.pk}/model-card/")
    assert response.status_code == 204
    assert not path.exists()
    assert AuditEvent.objects.filter(action="registry.model_card.remove", detail__tool_id=a.tool.pk,
                                     detail__file="card.md").exists()
    assert client.get(f"{_base(a)}{a.tool.pk}/").json()["model_card_file"] is None
    assert client.get(f"{_base(a)}{a.tool.pk}/model-card/").status_code == 404


def test_removing_a_card_that_is_not_there_is_a_conflict_at_the_field(two):
    a, _b = two
    client = _api(a.admin)
    assert client.delete(f"{_base(a)}{a.tool.pk}/model-card/").status_code == 204
    response = client.delete(f"{_base(a)}{a.tool.pk}/model-card/")
    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["model_card_file"]
