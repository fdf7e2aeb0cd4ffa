"""API of the cohort's records: export jobs and files, attestations (list, issue, revoke,
PDF, public check, the trainee's own) and the training record. The export task body is
called directly, as in tests/cohorts/test_exports.py."""
import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from cohorts import services
from cohorts.attestations import new_code
from cohorts.models import Attestation, ExportJob
from courses.models import Item
from quizzes import services as quiz_services
from schools.models import AuditEvent, Enrollment, Role
from cohorts.tasks import run_export
from tests.cohorts.test_apis import client_for
from tests.factories import (
    AssignmentFactory, CaseFactory, CohortFactory, CourseVersionFactory, EnrollmentFactory, ItemFactory,
    MembershipFactory, ModuleFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _fresh_verify_throttle():
    """The throttle counts in the cache, which outlives a test: start each test at zero."""
    from django.core.cache import cache

    cache.delete(ScopedRateThrottle.cache_format % {"scope": "attestation_verify", "ident": "127.0.0.1"})


@pytest.fixture
def cohort():
    return CohortFactory()


@pytest.fixture
def module(cohort):
    """A one-module published course of one single-choice item, assigned to the cohort."""
    module = ModuleFactory()
    ItemFactory(case=CaseFactory(module=module))
    AssignmentFactory(cohort=cohort, course=module.version.course)
    return module


@pytest.fixture
def reviewer(cohort):
    return MembershipFactory(school=cohort.school, role=Role.REVIEWER).user


@pytest.fixture
def admin(cohort):
    return MembershipFactory(school=cohort.school, role=Role.ADMIN).user


@pytest.fixture
def issued(cohort):
    return attestation(cohort)


def completer(cohort, module):
    """A trainee of the cohort who completed the module: its item answered and graded, through
    the services (a completion is of a version, counted from the trainee's graded answers)."""
    trainee = EnrollmentFactory(cohort=cohort).user
    MembershipFactory(school=cohort.school, user=trainee, role=Role.TRAINEE)
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    item = Item.objects.get(case__module=module)
    response, _created = quiz_services.response_submit(attempt=attempt, item=item, answer={"answer": "b"})
    quiz_services.response_grade(response_id=response.pk)
    return trainee


def attestation(cohort, trainee=None) -> Attestation:
    """An attestation of a course of its own, as ``services.attestations_issue`` stores it."""
    version = CourseVersionFactory(hours=3.5)
    return Attestation.objects.create(
        code=new_code(), trainee=trainee or EnrollmentFactory(cohort=cohort).user, school=cohort.school,
        cohort=cohort, course=version.course, version=version, holder_name="Alice Archer", holder_initials="A. A.",
        course_title=version.title, version_number=1, completed_at=timezone.now(), score=0.8, hours=3.5,
        competencies=[{"code": "VER", "name": "Verification"}], institution=cohort.school.name, student_number="S-1",
    )


def export(user, cohort) -> ExportJob:
    return services.export_request(user=user, cohort=cohort, kind="progress", fmt="csv")


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def assert_same_cost_for_2_and_20(client, url: str, add_row, *, at_most: int) -> None:
    """As many queries with 20 rows as with 2 (``add_row()`` adds one), and few."""
    for _ in range(2):
        add_row()
    small = query_count(client, url)
    for _ in range(18):
        add_row()
    assert query_count(client, url) == small <= at_most


# ---------------------------------------------------------------- exports

def test_staff_request_an_export_and_get_the_job_to_follow(cohort, module, reviewer):
    response = client_for(reviewer).post(f"{API}/cohorts/{cohort.pk}/exports/",
                                         {"kind": "grades", "format": "xlsx", "course": module.version.course.slug})
    assert response.status_code == 202
    job = ExportJob.objects.get()
    body = response.json()
    assert response["Location"] == body["url"] == f"{API}/exports/{job.pk}/"
    assert (body["kind"], body["format"], body["status"], body["download_url"]) == ("grades", "xlsx", "pending", None)
    assert (job.requested_by, job.course) == (reviewer, module.version.course)


def test_a_fourth_export_while_three_are_pending_is_a_429_and_records_nothing(cohort, module, reviewer):
    url = f"{API}/cohorts/{cohort.pk}/exports/"
    for _ in range(3):
        assert client_for(reviewer).post(url, {"kind": "progress", "format": "csv"}).status_code == 202
    response = client_for(reviewer).post(url, {"kind": "progress", "format": "csv"})
    assert response.status_code == 429
    assert response.json() == {
        "message": "You already have 3 exports waiting or being written; wait until one is ready, then ask again.",
        "errors": {},
    }
    assert ExportJob.objects.count() == 3
    # Another staff member is not held back by the first one's jobs.
    colleague = MembershipFactory(school=cohort.school, role=Role.REVIEWER).user
    assert client_for(colleague).post(url, {"kind": "progress", "format": "csv"}).status_code == 202


def test_exports_per_hour_are_limited_too(cohort, module, reviewer, settings):
    settings.VIGIL_EXPORTS_PER_HOUR = 2
    url = f"{API}/cohorts/{cohort.pk}/exports/"
    for _ in range(2):
        assert client_for(reviewer).post(url, {"kind": "progress", "format": "csv"}).status_code == 202
    ExportJob.objects.update(status=ExportJob.Status.FAILED)  # finished: only the hourly limit is left
    response = client_for(reviewer).post(url, {"kind": "progress", "format": "csv"})
    assert response.status_code == 429 and "in the last hour" in response.json()["message"]


@pytest.mark.parametrize("body, field", [
    ({"kind": "everything", "format": "csv"}, "kind"),
    ({"kind": "progress", "format": "pdf"}, "format"),
    ({"kind": "progress", "format": "csv", "course": "not-assigned"}, "course"),
])
def test_a_bad_export_request_is_a_400_naming_the_field(cohort, module, reviewer, body, field):
    response = client_for(reviewer).post(f"{API}/cohorts/{cohort.pk}/exports/", body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not ExportJob.objects.exists()


def test_a_reviewer_may_not_request_a_research_extract(cohort, reviewer):
    response = client_for(reviewer).post(f"{API}/cohorts/{cohort.pk}/exports/", {"kind": "research", "format": "csv"})
    assert response.status_code == 403
    assert response.json()["errors"] == {"kind": ["Not allowed for your role."]}


def test_a_school_admin_requests_a_research_extract(cohort, admin):
    response = client_for(admin).post(f"{API}/cohorts/{cohort.pk}/exports/", {"kind": "research", "format": "csv"})
    assert response.status_code == 202


def test_the_export_list_has_the_callers_own_jobs(cohort, reviewer, admin):
    mine = export(reviewer, cohort)
    export(admin, cohort)
    body = client_for(reviewer).get(f"{API}/cohorts/{cohort.pk}/exports/").json()
    assert [j["id"] for j in body["results"]] == [mine.pk]


def test_the_export_list_costs_the_same_for_2_and_20_jobs(cohort, reviewer, settings):
    settings.VIGIL_EXPORTS_AT_ONCE = settings.VIGIL_EXPORTS_PER_HOUR = 20
    assert_same_cost_for_2_and_20(client_for(reviewer), f"{API}/cohorts/{cohort.pk}/exports/",
                                  lambda: export(reviewer, cohort), at_most=3)


def test_the_job_status_has_every_field(cohort, reviewer):
    job = export(reviewer, cohort)
    body = client_for(reviewer).get(f"{API}/exports/{job.pk}/").json()
    assert set(body) == {"id", "kind", "format", "status", "status_label", "progress", "rows", "error", "filename",
                         "created_at", "finished_at", "url", "download_url"}
    assert (body["status_label"], body["error"], body["finished_at"]) == ("Waiting for a worker", None, None)


def test_a_failed_job_says_why(cohort, reviewer):
    job = export(reviewer, cohort)
    services.export_mark_failed(job_id=job.pk, reason="ValueError: broken")
    body = client_for(reviewer).get(f"{API}/exports/{job.pk}/").json()
    assert (body["status"], body["error"], body["download_url"]) == ("failed", "ValueError: broken", None)


def test_a_colleague_may_not_see_the_job_of_a_reviewer(cohort, reviewer):
    job = export(reviewer, cohort)
    colleague = MembershipFactory(school=cohort.school, role=Role.REVIEWER).user
    assert client_for(colleague).get(f"{API}/exports/{job.pk}/").status_code == 404
    assert client_for(colleague).get(f"{API}/exports/{job.pk}/file/").status_code == 404


def test_the_file_of_an_unfinished_job_is_a_409(cohort, reviewer):
    job = export(reviewer, cohort)
    response = client_for(reviewer).get(f"{API}/exports/{job.pk}/file/")
    assert response.status_code == 409
    assert response.json() == {"message": "There is no file yet: the export is “Waiting for a worker”.",
                               "errors": {"status": ["pending"]}}
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_an_export_from_request_to_file(cohort, module, reviewer):
    EnrollmentFactory(cohort=cohort)
    c = client_for(reviewer)
    job_url = c.post(f"{API}/cohorts/{cohort.pk}/exports/", {"kind": "progress", "format": "csv"})["Location"]
    run_export(ExportJob.objects.get().pk)  # the Celery task's body, as a worker runs it
    status = c.get(job_url).json()
    assert (status["status"], status["progress"], status["rows"]) == ("done", 100, 1)
    response = c.get(status["download_url"], HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert content.startswith("username,last_name,first_name,email,training_year,course,")
    assert AuditEvent.objects.filter(action="export.download", actor=reviewer).count() == 1


# ---------------------------------------------------------------- attestations

def test_the_attestation_list_has_each_attestation_and_the_completions(cohort, module, reviewer, issued):
    completer(cohort, module)
    body = client_for(reviewer).get(f"{API}/cohorts/{cohort.pk}/attestations/").json()
    assert body["courses"] == [{"course": module.version.course.slug, "title": module.version.title,
                                "version_number": 1, "completed": 1, "waiting": 1,
                                "versions": [{"version_number": 1, "completed": 1, "waiting": 1}]}]
    (row,) = body["results"]
    assert row == {
        "id": issued.pk, "code": issued.code, "trainee_id": issued.trainee_id,
        "trainee_username": issued.trainee.username, "trainee_name": "Alice Archer",
        "course_slug": issued.course.slug, "course_title": issued.course_title, "version_number": 1,
        "completed_at": row["completed_at"], "score": 0.8, "hours": 3.5, "issued_at": row["issued_at"],
        "revoked_at": None, "valid": True, "pdf_url": f"{API}/attestations/{issued.pk}/pdf/",
        "competencies": [{"code": "VER", "name": "Verification"}], "institution": cohort.school.name,
        "student_number": "S-1", "replaces": None, "revoked_reason": "",
    }
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.cohort) == (reviewer, "cohort.attestations.read", cohort)


def test_the_attestation_list_costs_the_same_for_2_and_20_attestations(cohort, module, reviewer):
    assert_same_cost_for_2_and_20(client_for(reviewer), f"{API}/cohorts/{cohort.pk}/attestations/",
                                  lambda: attestation(cohort), at_most=9)


def test_a_reviewer_issues_attestations_to_every_completer(cohort, module, reviewer):
    trainee = completer(cohort, module)
    response = client_for(reviewer).post(f"{API}/cohorts/{cohort.pk}/attestations/",
                                         {"course": module.version.course.slug})
    assert response.status_code == 201
    issued = Attestation.objects.get()
    assert response.json() == {"issued": 1, "codes": [issued.code]}
    assert (issued.trainee, issued.issued_by) == (trainee, reviewer)


def test_faculty_may_not_issue_attestations(cohort, module):
    teacher = EnrollmentFactory(cohort=cohort, role=Enrollment.CohortRole.FACULTY).user
    response = client_for(teacher).post(f"{API}/cohorts/{cohort.pk}/attestations/",
                                        {"course": module.version.course.slug})
    assert response.status_code == 403


def test_attestations_of_a_course_not_assigned_are_a_400(cohort, module, reviewer):
    other = ModuleFactory()
    response = client_for(reviewer).post(f"{API}/cohorts/{cohort.pk}/attestations/",
                                         {"course": other.version.course.slug})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["course"]


def test_a_school_admin_revokes_an_attestation(cohort, admin, issued):
    response = client_for(admin).post(f"{API}/attestations/{issued.pk}/revoke/", {"reason": "Issued in error."})
    assert response.status_code == 200
    assert (response.json()["valid"], response.json()["revoked_at"] is not None) == (False, True)
    issued.refresh_from_db()
    assert (issued.revoked_by, issued.revoked_reason) == (admin, "Issued in error.")


def test_a_second_revocation_is_a_409(cohort, admin, issued):
    c = client_for(admin)
    c.post(f"{API}/attestations/{issued.pk}/revoke/", {"reason": "Issued in error."})
    response = c.post(f"{API}/attestations/{issued.pk}/revoke/", {"reason": "Again."})
    assert response.status_code == 409
    assert response.json()["message"] == "This attestation was already revoked."


def test_a_revocation_needs_a_reason(cohort, admin, issued):
    response = client_for(admin).post(f"{API}/attestations/{issued.pk}/revoke/", {"reason": ""})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["reason"]


def test_a_reviewer_sees_an_attestation_but_may_not_revoke_it(cohort, reviewer, issued):
    response = client_for(reviewer).post(f"{API}/attestations/{issued.pk}/revoke/", {"reason": "x"})
    assert response.status_code == 403
    issued.refresh_from_db()
    assert issued.is_valid


def test_the_holder_downloads_their_own_pdf_unaudited(cohort, issued):
    response = client_for(issued.trainee).get(f"{API}/attestations/{issued.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f'filename="attestation-{issued.code}.pdf"' in response["Content-Disposition"]
    assert not AuditEvent.objects.exists()


def test_a_staff_download_of_a_pdf_is_audited(cohort, reviewer, issued):
    assert client_for(reviewer).get(f"{API}/attestations/{issued.pk}/pdf/").status_code == 200
    event = AuditEvent.objects.get(action="attestation.download")
    assert (event.actor, event.subject) == (reviewer, issued.trainee)


def test_a_trainee_gets_their_own_attestations_of_every_school(cohort, issued):
    elsewhere = attestation(CohortFactory(), trainee=issued.trainee)
    attestation(cohort)  # somebody else's
    body = client_for(issued.trainee).get(f"{API}/me/attestations/").json()
    assert sorted(a["code"] for a in body["results"]) == sorted([issued.code, elsewhere.code])
    assert {a["school"] for a in body["results"]} == {cohort.school.name, elsewhere.school.name}
    assert body["results"][0]["pdf_url"] == f"{API}/attestations/{body['results'][0]['id']}/pdf/"


def test_my_attestations_cost_the_same_for_2_and_20(cohort):
    trainee = EnrollmentFactory(cohort=cohort).user
    assert_same_cost_for_2_and_20(client_for(trainee), f"{API}/me/attestations/",
                                  lambda: attestation(cohort, trainee=trainee), at_most=1)


# ---------------------------------------------------------------- the public check

def test_anyone_verifies_a_code_and_learns_nothing_else(issued):
    response = APIClient().get(f"{API}/attestations/verify/{issued.code.lower().replace('-', ' ')}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"valid", "code", "holder_initials", "institution", "course_title", "version_number",
                         "completed_at", "hours", "competencies", "revoked_at"}
    assert (body["valid"], body["code"], body["holder_initials"], body["hours"]) == (True, issued.code, "A. A.", 3.5)
    assert (body["institution"], body["competencies"]) == (
        issued.school.name, [{"code": "VER", "name": "Verification"}])
    assert "Alice" not in response.content.decode()


def test_a_revoked_attestation_is_verified_as_not_valid(admin, issued):
    services.attestation_revoke(attestation=issued, revoked_by=admin, reason="Completed by someone else.")
    body = APIClient().get(f"{API}/attestations/verify/{issued.code}/").json()
    assert body["valid"] is False and body["revoked_at"] is not None
    assert "someone else" not in str(body)


def test_a_malformed_code_is_a_400_that_says_what_a_code_looks_like(db):
    response = APIClient().get(f"{API}/attestations/verify/not-a-code/")
    assert response.status_code == 400
    message = "A verification code has 16 letters and digits, such as ABCD-EFGH-JKLM-NPQR."
    assert response.json() == {"message": message, "errors": {"code": [message]}}


def test_an_unknown_code_is_a_404(db):
    response = APIClient().get(f"{API}/attestations/verify/ABCD-EFGH-JKLM-NPQR/")
    assert response.status_code == 404
    assert response.json()["message"] == "No attestation has this code."


def test_the_public_check_is_throttled(issued, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"attestation_verify": "2/minute"})
    c = APIClient()
    url = f"{API}/attestations/verify/{issued.code}/"
    assert [c.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_public_check_ignores_a_session_and_needs_no_csrf_token(reviewer, issued):
    c = APIClient(enforce_csrf_checks=True)
    c.force_login(reviewer)
    assert c.get(f"{API}/attestations/verify/{issued.code}/").status_code == 200


# ---------------------------------------------------------------- the training record

def test_the_training_record_as_json(cohort, module, reviewer):
    trainee = completer(cohort, module)
    body = client_for(reviewer).get(f"{API}/cohorts/{cohort.pk}/training-record/").json()
    (row,) = body["results"]
    assert (row["username"], row["course_slug"], row["status"], row["attestation_code"]) == (
        trainee.username, module.version.course.slug, "completed", None)
    event = AuditEvent.objects.get()
    assert (event.action, event.detail) == ("cohort.training_record.download", {"format": "json", "rows": 1})


def test_the_training_record_as_csv(cohort, module, reviewer):
    trainee = completer(cohort, module)
    response = client_for(reviewer).get(f"{API}/cohorts/{cohort.pk}/training-record/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["username"], r["status"]) for r in rows] == [(trainee.username, "completed")]


def test_the_training_record_as_pdf(cohort, module, reviewer):
    response = client_for(reviewer).get(f"{API}/cohorts/{cohort.pk}/training-record/", {"format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].endswith('.pdf"')


def test_an_unknown_training_record_format_is_a_400(cohort, reviewer):
    response = client_for(reviewer).get(f"{API}/cohorts/{cohort.pk}/training-record/", {"format": "xls"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["format"]


def test_faculty_get_no_training_record(cohort):
    teacher = EnrollmentFactory(cohort=cohort, role=Enrollment.CohortRole.FACULTY).user
    assert client_for(teacher).get(f"{API}/cohorts/{cohort.pk}/training-record/").status_code == 403


def test_the_training_record_costs_the_same_for_2_and_20_trainees(cohort, module, reviewer):
    # 11: two more than before, the completions per version counted in SQL and their versions.
    assert_same_cost_for_2_and_20(client_for(reviewer), f"{API}/cohorts/{cohort.pk}/training-record/",
                                  lambda: completer(cohort, module), at_most=11)


# ---------------------------------------------------------------- who sees what

STAFF_ENDPOINTS = [
    ("get", "/cohorts/{cohort}/exports/"),
    ("post", "/cohorts/{cohort}/exports/"),
    ("get", "/exports/{job}/"),
    ("get", "/exports/{job}/file/"),
    ("get", "/cohorts/{cohort}/attestations/"),
    ("post", "/cohorts/{cohort}/attestations/"),
    ("post", "/attestations/{attestation}/revoke/"),
    ("get", "/attestations/{attestation}/pdf/"),
    ("get", "/cohorts/{cohort}/training-record/"),
]


@pytest.fixture
def records(cohort, module, reviewer, issued):
    """What the staff endpoints act on, and a body that would be valid for each POST."""
    ids = {"cohort": cohort.pk, "job": export(reviewer, cohort).pk, "attestation": issued.pk}
    body = {"kind": "progress", "format": "csv", "course": module.version.course.slug, "reason": "x"}
    return ids, body


@pytest.mark.parametrize("method, path", STAFF_ENDPOINTS)
def test_a_reviewer_of_another_school_gets_404_everywhere(records, method, path):
    ids, body = records
    stranger = MembershipFactory(role=Role.REVIEWER).user
    response = getattr(client_for(stranger), method)(API + path.format(**ids), body if method == "post" else None)
    assert response.status_code == 404


@pytest.mark.parametrize("method, path", STAFF_ENDPOINTS)
def test_a_trainee_of_the_cohort_gets_404_on_staff_endpoints(cohort, records, method, path):
    ids, body = records
    trainee = EnrollmentFactory(cohort=cohort).user
    response = getattr(client_for(trainee), method)(API + path.format(**ids), body if method == "post" else None)
    assert response.status_code == 404


def test_signed_out_callers_get_403_on_everything_but_the_public_check(records):
    ids, _body = records
    assert APIClient().get(f"{API}/cohorts/{ids['cohort']}/exports/").status_code == 403
    assert APIClient().get(f"{API}/me/attestations/").status_code == 403


def test_the_openapi_schema_describes_the_new_endpoints(client):
    content = client.get("/api/schema/").content
    for path in (b"/api/v1/cohorts/{cohort_id}/exports/", b"/api/v1/exports/{job_id}/file/",
                 b"/api/v1/attestations/verify/{code}/", b"/api/v1/me/attestations/"):
        assert path in content, path
