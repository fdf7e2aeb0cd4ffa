"""Large imports run as background jobs (courses.import_jobs): the request keeps the upload
and answers with a job; the task body (called directly here) imports it all or nothing and
records the result or every problem. tests/integration/test_import_worker.py runs one on a
live worker."""
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courses import import_jobs
from courses.models import Course, ImportJob, Item, Module
from courses.tasks import ImportTask, run_import
from schools.models import Role
from tests.courses.test_authoring_apis import ALIAS_BOMB
from tests.courses.test_moodle_gift import RED, author, draft, embedded, question, quiz  # noqa: F401 - fixtures
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MINIMAL = Path(__file__).parent / "packages" / "minimal"


@pytest.fixture(autouse=True)
def small_threshold(settings):
    """Every upload of these tests is "large"."""
    settings.VIGIL_IMPORT_IN_REQUEST_BYTES = 10


def bank(n: int = 3) -> bytes:
    return quiz(*(question(f"Question {i}", f'<p>Film {i}: <img src="@@PLUGINFILE@@/f{i}.png" alt="film"></p>',
                           embedded(f"f{i}.png", RED)) for i in range(n)))


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(data: bytes, name: str):
    file = io.BytesIO(data)
    file.name = name
    return file


def post_bank(author, draft, data: bytes):  # noqa: F811 - the imported fixtures
    return page_client(author).post(reverse("studio:questions-import", args=[draft.course.slug]), {
        "file": upload(data, "bank.xml"), "competency": "OVS", "module_title": "Big bank",
    })


# ---------------------------------------------------------------- questions through the studio

def test_a_large_question_file_becomes_a_job_and_its_page(author, draft):  # noqa: F811
    response = post_bank(author, draft, bank())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("studio:import-job", args=[job.pk])
    assert (job.kind, job.status, job.version, job.requested_by) == ("questions", "pending", draft, author)
    assert not Module.objects.filter(version=draft).exists()  # nothing imported in the request
    page = page_client(author).get(response["Location"])
    assert page.status_code == 200 and 'data-poll-url="/studio/imports/%d/status/"' % job.pk in page.content.decode()
    assert page_client(author).get(reverse("studio:import-job-status", args=[job.pk])).json()["status"] == "pending"


def test_the_task_body_imports_the_questions_and_the_page_shows_the_report(author, draft):  # noqa: F811
    post_bank(author, draft, bank())
    job = ImportJob.objects.get()
    storage, upload_name = job.upload.storage, job.upload.name
    assert storage.exists(upload_name)

    run_import.run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.progress, job.result["imported"]) == ("done", 100, 3)
    module = Module.objects.get(version=draft, title="Big bank")
    assert Item.objects.filter(case__module=module).count() == 3
    assert not job.upload and not storage.exists(upload_name)  # the upload is gone
    page = page_client(author).get(reverse("studio:import-job", args=[job.pk])).content.decode()
    assert "3 questions were imported into the module “Big bank”" in page and "data-poll-url" not in page
    status = page_client(author).get(reverse("studio:import-job-status", args=[job.pk])).json()
    assert (status["status"], status["processed"], status["total"]) == ("done", 100, 100)


def test_a_second_delivery_of_the_job_does_nothing(author, draft):  # noqa: F811
    post_bank(author, draft, bank())
    job = ImportJob.objects.get()
    assert import_jobs.import_job_run(job_id=job.pk).status == "done"
    assert import_jobs.import_job_run(job_id=job.pk) is None
    assert Item.objects.count() == 3


def test_a_refused_question_file_fails_the_job_with_the_reason_and_writes_nothing(author, draft):  # noqa: F811
    post_bank(author, draft, b"<quiz><oops>" + b" " * 20)
    job = import_jobs.import_job_run(job_id=ImportJob.objects.get().pk)
    assert job.status == "failed" and job.result["problems"]
    assert "not valid XML" in job.result["problems"][0][1]
    assert not Module.objects.filter(version=draft).exists()
    page = page_client(author).get(reverse("studio:import-job", args=[job.pk])).content.decode()
    assert "Nothing was imported." in page and "not valid XML" in page
    assert "/tmp" not in page and str(Path.cwd()) not in page  # no server path


