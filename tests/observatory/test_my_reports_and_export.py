"""The report form's register select, a member's own reports (the reply, the withdrawal) and
the reports' CSV export."""
import csv
import io

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from observatory import services
from observatory.models import PracticeReport
from schools.models import AuditEvent, Role
from tests.factories import MembershipFactory, PracticeReportFactory, SchoolFactory, UserFactory
from training.errors import ApplicationError

pytestmark = pytest.mark.django_db

FORM = {"failure_mode": "SHIFT", "severity": "near_miss", "ai_output": "No acute finding.",
        "what_was_wrong": "A pneumothorax was missed.", "clinician_action": ""}


def member(school, role=Role.TRAINEE):
    user = UserFactory()
    MembershipFactory(school=school, user=user, role=role)
    client = Client()
    client.force_login(user)
    return user, client


def register_tool(school, name="Chest X-ray triage", category="imaging"):
    from registry import services as registry_services

    admin = MembershipFactory(school=school, role=Role.ADMIN).user
    with transaction.atomic():
        return registry_services.tool_create(school=school, actor=admin, data={"name": name, "category": category})


# ---------------------------------------------------------------- the form's select

def test_the_form_offers_the_register_by_category_and_another_tool():
    school = SchoolFactory()
    register_tool(school)
    register_tool(school, "Ward scribe", "scribe")
    _user, client = member(school)
    body = client.get(reverse("observatory:new", args=[school.slug])).content.decode()
    assert '<optgroup label="Imaging detection">' in body and ">Chest X-ray triage</option>" in body
    assert '<optgroup label="Documentation and ambient scribe">' in body
    assert '<option value="other">' in body


def test_a_register_tool_chosen_names_the_report():
    school = SchoolFactory()
    tool = register_tool(school)
    _user, client = member(school)
    response = client.post(reverse("observatory:new", args=[school.slug]), {**FORM, "tool": str(tool.pk)})
    assert response.status_code == 302
    report = PracticeReport.objects.get()
    assert (report.tool, report.tool_name, report.tool_category) == (tool, "Chest X-ray triage", "imaging")


def test_a_tool_of_another_school_is_refused_at_the_select():
    school = SchoolFactory()
    elsewhere = register_tool(SchoolFactory())
    _user, client = member(school)
    response = client.post(reverse("observatory:new", args=[school.slug]), {**FORM, "tool": str(elsewhere.pk)})
    assert response.status_code == 400
    assert "not in your school&#x27;s register" in response.content.decode()
    assert not PracticeReport.objects.exists()


def test_another_tool_needs_its_name_and_category():
    school = SchoolFactory()
    _user, client = member(school)
    response = client.post(reverse("observatory:new", args=[school.slug]), {**FORM, "tool": "other"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"tool_name", "tool_category"}


# ---------------------------------------------------------------- my reports

def test_a_member_sees_their_reports_with_status_and_reply_and_no_one_elses():
    school = SchoolFactory()
    user, client = member(school)
    PracticeReportFactory(school=school, reporter=user, status="reviewed", reply="Thank you: a case is coming.")
    PracticeReportFactory(school=school, what_was_wrong="Someone else's report.")
    body = client.get(reverse("observatory:mine")).content.decode()
    assert "Thank you: a case is coming." in body and "Reviewed" in body
    assert "Someone else" not in body


def test_a_new_report_is_withdrawn_by_its_reporter_and_audited():
    school = SchoolFactory()
    user, client = member(school)
    report = PracticeReportFactory(school=school, reporter=user)
    assert client.post(reverse("observatory:withdraw", args=[report.pk])).status_code == 302
    assert not PracticeReport.objects.exists()
    assert AuditEvent.objects.filter(action="observatory.report.withdraw", actor=user,
                                     detail__report=report.pk).exists()


def test_a_triaged_report_cannot_be_withdrawn():
    school = SchoolFactory()
    user, client = member(school)
    report = PracticeReportFactory(school=school, reporter=user, status="reviewed")
    assert client.post(reverse("observatory:withdraw", args=[report.pk])).status_code == 409
    assert PracticeReport.objects.filter(pk=report.pk).exists()


def test_someone_elses_report_cannot_be_withdrawn():
    school = SchoolFactory()
    report = PracticeReportFactory(school=school)
    _user, client = member(school, Role.ADMIN)
    assert client.post(reverse("observatory:withdraw", args=[report.pk])).status_code == 404
    assert PracticeReport.objects.filter(pk=report.pk).exists()


def test_faculty_reply_keeping_the_status_and_the_reply_is_audited():
    school = SchoolFactory()
    report = PracticeReportFactory(school=school)
    _faculty, client = member(school, Role.FACULTY)
    response = client.post(reverse("observatory:detail", args=[school.slug, report.pk]),
                           {"status": "new", "reply": "We are looking at it."})
    report.refresh_from_db()
    assert response.status_code == 302 and (report.status, report.reply) == ("new", "We are looking at it.")
    assert report.replied_at is not None
    assert AuditEvent.objects.filter(action="observatory.report.reply").count() == 1
    assert not AuditEvent.objects.filter(action="observatory.report.status").exists()


def test_a_reply_holding_an_identifier_is_refused_and_nothing_written():
    report = PracticeReportFactory()
    actor = UserFactory()
    with pytest.raises(ApplicationError) as refused, transaction.atomic():
        services.report_set_status(report=report, actor=actor, status="reviewed", reply="Call 06 12 34 56 78")
    assert "reply" in refused.value.errors
    report.refresh_from_db()
    assert (report.status, report.reply) == ("new", "")


# ---------------------------------------------------------------- the CSV

def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_faculty_read_the_filtered_reports_with_reporters_pseudonymised():
    school = SchoolFactory()
    reporter = UserFactory(username="dr-house", email="house@example.org")
    PracticeReportFactory.create_batch(2, school=school, reporter=reporter)
    PracticeReportFactory(school=school, status="closed")
    _faculty, client = member(school, Role.FACULTY)
    response = client.get(reverse("observatory:export", args=[school.slug]) + "?status=new")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(response)
    assert [r["status"] for r in rows] == ["new", "new"]
    assert rows[0]["reporter"].startswith("P-") and rows[0]["reporter"] == rows[1]["reporter"]
    assert "dr-house" not in response.content.decode() and "house@example.org" not in response.content.decode()
    assert AuditEvent.objects.filter(action="observatory.reports.export", detail__names=False,
                                     detail__reports=2).exists()


def test_reviewers_read_who_reported_by_username():
    school = SchoolFactory()
    PracticeReportFactory(school=school, reporter=UserFactory(username="dr-house"))
    _reviewer, client = member(school, Role.REVIEWER)
    assert _rows(client.get(reverse("observatory:export", args=[school.slug])))[0]["reporter"] == "dr-house"


def test_a_formula_in_a_report_is_neutralised_in_the_csv():
    school = SchoolFactory()
    PracticeReportFactory(school=school, ai_output="=HYPERLINK(\"http://x\")")
    _faculty, client = member(school, Role.FACULTY)
    assert _rows(client.get(reverse("observatory:export", args=[school.slug])))[0]["ai_output"].startswith("'=")


def test_a_trainee_cannot_export_the_reports():
    school = SchoolFactory()
    _user, client = member(school)
    assert client.get(reverse("observatory:export", args=[school.slug])).status_code == 404
