"""Attestations of completed courses, the public verification page, revocation and the
cohort's training record."""
import base64
import csv
import io
import re
import zlib

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cohorts import services
from cohorts.attestations import initials, new_code, normalise_code
from cohorts.models import Attestation
from quizzes.models import Response
from schools.models import AuditEvent, Enrollment, Membership, Role
from tests.cohorts.test_dashboard_selectors import answer, populate, world
from tests.cohorts.test_views import client_for
from tests.factories import CaseFactory, CourseVersionFactory, EnrollmentFactory, ItemFactory, MembershipFactory, ModuleFactory
from training.errors import ApplicationError, Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Files of these tests go to a throwaway folder (settings are loaded before
    tests/conftest.py could point DJANGO_MEDIA_ROOT elsewhere)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def pdf_text(data: bytes) -> str:
    """The text drawn in a ReportLab PDF (its streams are ASCII85 + Flate)."""
    assert data.startswith(b"%PDF-")
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2].replace(b"\n", b""))
        try:
            raw = zlib.decompress(raw)
        except zlib.error:
            continue
        out += [t.decode("latin-1") for t in re.findall(rb"\((.*?)\) Tj", raw)]
    return " ".join(out).replace("\\(", "(").replace("\\)", ")")


@pytest.fixture
def w():
    w = populate(world())
    answer(w, w.people["alice"], "R4", decision="accept", confidence=80)  # Alice completes the course
    return w


@pytest.fixture
def issued(w):
    return services.attestations_issue(cohort=w.cohort, course=w.course, issued_by=w.reviewer)


# ---------------------------------------------------------------- codes

def test_codes_are_long_unambiguous_and_forgiving_to_type():
    code = new_code()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}", code)
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("ABCD-EFGH-JKLM-NPQ0") is None  # 0 is never used
    assert normalise_code("ABCD") is None and normalise_code("") is None


def test_initials():
    assert initials(first_name="Claire", last_name="Martin-Dubois", username="cm") == "C. M. D."
    assert initials(first_name="", last_name="", username="zoe") == "Z."


# ---------------------------------------------------------------- issuing

def test_only_trainees_who_completed_every_module_get_an_attestation(w, issued):
    assert [a.trainee for a in issued] == [w.people["alice"]]
    a = issued[0]
    assert (a.course_title, a.version_number, a.version, float(a.hours)) == ("Reliance basics", 1, w.version, 3.5)
    assert a.score == pytest.approx(4 / 5)
    assert a.holder_name == "Alice Archer" and a.holder_initials == "A. A."
    assert [c["code"] for c in a.competencies] == ["OVS", "VER"]
    last = Response.objects.filter(attempt__trainee=w.people["alice"]).order_by("-submitted_at").first()
    assert a.completed_at == last.submitted_at and a.is_valid  # when her last answer was submitted
    event = AuditEvent.objects.get(action="attestation.issue")
    assert event.detail == {"course": w.course.slug, "versions": [1], "issued": 1}


def test_issuing_again_issues_nothing_new(w, issued):
    assert services.attestations_issue(cohort=w.cohort, course=w.course, issued_by=w.reviewer) == []
    assert Attestation.objects.count() == 1


def test_a_new_published_version_needs_its_new_modules(w, issued):
    v2 = CourseVersionFactory(course=w.course, number=2, title="Reliance basics")
    for position, slug in enumerate(["mod-a", "mod-b", "mod-c"], start=1):
        module = ModuleFactory(version=v2, slug=slug, position=position)
        ItemFactory(case=CaseFactory(module=module))
    assert services.attestations_issue(cohort=w.cohort, course=w.course, issued_by=w.reviewer) == []
    assert Attestation.objects.get().is_valid  # the version-1 attestation stands


def test_a_course_not_assigned_to_the_cohort_is_refused(w):
    other = world()
    with pytest.raises(ApplicationError):
        services.attestations_issue(cohort=w.cohort, course=other.course, issued_by=w.reviewer)


