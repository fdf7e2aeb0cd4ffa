from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from registry import model_cards, services
from registry.models import Tool
from schools.models import AuditEvent
from training.errors import ApplicationError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _attach(client, a, data: bytes, name: str):
    return client.post(f"/school/{a.school.slug}/ai-tools/{a.tool.pk}/model-card/",
                       {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


@pytest.mark.parametrize(("data", "media_type"), [
    (PDF, "application/pdf"), (b"# Card\n\n- intended use\n", "text/markdown"), (b"Plain words.\n", "text/plain"),
    ("\ufeffCarte du mod\u00e8le\n".encode(), "text/plain"),
])
def test_the_type_is_told_from_the_content(data, media_type):
    assert model_cards.check(data).media_type == media_type


@pytest.mark.parametrize("data", [
    b"", b"PK\x03\x04workbook", b"\x89PNG\r\n\x1a\n\x00\x00", b"<!DOCTYPE html><script>x</script>",
    "caf\u00e9".encode("latin-1"), b"text with a \x07 bell",
])
def test_what_is_neither_pdf_nor_text_is_refused_at_the_field(data):
    with pytest.raises(ApplicationError) as refused:
        model_cards.check(data)
    assert list(refused.value.errors) == ["model_card_file"]


@given(st.binary(min_size=1, max_size=200))
def test_any_bytes_are_either_refused_or_one_of_the_three_types(data):
    try:
        assert model_cards.check(data).media_type in model_cards.EXTENSIONS
    except ApplicationError as exc:
        assert "model_card_file" in exc.errors


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(ApplicationError):
        model_cards.check(b"a" * (model_cards.MAX_BYTES + 1))


@pytest.mark.django_db
def test_a_pdf_named_txt_is_kept_as_a_pdf_in_private_storage_and_audited(two):
    a, _b = two
    response = _attach(_client(a.admin), a, PDF, "card.txt")
    assert response.status_code == 302
    tool = Tool.objects.get(pk=a.tool.pk)
    assert (tool.model_card_type, tool.model_card_name, tool.model_card_size) == ("application/pdf", "card.txt", len(PDF))
    path = Path(tool.model_card_file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_FILES_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert AuditEvent.objects.filter(action="registry.model_card.attach", detail__replaced=True,
                                     detail__type="application/pdf").exists()


@pytest.mark.django_db
def test_a_web_page_named_pdf_is_refused_and_the_card_kept(two):
    a, _b = two
    before = Tool.objects.get(pk=a.tool.pk).model_card_file.name
    response = _attach(_client(a.admin), a, b"<html><body>card</body></html>", "card.pdf")
    assert response.status_code == 400
    assert "web page" in response.content.decode()
    assert Tool.objects.get(pk=a.tool.pk).model_card_file.name == before


@pytest.mark.django_db
def test_faculty_of_the_school_download_it_as_an_attachment(two):
    a, _b = two
    response = _client(a.faculty).get(f"/school/{a.school.slug}/ai-tools/{a.tool.pk}/model-card/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'attachment; filename="card.md"' == response["Content-Disposition"]
    assert b"# Model card" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_faculty_may_not_replace_it(two):
    a, _b = two
    assert _attach(_client(a.faculty), a, PDF, "card.pdf").status_code == 404
    assert Tool.objects.get(pk=a.tool.pk).model_card_type == "text/markdown"


@pytest.mark.django_db
def test_another_schools_admin_cannot_download_it(two):
    a, b = two
    response = _client(b.admin).get(f"/school/{a.school.slug}/ai-tools/{a.tool.pk}/model-card/")
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_removing_it_deletes_the_file_once_committed_and_is_audited(two):
    a, _b = two
    path = Path(Tool.objects.get(pk=a.tool.pk).model_card_file.path)
    assert path.exists()
    response = _client(a.admin).post(f"/school/{a.school.slug}/ai-tools/{a.tool.pk}/model-card/remove/")
    assert response.status_code == 302
    assert not Tool.objects.get(pk=a.tool.pk).model_card_file
    assert not path.exists()
    assert AuditEvent.objects.filter(action="registry.model_card.remove", detail__file="card.md").exists()


@pytest.mark.django_db
def test_removing_a_card_that_is_not_there_is_a_conflict(two):
    a, _b = two
    tool = services.tool_create(school=a.school, actor=a.admin, data={"name": "No card", "category": "llm"})
    with pytest.raises(ApplicationError) as refused:
        services.model_card_remove(tool=tool, actor=a.admin)
    assert refused.value.status_code == 409
