import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registry.models import Tool
from schools.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_of_the_register_renders_for_an_admin(two, language):
    a, _b = two
    client = _client(a.admin, language)
    base = f"/school/{a.school.slug}/ai-tools/"
    for url in (base, f"{base}new/", f"{base}import/", f"{base}{a.tool.pk}/", f"{base}{a.tool.pk}/edit/",
                f"{base}coverage/", f"{base}map/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()


def test_a_tool_is_added_from_the_form(two):
    a, _b = two
    response = _client(a.admin).post(f"/school/{a.school.slug}/ai-tools/new/", {
        "name": "Sepsis alert", "category": "triage", "status": "pilot", "failure_modes": ["CAL"],
        "cohorts": [a.cohort.slug], "training": [a.course.slug], "departments": "ICU, Emergency"})
    assert response.status_code == 302
    tool = Tool.objects.get(school=a.school, name="Sepsis alert")
    assert tool.departments == ["ICU", "Emergency"]


def _upload(client, school, data: bytes):
    return client.post(f"/school/{school.slug}/ai-tools/import/",
                       {"action": "preview", "file": SimpleUploadedFile("tools.csv", data, content_type="text/csv")})


def _confirm(client, school, response):
    return client.post(f"/school/{school.slug}/ai-tools/import/",
                       {"action": "confirm", "digest": response.context["preview"].digest})


def test_a_bad_file_is_refused_with_its_line_and_column_and_nothing_written(two):
    a, b = two
    data = f"name,category,training\nGood,llm,\nBad,llm,{b.course.slug}\n".encode()
    response = _upload(_client(a.admin), a.school, data)
    assert response.status_code == 400
    assert "Line 3, column 3 (training):" in response.content.decode()
    assert 'id="confirm"' not in response.content.decode()
    assert not Tool.objects.filter(school=a.school, name="Good").exists()


def test_the_preview_writes_nothing_and_tells_each_line(two):
    a, _b = two
    data = f"name,category,status\n{a.tool.name},{a.tool.category.code},deployed\nNew one,llm,pilot\n".encode()
    response = _upload(_client(a.admin), a.school, data)
    assert response.status_code == 200
    assert [(r["line"], r["status"], r["changes"]) for r in response.context["preview"].rows] == [
        (2, "updated", ["status"]), (3, "new", [])]
    assert not Tool.objects.filter(school=a.school, name="New one").exists()
    assert Tool.objects.get(pk=a.tool.pk).status != "deployed"


def test_a_confirmed_preview_is_applied_and_the_same_file_again_changes_nothing(two):
    a, _b = two
    client = _client(a.admin)
    data = b"name,category,status\nNew one,llm,pilot\n"
    assert _confirm(client, a.school, _upload(client, a.school, data)).status_code == 302
    assert Tool.objects.filter(school=a.school, name="New one").exists()
    again = _upload(client, a.school, data)
    assert again.context["preview"].counts == {"new": 0, "updated": 0, "unchanged": 1, "error": 0}
    assert 'id="nothing-to-apply"' in again.content.decode()
    assert AuditEvent.objects.filter(action="registry.tools.import").count() == 1


def test_a_confirmation_of_an_older_preview_is_refused(two):
    a, _b = two
    client = _client(a.admin)
    first = _upload(client, a.school, b"name,category\nFirst,llm\n")
    _upload(client, a.school, b"name,category\nSecond,llm\n")
    assert _confirm(client, a.school, first).status_code == 409
    assert not Tool.objects.filter(school=a.school, name__in=["First", "Second"]).exists()


def test_a_workbook_is_refused_with_how_to_save_it(two):
    a, _b = two
    response = _upload(_client(a.admin), a.school, b"PK\x03\x04rest")
    assert response.status_code == 400
    assert "Save as" in response.content.decode()


def test_the_evidence_file_is_a_dated_pdf_and_its_download_is_audited(two):
    a, _b = two
    response = _client(a.reviewer).get(f"/school/{a.school.slug}/ai-tools/evidence.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "ai-literacy-evidence-school-a-" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="registry.evidence.download", actor=a.reviewer).exists()


def test_the_evidence_csv_lists_each_user_of_each_tool(two):
    a, _b = two
    text = _client(a.admin).get(f"/school/{a.school.slug}/ai-tools/evidence.csv").content.decode()
    assert a.trainee1.username in text and a.faculty.username in text


def test_faculty_read_the_register_but_not_the_coverage(two):
    a, _b = two
    client = _client(a.faculty)
    assert client.get(f"/school/{a.school.slug}/ai-tools/").status_code == 200
    assert client.get(f"/school/{a.school.slug}/ai-tools/coverage/").status_code == 404


def test_the_api_refuses_a_course_of_another_school(two):
    a, b = two
    client = _client(a.admin)
    response = client.post(f"/api/v1/schools/{a.school.slug}/tools/", {
        "name": "X", "category": "llm", "training": [b.course.slug]}, content_type="application/json")
    assert response.status_code == 400
    assert "training" in response.json()["errors"]
    assert not Tool.objects.filter(name="X").exists()


def test_the_api_changes_and_removes_a_tool_for_an_admin_only(two):
    a, _b = two
    url = f"/api/v1/schools/{a.school.slug}/tools/{a.tool.pk}/"
    assert _client(a.faculty).patch(url, {"status": "retired"}, content_type="application/json").status_code == 403
    response = _client(a.admin).patch(url, {"status": "retired"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "retired"
    assert _client(a.admin).delete(url).status_code == 204
    assert not Tool.objects.filter(pk=a.tool.pk).exists()


def test_an_overdue_user_is_named_on_the_coverage_page(two):
    from datetime import timedelta

    from django.utils import timezone

    from schools.models import Assignment

    a, _b = two
    Assignment.objects.filter(cohort=a.cohort).update(due_at=timezone.now() - timedelta(days=1))
    page = _client(a.reviewer).get(f"/school/{a.school.slug}/ai-tools/coverage/").content.decode()
    overdue = page.split("<h3>Overdue</h3>", 1)[1].split("</ul>", 1)[0]
    assert "Two" in overdue  # trainee2 has completed nothing


def test_a_line_with_an_unreadable_date_is_in_error_with_its_column(two):
    a, _b = two
    response = _upload(_client(a.admin), a.school, b"name,category,pilot_on\nGood,llm,\nBad,llm,31/12/2026\n")
    assert response.status_code == 400
    preview = response.context["preview"]
    assert [(r["line"], r["status"]) for r in preview.rows] == [(2, "new"), (3, "error")]
    assert preview.problems[0]["line"] == 3 and preview.problems[0]["column"] == 3


def _french(english: str) -> str:
    from django.utils import translation

    with translation.override("fr"):
        return translation.gettext(english)


def _in_french(english: str) -> str:
    french = _french(english)
    assert french != english  # the catalogue has it: the assertions below would prove nothing otherwise
    return french


def test_a_tools_page_names_its_failure_modes_in_french(two):
    from django.utils.html import escape

    from courses.taxonomy import FAILURE_MODES

    a, _b = two  # the world's tool shows CAL
    body = _client(a.faculty, "fr").get(f"/school/{a.school.slug}/ai-tools/{a.tool.pk}/").content.decode()
    assert escape(_in_french(FAILURE_MODES["CAL"])) in body and FAILURE_MODES["CAL"] not in body


def test_the_register_names_failure_modes_in_french(two):
    from django.utils.html import escape

    from courses.taxonomy import FAILURE_MODES

    a, _b = two
    body = _client(a.faculty, "fr").get(f"/school/{a.school.slug}/ai-tools/").content.decode()
    assert f'title="{escape(_in_french(FAILURE_MODES["CAL"]))}"' in body


def test_the_tool_forms_failure_modes_are_in_french(two):
    from django.utils.html import escape

    from courses.taxonomy import FAILURE_MODES

    a, _b = two
    body = _client(a.admin, "fr").get(f"/school/{a.school.slug}/ai-tools/{a.tool.pk}/edit/").content.decode()
    for code, english in FAILURE_MODES.items():
        assert escape(f"{code} — {_french(english)}") in body, code
        if _french(english) != english:  # "Omission" is French too
            assert english not in body, code


def test_the_evidence_pdf_names_failure_modes_in_french(two):
    from courses.taxonomy import FAILURE_MODES
    from tests.cohorts.test_attestations import pdf_text

    a, _b = two
    drawn = pdf_text(_client(a.reviewer, "fr").get(f"/school/{a.school.slug}/ai-tools/evidence.pdf").content)
    text = re.sub(r"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]).decode("cp1252"), drawn)  # WinAnsi
    assert f"CAL {_in_french(FAILURE_MODES['CAL'])}" in text
