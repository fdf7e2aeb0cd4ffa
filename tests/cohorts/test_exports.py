"""Export jobs: the files' content (CSV, XLSX, the pseudonymised research extract), the job's
life (claim once, progress, failure, sweeper) and who may download. The task body is
called directly here; tests/browser/test_dashboard_exports.py runs it on a live worker."""
import csv
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cohorts import exports, services
from cohorts.models import ExportJob
from schools.models import AuditEvent, Role
from tests.cohorts.test_dashboard_selectors import answer, populate, trainee, world
from tests.cohorts.test_views import client_for
from tests.factories import MembershipFactory
from training.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Files of these tests go to a throwaway folder (settings are loaded before
    tests/conftest.py could point DJANGO_MEDIA_ROOT elsewhere)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def w():
    return populate(world())


@pytest.fixture
def admin(w):
    return MembershipFactory(school=w.cohort.school, role=Role.ADMIN).user


def run(w, user, kind, fmt="csv", course=None) -> ExportJob:
    job = services.export_request(user=user, cohort=w.cohort, kind=kind, fmt=fmt, course=course)
    return services.export_run(job_id=job.pk)


def read_csv(job) -> list[dict]:
    with job.file.open("rb") as f:
        return list(csv.DictReader(io.StringIO(f.read().decode("utf-8-sig"))))