def test_only_the_uploader_sees_the_job(author, draft):  # noqa: F811
    post_bank(author, draft, bank())
    job = ImportJob.objects.get()
    colleague = MembershipFactory(role=Role.FACULTY).user
    colleague.save(update_fields=["password"])
    assert page_client(colleague).get(reverse("studio:import-job", args=[job.pk])).status_code == 404
    assert page_client(colleague).get(reverse("studio:import-job-status", args=[job.pk])).status_code == 404
    assert api_client(colleague).get(f"/api/v1/authoring/imports/{job.pk}/").status_code == 404


# ---------------------------------------------------------------- packages through the API

def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.rglob("*"):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def test_a_large_package_is_a_202_with_the_job_to_poll_and_the_task_imports_it(author):  # noqa: F811
    response = api_client(author).post("/api/v1/authoring/packages/",
                                       {"file": upload(zipped(MINIMAL), "course.zip"), "publish": "true"},
                                       format="multipart")
    assert response.status_code == 202
    job = ImportJob.objects.get()
    assert response["Location"] == response.json()["url"] == f"/api/v1/authoring/imports/{job.pk}/"
    assert not Course.objects.exists()

    run_import.run(job.pk)

    body = api_client(author).get(response["Location"]).json()
    assert (body["status"], body["progress"]) == ("done", 100)
    assert body["result"]["version"] == {"slug": "mini-course", "number": 1, "status": "published"}


def test_an_alias_bomb_as_a_large_package_fails_its_job_at_once_naming_the_problem(author):  # noqa: F811
    response = api_client(author).post("/api/v1/authoring/packages/", {"file": upload(ALIAS_BOMB, "course.yaml")},
                                       format="multipart")
    job = import_jobs.import_job_run(job_id=response.json()["id"])
    assert job.status == "failed"
    assert job.result["problems"] == [
        ["", "not valid YAML at line 1, column 4: anchors (&name) are not supported in course packages"],
    ]
    assert not Course.objects.exists()


def test_a_package_of_another_authors_course_fails_in_the_job_too(author):  # noqa: F811
    from courses.services import course_package_import

    course_package_import(path=MINIMAL, user=MembershipFactory(role=Role.FACULTY).user)
    response = api_client(author).post("/api/v1/authoring/packages/",
                                       {"file": upload((MINIMAL / "course.yaml").read_bytes(), "course.yaml")},
                                       format="multipart")
    job = import_jobs.import_job_run(job_id=response.json()["id"])
    assert job.status == "failed" and "belongs to other authors" in job.error
    assert Course.objects.get().versions.count() == 1


# ---------------------------------------------------------------- failures and the sweeper

def test_an_error_of_ours_marks_the_job_failed_with_the_reason(author, draft, monkeypatch):  # noqa: F811
    post_bank(author, draft, bank())
    job = ImportJob.objects.get()
    monkeypatch.setattr(import_jobs, "questions_import", lambda **kwargs: 1 / 0)
    ImportTask.on_permanent_failure(run_import, job.pk, reason="ZeroDivisionError: division by zero")
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "ZeroDivisionError: division by zero") and not job.upload


def test_the_sweeper_sends_lost_jobs_again_and_fails_hopeless_ones(author, draft, monkeypatch):  # noqa: F811
    sent = []
    monkeypatch.setattr(import_jobs, "publish_rollback_unsafe", lambda name, job_id: sent.append(job_id))
    post_bank(author, draft, bank())
    post_bank(author, draft, bank())
    lost, hopeless = ImportJob.objects.order_by("pk")
    ImportJob.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    ImportJob.objects.filter(pk=hopeless.pk).update(tries=import_jobs.IMPORT_MAX_TRIES)
    assert import_jobs.imports_sweep() == [lost.pk] == sent
    hopeless.refresh_from_db()
    assert hopeless.status == "failed"


def test_a_small_upload_is_still_imported_in_the_request(author, draft, settings):  # noqa: F811
    settings.VIGIL_IMPORT_IN_REQUEST_BYTES = 10 * 1024 * 1024
    response = post_bank(author, draft, bank())
    assert response.status_code == 200 and "3 questions were imported" in response.content.decode()
    assert not ImportJob.objects.exists()
