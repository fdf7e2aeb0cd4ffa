"""A cohort export across machines: the page asks, a live Celery worker (its own process, told
of the bucket only by its environment) writes the file into an S3 bucket (moto's S3 server on
loopback), and the web side downloads it through the view that checks who asks. Nothing of it
touches a folder both would have to share."""
import time

import pytest
from django.test import Client
from django.urls import reverse

from cohorts.models import ExportJob
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.integration.test_grading_pipeline import live_db
from tests.s3 import s3_bucket, s3_server, s3_storages  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


def _finished(job_id: int, timeout: float = 60) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ExportJob.objects.get(pk=job_id)
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return job
        time.sleep(0.2)
    pytest.fail(f"export job {job_id} not finished after {timeout} s")


@live_db
def test_an_export_built_by_a_worker_in_the_bucket_is_downloaded_through_the_web(celery_processes, s3_storages,
                                                                                   tmp_path):
    w = populate(world())
    w.reviewer.refresh_from_db()
    client = Client()
    client.force_login(w.reviewer)
    # The worker's private folder is one the web side never reads: only the bucket is shared.
    celery_processes.worker(env={**s3_storages.env, "DJANGO_PRIVATE_FILES_ROOT": str(tmp_path / "worker-only")})

    asked = client.post(reverse("school:exports", args=[w.cohort.pk]), {"kind": "progress", "format": "csv", "course": ""})
    assert asked.status_code == 302
    job = _finished(ExportJob.objects.get().pk)
    assert job.status == ExportJob.Status.DONE, job.error
    assert s3_storages.keys() == [f"private/{job.file.name}"]
    assert not (tmp_path / "worker-only").exists()

    download = client.get(reverse("school:export-download", args=[job.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert b"username,last_name" in body and body == s3_storages.read(f"private/{job.file.name}")
