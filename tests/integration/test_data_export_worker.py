"""A member's archive written by a real Celery worker on PostgreSQL and Redis: the page asks,
the job is published on commit, the worker writes the archive into the shared private storage,
and the member downloads it."""
import io
import json
import time
import zipfile

import pytest
from django.test import Client

from privacy.models import DataExport
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.integration.test_grading_pipeline import live_db

pytestmark = pytest.mark.integration


def _wait(subject, timeout: float = 60) -> DataExport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        export = DataExport.objects.filter(subject=subject).first()
        if export and export.status in (DataExport.Status.DONE, DataExport.Status.FAILED):
            return export
        time.sleep(0.2)
    pytest.fail(f"the archive of {subject} is not written after {timeout} s")


@live_db
def test_a_live_worker_writes_the_members_archive(celery_processes):
    alice = populate(world()).people["alice"]
    alice.refresh_from_db()
    client = Client()
    client.force_login(alice)
    celery_processes.worker(concurrency=1)

    assert client.post("/privacy/my-data/").status_code == 302
    export = _wait(alice)
    assert export.status == DataExport.Status.DONE, export.error

    download = client.get(f"/privacy/my-data/{export.pk}/download/")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert json.loads(archive.read("data.json"))["profile"][0]["username"] == "alice"