def test_reviewers_issue_from_the_page_and_faculty_cannot(w):
    url = reverse("school:attestations", args=[w.cohort.pk])
    teacher = EnrollmentFactory(cohort=w.cohort, role=Enrollment.CohortRole.FACULTY).user
    assert client_for(teacher).post(url, {"action": "issue", "course": w.course.pk}).status_code == 404
    page = client_for(w.reviewer).get(url)
    assert "1 trainee completed it." in page.content.decode() and "Issue 1 attestation" in page.content.decode()
    response = client_for(w.reviewer).post(url, {"action": "issue", "course": w.course.pk}, follow=True)
    assert "1 attestation was issued." in response.content.decode()
    assert Attestation.objects.get().issued_by == w.reviewer
    assert "Every one of them has an attestation." in response.content.decode()
    assert client_for(w.reviewer).post(url, {"action": "issue", "course": "0"}).status_code == 400


# ---------------------------------------------------------------- the PDF

def test_the_pdf_holds_everything_an_attestation_states(w, issued):
    a = issued[0]
    response = client_for(w.reviewer).get(reverse("school:attestation-pdf", args=[a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="attestation-{a.code}.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in ("Alice Archer", "Reliance basics", "Version 1", "Score 80%", "Hours of training 3.5",
                     "OVS", "VER", a.code, f"/verify/?code={a.code}", w.cohort.school.name):
        assert expected in text, expected
    event = AuditEvent.objects.get(action="attestation.download")
    assert (event.actor, event.subject) == (w.reviewer, w.people["alice"])


def test_the_holder_downloads_their_own_and_nobody_else_does(w, issued):
    url = reverse("school:attestation-pdf", args=[issued[0].pk])
    assert client_for(w.people["alice"]).get(url).status_code == 200
    assert not AuditEvent.objects.filter(action="attestation.download").exists()
    assert client_for(w.people["bob"]).get(url).status_code == 404
    assert client_for(MembershipFactory(role=Role.REVIEWER).user).get(url).status_code == 404
    assert Client().get(url).status_code == 302


# ---------------------------------------------------------------- the public check

def test_the_public_page_confirms_a_valid_attestation_and_nothing_more(w, issued):
    a = issued[0]
    response = Client().get(reverse("school:verify"), {"code": a.code.lower().replace("-", " ")})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This attestation is valid." in body
    assert "A. A. completed the course “Reliance basics”" in body
    # The institution and the hours are confirmed too (see the next section); the cohort,
    # the score and the holder's name are not.
    for secret in ("Alice", "Archer", "alice", "80%", w.cohort.name):
        assert secret not in body, secret


def test_the_public_page_says_when_an_attestation_was_revoked(w, issued):
    admin = MembershipFactory(school=w.cohort.school, role=Role.ADMIN).user
    services.attestation_revoke(attestation=issued[0], revoked_by=admin, reason="Completed by someone else.")
    body = Client().get(reverse("school:verify"), {"code": issued[0].code}).content.decode()
    assert "This attestation was revoked." in body and "Completed by someone else." not in body


def test_the_public_page_answers_bad_and_unknown_codes(w):
    assert Client().get(reverse("school:verify")).status_code == 200
    bad = Client().get(reverse("school:verify"), {"code": "not a code"})
    assert bad.status_code == 400 and "16 letters and digits" in bad.content.decode()
    unknown = Client().get(reverse("school:verify"), {"code": "ABCD-EFGH-JKLM-NPQR"})
    assert unknown.status_code == 404 and "No attestation has this code." in unknown.content.decode()


# ---------------------------------------------------------------- revocation

def test_only_school_admins_revoke_with_a_reason(w, issued):
    url = reverse("school:attestations", args=[w.cohort.pk])
    a = issued[0]
    assert client_for(w.reviewer).post(url, {"action": "revoke", "attestation": a.pk, "reason": "x"}).status_code == 404
    admin = MembershipFactory(school=w.cohort.school, role=Role.ADMIN).user
    assert client_for(admin).post(url, {"action": "revoke", "attestation": a.pk, "reason": ""}).status_code == 400
    response = client_for(admin).post(url, {"action": "revoke", "attestation": a.pk, "reason": "Issued in error."})
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.revoked_by, a.revoked_reason, a.is_valid) == (admin, "Issued in error.", False)
    event = AuditEvent.objects.get(action="attestation.revoke")
    assert (event.actor, event.subject) == (admin, w.people["alice"])
    with pytest.raises(Conflict):
        services.attestation_revoke(attestation=a, revoked_by=admin, reason="again")


# ---------------------------------------------------------------- the training record

def test_the_training_record_lists_every_trainee_and_course(w, issued):
    c = client_for(w.reviewer)
    response = c.get(reverse("school:training-record", args=[w.cohort.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["username"], r["status"], r["attestation_code"]) for r in rows] == [
        ("alice", "completed", issued[0].code), ("bob", "in_progress", ""), ("carol", "not_started", "")]
    assert rows[0]["hours"] == "3.5"
    assert rows[0]["completed_on"] == timezone.localtime(issued[0].completed_at).date().isoformat()
    text = pdf_text(c.get(reverse("school:training-record", args=[w.cohort.pk, "pdf"])).content)
    assert "1 of 3 course assignments are completed" in text and "Bob Baker" in text and issued[0].code in text
    assert AuditEvent.objects.filter(action="cohort.training_record.download").count() == 2


def test_faculty_and_strangers_get_no_training_record(w):
    teacher = EnrollmentFactory(cohort=w.cohort, role=Enrollment.CohortRole.FACULTY).user
    assert client_for(teacher).get(reverse("school:training-record", args=[w.cohort.pk, "csv"])).status_code == 404
    assert client_for(w.reviewer).get(reverse("school:training-record", args=[w.cohort.pk, "xls"])).status_code == 404


# ---------------------------------------------------------------- what the document and the check state

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture
def signed(w):
    """The school has a signatory and a logo; Alice has a student number there."""
    school = w.cohort.school
    school.signatory_name, school.signatory_title = "Dr Hélène Roux", "Dean of Medicine"
    school.logo.save("logo.png", ContentFile(PNG_1PX), save=False)
    school.save()
    Membership.objects.filter(school=school, user=w.people["alice"]).update(student_number="S-20431")
    return services.attestations_issue(cohort=w.cohort, course=w.course, issued_by=w.reviewer)[0]


def test_the_pdf_names_institution_signatory_student_number_version_hours_and_competencies(w, signed):
    response = client_for(w.reviewer).get(reverse("school:attestation-pdf", args=[signed.pk]))
    text = pdf_text(response.content)
    for expected in (f"Institution {w.cohort.school.name}", "Dr H", "Dean of Medicine", "Student number S-20431",
                     "Version 1", "Hours of training 3.5", "OVS", "VER"):
        assert expected in text, expected
    assert b"/Subtype /Image" in response.content  # the logo


def test_the_public_page_confirms_institution_version_hours_competencies_and_date(w, signed):
    body = Client().get(reverse("school:verify"), {"code": signed.code}).content.decode()
    assert "This attestation is valid." in body
    for expected in (w.cohort.school.name, "<dd>1</dd>", "<dd>3.5</dd>", "OVS", "VER",
                     date_format(timezone.localtime(signed.completed_at), "DATE_FORMAT")):
        assert expected in body, expected
    for secret in ("Alice", "Archer", "S-20431", "80%", "Roux"):
        assert secret not in body, secret


def test_a_revoked_attestation_issued_again_keeps_both_rows(w, issued):
    admin = MembershipFactory(school=w.cohort.school, role=Role.ADMIN).user
    services.attestation_revoke(attestation=issued[0], revoked_by=admin, reason="Wrong cohort.")
    (again,) = services.attestations_issue(cohort=w.cohort, course=w.course, issued_by=w.reviewer)
    assert again.code != issued[0].code and again.replaces == issued[0] and again.is_valid
    rows = Attestation.objects.filter(trainee=w.people["alice"], version=w.version).order_by("issued_at", "id")
    assert [(a.code, a.is_valid) for a in rows] == [(issued[0].code, False), (again.code, True)]
    page = client_for(admin).get(reverse("school:attestations", args=[w.cohort.pk])).content.decode()
    assert issued[0].code in page and f"replaces {issued[0].code}" in page and "Wrong cohort." in page