def read_zip(job) -> dict[str, str]:
    with job.file.open("rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


# ---------------------------------------------------------------- requesting

def test_a_request_is_a_pending_job_enqueued_after_commit_and_audited(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    assert (job.status, job.progress, job.salt) == ("pending", 0, "")
    assert len(callbacks) == 1
    event = AuditEvent.objects.get(action="export.request")
    assert (event.actor, event.cohort, event.detail["kind"]) == (w.reviewer, w.cohort, "progress")


@pytest.mark.parametrize("kind, fmt, field", [("everything", "csv", "kind"), ("progress", "pdf", "format")])
def test_a_bad_request_says_what_is_wrong(w, kind, fmt, field):
    with pytest.raises(ApplicationError) as exc:
        services.export_request(user=w.reviewer, cohort=w.cohort, kind=kind, fmt=fmt)
    assert field in exc.value.errors
    assert not ExportJob.objects.exists()


def test_only_school_admins_request_research_extracts(w, admin):
    with pytest.raises(ApplicationError) as exc:
        services.export_request(user=w.reviewer, cohort=w.cohort, kind="research", fmt="csv")
    assert exc.value.status_code == 403
    job = services.export_request(user=admin, cohort=w.cohort, kind="research", fmt="csv")
    assert len(job.salt) == 64


def test_the_export_page_posts_a_job_and_shows_its_progress(w):
    c = client_for(w.reviewer)
    response = c.post(reverse("school:exports", args=[w.cohort.pk]), {"kind": "grades", "format": "xlsx", "course": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("school:export-detail", args=[job.pk])
    detail = c.get(response["Location"])
    assert detail.status_code == 200 and b'<progress id="export-progress" max="100" value="0">' in detail.content
    status = c.get(reverse("school:export-status", args=[job.pk])).json()
    assert status["status"] == "pending" and status["download_url"] is None


def test_the_export_page_refuses_bad_input_with_400(w):
    c = client_for(w.reviewer)
    response = c.post(reverse("school:exports", args=[w.cohort.pk]), {"kind": "research", "format": "csv"})
    assert response.status_code == 400 and "kind" in response.context["form"].errors
    assert not ExportJob.objects.exists()


# ---------------------------------------------------------------- contents

def test_progress_csv_has_a_line_per_trainee_and_module(w):
    job = run(w, w.reviewer, "progress")
    assert (job.status, job.progress, job.rows_written) == ("done", 100, 6)
    assert job.filename.endswith(".csv")
    rows = read_csv(job)
    alice_a = next(r for r in rows if r["username"] == "alice" and r["module"] == "mod-a")
    assert (alice_a["status"], alice_a["items_graded"], alice_a["items_total"]) == ("completed", "3", "3")
    assert float(alice_a["mean_score"]) == pytest.approx(2 / 3, abs=1e-6)
    carol_b = next(r for r in rows if r["username"] == "carol" and r["module"] == "mod-b")
    assert (carol_b["status"], carol_b["mean_score"], carol_b["completed_at"]) == ("not_started", "", "")


def test_grades_csv_has_every_graded_answer_with_the_decision(w):
    rows = read_csv(run(w, w.reviewer, "grades"))
    assert len(rows) == 7
    r1 = next(r for r in rows if r["username"] == "alice" and r["item"] == "r1")
    assert (r1["item_type"], r1["ai_output_correct"], r1["decision"], r1["confidence"], r1["score"]) == (
        "reliance_decision", "0", "accept", "80", "0.0")


def test_measures_xlsx_has_the_measures_of_each_trainee(w):
    job = run(w, w.reviewer, "measures", fmt="xlsx")
    with job.file.open("rb") as f:
        sheet = load_workbook(io.BytesIO(f.read()), read_only=True)["measures"]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    # A row may stop at its last non-empty cell: pad it to the header.
    body = {r[0]: dict(zip(header, r + [None] * (len(header) - len(r)))) for r in rows[1:]}
    assert header[:4] == ["username", "last_name", "first_name", "training_year"]
    assert body["alice"]["automation_bias_rate"] == pytest.approx(0.5)
    assert body["alice"]["mastery_VER"] == pytest.approx(1.0)
    assert body["bob"]["aversion_rate"] == pytest.approx(1.0)
    assert body["carol"]["automation_bias_rate"] is None and body["carol"]["items_graded"] == 0


def test_measures_export_carries_n_and_the_95_bounds_of_each_rate(w):
    from progress.measures import wilson
    job = run(w, w.reviewer, "measures", fmt="xlsx")
    with job.file.open("rb") as f:
        rows = [list(r) for r in load_workbook(io.BytesIO(f.read()), read_only=True)["measures"].iter_rows(values_only=True)]
    header = rows[0]
    body = {r[0]: dict(zip(header, r + [None] * (len(header) - len(r)))) for r in rows[1:]}
    alice = body["alice"]  # 1 of 2 wrong AI outputs accepted
    assert (alice["automation_bias_k"], alice["automation_bias_n"]) == (1, 2)
    low, high = wilson(1, 2)
    assert alice["automation_bias_low"] == pytest.approx(low, abs=1e-6)
    assert alice["automation_bias_high"] == pytest.approx(high, abs=1e-6)
    assert alice["brier_n"] >= 2 and alice["brier_low"] is not None
    assert body["carol"]["automation_bias_n"] == 0 and body["carol"]["automation_bias_low"] is None
    assert "d_prime_max" in header


def test_research_data_dictionary_explains_the_intervals_and_d_prime_correction(w, admin):
    files = read_zip(run(w, admin, "research"))
    readme = files["README.txt"]
    assert "Wilson" in readme and "log-linear correction (Hautus 1995)" in readme and "d_prime_max" in readme
    header = next(csv.reader(io.StringIO(files["trainees.csv"])))
    assert {"automation_bias_n", "automation_bias_low", "automation_bias_high", "brier_low"} <= set(header)
    years = list(csv.DictReader(io.StringIO(files["by_training_year.csv"])))
    assert years[0]["automation_bias_n"] == "suppressed"  # a group under 5 stays suppressed whole


def test_a_course_filter_keeps_only_that_course(w):
    other = world()
    w.cohort.assignments.create(course=other.course)
    job = run(w, w.reviewer, "progress", course=other.course)
    assert {r["course"] for r in read_csv(job)} == {other.course.slug}


def test_text_that_a_spreadsheet_would_run_is_neutralised(w):
    mallory = trainee(w, "mallory", first="=HYPERLINK(\"http://x\")", last="@SUM(A1)")
    answer(w, mallory, "S1", choice="b")
    rows = read_csv(run(w, w.reviewer, "progress"))
    row = next(r for r in rows if r["username"] == "mallory")
    assert row["first_name"].startswith("'=") and row["last_name"].startswith("'@")
    job = run(w, w.reviewer, "progress", fmt="xlsx")
    with job.file.open("rb") as f:
        values = [c for r in load_workbook(io.BytesIO(f.read())).active.iter_rows(values_only=True) for c in r]
    assert "'=HYPERLINK(\"http://x\")" in values


# ---------------------------------------------------------------- the research extract

def test_research_extract_has_no_names_and_stable_pseudonyms_within_one_export(w, admin):
    job = run(w, admin, "research")
    assert job.filename.endswith(".zip")
    files = read_zip(job)
    assert set(files) == {"README.txt", "trainees.csv", "by_training_year.csv", "decisions.csv"}
    everything = "\n".join(files.values())
    for person in w.people.values():
        for identifying in (person.username, person.first_name, person.last_name, person.email):
            assert identifying not in everything
    trainees = list(csv.DictReader(io.StringIO(files["trainees.csv"])))
    decisions = list(csv.DictReader(io.StringIO(files["decisions.csv"])))
    assert len(trainees) == 3 and len(decisions) == 5
    assert [t["pseudonym"] for t in trainees] == sorted(t["pseudonym"] for t in trainees)
    assert {d["pseudonym"] for d in decisions} <= {t["pseudonym"] for t in trainees}
    alice = exports.pseudonym(job.salt, w.people["alice"].pk)
    assert sum(1 for d in decisions if d["pseudonym"] == alice) == 3
    assert next(t for t in trainees if t["pseudonym"] == alice)["automation_bias_rate"] == "0.5"


def test_research_pseudonyms_differ_between_exports(w, admin):
    first, second = run(w, admin, "research"), run(w, admin, "research")
    assert first.salt != second.salt
    p1 = {r["pseudonym"] for r in csv.DictReader(io.StringIO(read_zip(first)["trainees.csv"]))}
    p2 = {r["pseudonym"] for r in csv.DictReader(io.StringIO(read_zip(second)["trainees.csv"]))}
    assert p1.isdisjoint(p2)


def test_research_extract_suppresses_small_cells(w, admin):
    files = read_zip(run(w, admin, "research"))
    years = list(csv.DictReader(io.StringIO(files["by_training_year.csv"])))
    assert [(y["training_year"], y["trainees"], y["automation_bias_rate"]) for y in years] == [
        ("3", "<5", "suppressed"), ("4", "<5", "suppressed")]
    trainees = list(csv.DictReader(io.StringIO(files["trainees.csv"])))
    assert {t["training_year"] for t in trainees} == {"suppressed"}


def test_research_extract_keeps_groups_of_five_and_more(w, admin):
    for i in range(4):
        user = trainee(w, f"y3-{i}", year=3)
        answer(w, user, "R3", decision="accept", confidence=90)
    job = run(w, admin, "research", fmt="xlsx")
    with job.file.open("rb") as f:
        book = load_workbook(io.BytesIO(f.read()), read_only=True)
        years = [r for r in book["by_training_year"].iter_rows(values_only=True)]
        trainees = [r for r in book["trainees"].iter_rows(values_only=True)]
    assert set(book.sheetnames) == {"README", "trainees", "by_training_year", "decisions"}
    year3 = next(r for r in years if r[0] == 3)
    # Year 3: Alice, Carol and 4 new trainees; wrong AI outputs: Alice R1 accepted, R3
    # overridden, four R3 accepted → 5 of 6; answers with a confidence: 2 + 4 = 6.
    assert year3[1] == 6 and year3[4] == pytest.approx(5 / 6)
    year4 = next(r for r in years if r[0] == 4)
    assert year4[1] == "<5"
    assert sorted({r[1] for r in trainees[1:]}, key=str) == [3, "suppressed"]


# ---------------------------------------------------------------- the job's life

def test_a_job_is_built_once_even_when_delivered_twice(w):
    job = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    assert services.export_run(job_id=job.pk).status == "done"
    assert services.export_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.tries == 1


def test_progress_is_reported_while_the_file_is_built(w, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    job = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    calls = []
    _name, content = exports.build(job, on_progress=lambda done, total: calls.append((done, total)))
    content.close()
    assert calls == [(2, 6), (4, 6), (6, 6), (6, 6)]
    done = services.export_run(job_id=job.pk)
    assert (done.progress, done.rows_written) == (100, 6)


def test_a_broken_export_fails_with_its_reason(w, monkeypatch):
    job = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")

    def broken(*args, **kwargs):
        raise ValueError("no such column")

    monkeypatch.setattr(exports, "build", broken)
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "no such column" in job.error and not job.file


def test_a_transient_error_puts_the_job_back_in_line_for_a_retry(w, monkeypatch):
    job = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")

    def flaky(*args, **kwargs):
        raise OperationalError("the database restarted")

    monkeypatch.setattr(exports, "build", flaky)
    with pytest.raises(OperationalError):
        services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "pending" and job.tries == 1


def test_the_export_page_says_when_too_many_exports_are_waiting(w):
    for _ in range(3):
        services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    response = client_for(w.reviewer).post(reverse("school:exports", args=[w.cohort.pk]),
                                           {"kind": "progress", "format": "csv"})
    assert response.status_code == 429
    assert "You already have 3 exports waiting or being written" in response.content.decode()
    assert ExportJob.objects.count() == 3


def test_the_sweeper_reenqueues_lost_and_stale_jobs_and_fails_hopeless_ones(w, monkeypatch, settings):
    settings.VIGIL_EXPORTS_AT_ONCE = 4
    enqueued = []
    monkeypatch.setattr("training.jobs.publish_rollback_unsafe", lambda task_name, job_id: enqueued.append(job_id))
    now = timezone.now()
    lost = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    fresh = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    stale = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    hopeless = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    ExportJob.objects.filter(pk__in=[lost.pk, hopeless.pk]).update(created_at=now - timedelta(minutes=10))
    ExportJob.objects.filter(pk=stale.pk).update(status="running", started_at=now - timedelta(hours=1), tries=1)
    ExportJob.objects.filter(pk=hopeless.pk).update(tries=services.EXPORT_MAX_TRIES)
    assert sorted(services.exports_sweep(now=now)) == sorted([lost.pk, stale.pk])
    assert fresh.pk not in enqueued
    hopeless.refresh_from_db()
    assert hopeless.status == "failed"
    # A stale running job is taken again by the next delivery.
    assert services.export_run(job_id=stale.pk).status == "done"


# ---------------------------------------------------------------- downloads

def test_the_requester_downloads_the_file_and_the_download_is_audited(w):
    job = run(w, w.reviewer, "progress")
    response = client_for(w.reviewer).get(reverse("school:export-download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment") and job.filename in response["Content-Disposition"]
    assert b"username,last_name" in b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="export.download")
    assert (event.actor, event.detail["job"]) == (w.reviewer, job.pk)
    status = client_for(w.reviewer).get(reverse("school:export-status", args=[job.pk])).json()
    assert status["status"] == "done" and status["download_url"] == reverse("school:export-download", args=[job.pk])


def test_only_the_requester_and_school_admins_may_download(w, admin):
    job = run(w, w.reviewer, "progress")
    url = reverse("school:export-download", args=[job.pk])
    colleague = MembershipFactory(school=w.cohort.school, role=Role.REVIEWER).user
    stranger = MembershipFactory(role=Role.ADMIN).user
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(w.people["alice"]).get(url).status_code == 404
    assert client_for(admin).get(url).status_code == 200
    assert client_for(colleague).get(reverse("school:export-detail", args=[job.pk])).status_code == 404


def test_a_requester_who_lost_access_to_the_cohort_cannot_download(w):
    job = run(w, w.reviewer, "progress")
    w.reviewer.memberships.all().delete()
    assert client_for(w.reviewer).get(reverse("school:export-download", args=[job.pk])).status_code == 404


def test_an_unfinished_export_has_nothing_to_download(w):
    job = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    assert client_for(w.reviewer).get(reverse("school:export-download", args=[job.pk])).status_code == 404


def test_an_export_file_is_kept_out_of_the_served_media_folder(w, settings):
    job = run(w, w.reviewer, "progress")
    path = Path(job.file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_FILES_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
