"""A large package upload imported end to end by a real Celery worker on PostgreSQL and
Redis: the API answers 202 with the job, the job is published on commit, the worker reads
the upload from the shared private storage and imports it; the job's URL then says where."""
import time

import pytest
from rest_framework.test import APIClient

from courses.models import Course, ImportJob
from schools.models import Role
from tests.courses.test_import_jobs import MINIMAL, upload, zipped
from tests.factories import MembershipFactory
from tests.integration.test_grading_pipeline import live_db

pytestmark = pytest.mark.integration


def _wait(job_id: int, timeout: float = 60) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
            return job
        time.sleep(0.2)
    pytest.fail(f"import job {job_id} still {ImportJob.objects.get(pk=job_id).status} after {timeout} s")


@live_db
def test_a_live_worker_imports_a_large_package(celery_processes, settings):
    settings.VIGIL_IMPORT_IN_REQUEST_BYTES = 10  # the web process: every upload is "large"
    author = MembershipFactory(role=Role.FACULTY).user
    client = APIClient()
    client.force_authenticate(author)
    celery_processes.worker(concurrency=1)

    response = client.post("/api/v1/authoring/packages/", {"file": upload(zipped(MINIMAL), "course.zip"),
                                                           "publish": "true"}, format="multipart")
    assert response.status_code == 202

    job = _wait(response.json()["id"])
    assert (job.status, job.progress, job.error) == ("done", 100, "")
    assert not job.upload
    course = Course.objects.get(slug="mini-course")
    assert course.versions.get().status == "published"
    assert client.get(response["Location"]).json()["result"]["version"]["number"] == 1


@live_db
def test_a_live_worker_imports_a_large_question_bank_and_its_page_shows_the_report(celery_processes, settings):
    from django.test import Client
    from django.urls import reverse

    from courses.services import course_create
    from tests.courses.test_import_jobs import bank

    settings.VIGIL_IMPORT_IN_REQUEST_BYTES = 10  # the web process: every upload is "large"
    author = MembershipFactory(role=Role.FACULTY).user
    draft = course_create(slug="big-bank", title="Big bank", language="en", user=author).versions.get()
    client = Client()
    client.force_login(author)
    celery_processes.worker(concurrency=1)

    response = client.post(reverse("studio:questions-import", args=["big-bank"]), {
        "file": upload(bank(30), "bank.xml"), "competency": "OVS", "module_title": "Big bank"})
    assert response.status_code == 302
    job = ImportJob.objects.get(version=draft)
    assert response["Location"] == reverse("studio:import-job", args=[job.pk])

    job = _wait(job.pk)
    assert (job.status, job.progress, job.error) == ("done", 100, "")
    status = client.get(reverse("studio:import-job-status", args=[job.pk])).json()
    assert (status["status"], status["processed"], status["message"]) == ("done", 100, "The import is finished.")
    page = client.get(response["Location"]).content.decode()
    assert "30 questions were imported into the module “Big bank”" in page
    assert page.count('<td data-label="Imported as">Single choice</td>') == 30
    assert "data-poll-url" not in page and 'http-equiv="refresh"' not in page
