"""Files in an S3-compatible bucket (VIGIL_S3_BUCKET), against moto's S3 server on loopback:
private files and media land in the bucket under their prefixes, downloads go through the
views that check who asks, media through the app's /media/ view with its headers."""
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.test import RequestFactory
from django.urls import clear_url_caches, reverse

from cohorts import services
from cohorts.models import ExportJob
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.cohorts.test_views import client_for
from tests.s3 import s3_bucket, s3_server, s3_storages  # noqa: F401 - fixtures
from training.media import serve_media
from training.storage import private_storage
from training.storage_settings import s3_options

ROOT = Path(__file__).resolve().parents[2]
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>'


def _storages_of_a_fresh_process(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_S3_")}
    env.update(DJANGO_SETTINGS_MODULE="training.settings", **extra)
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.STORAGES, default=str))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_a_bucket_files_stay_in_the_machines_folders():
    read = _storages_of_a_fresh_process(DJANGO_PRIVATE_FILES_ROOT="/srv/vigil/private")
    assert read["default"]["BACKEND"] == read["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert read["private"]["OPTIONS"]["location"] == "/srv/vigil/private"


def test_with_a_bucket_media_and_private_files_go_to_it_under_their_own_prefixes():
    read = _storages_of_a_fresh_process(VIGIL_S3_BUCKET="vigil-files", VIGIL_S3_ENDPOINT_URL="http://10.0.0.5:9000",
                                        VIGIL_S3_REGION="eu-west-3")
    assert (read["default"]["BACKEND"], read["default"]["OPTIONS"]["location"]) == ("training.s3.MediaS3Storage", "media")
    assert (read["private"]["BACKEND"], read["private"]["OPTIONS"]["location"]) == ("storages.backends.s3.S3Storage",
                                                                                  "private")
    for options in (read["default"]["OPTIONS"], read["private"]["OPTIONS"]):
        assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
            "vigil-files", "http://10.0.0.5:9000", "eu-west-3")
        assert options["default_acl"] is None and options["file_overwrite"] is False


def test_keys_left_unset_leave_boto3_its_own_credential_chain():
    options = s3_options(bucket="vigil-files")
    assert "access_key" not in options and "secret_key" not in options and "endpoint_url" not in options


@pytest.mark.django_db
def test_an_export_lands_in_the_bucket_and_downloads_through_the_checked_view(s3_storages):
    w = populate(world())
    job = services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")
    job = services.export_run(job_id=job.pk)
    assert job.status == ExportJob.Status.DONE, job.error
    assert s3_storages.keys() == [f"private/{job.file.name}"]

    response = client_for(w.reviewer).get(reverse("school:export-download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3_storages.read(f"private/{job.file.name}")
    assert client_for(w.people["alice"]).get(reverse("school:export-download", args=[job.pk])).status_code == 404


def test_a_name_already_in_the_bucket_is_never_overwritten(s3_storages):
    first = private_storage.save("exports/a.csv", ContentFile(b"first"))
    second = private_storage.save("exports/a.csv", ContentFile(b"second"))
    assert first != second and s3_storages.read(f"private/{first}") == b"first"


def test_media_are_addressed_through_the_apps_media_view_and_served_with_its_headers(s3_storages):
    name = default_storage.save("courses/abc.svg", ContentFile(SVG))
    assert s3_storages.keys() == ["media/courses/abc.svg"]
    assert default_storage.url(name) == "/media/courses/abc.svg"

    response = serve_media(RequestFactory().get("/media/courses/abc.svg"), name)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert b"".join(response.streaming_content) == SVG


def test_a_missing_media_file_is_a_404(s3_storages):
    with pytest.raises(Http404):
        serve_media(RequestFactory().get("/media/courses/none.png"), "courses/none.png")


def test_the_media_view_never_reaches_the_private_files(s3_storages):
    private_storage.save("exports/secret.csv", ContentFile(b"names"))
    with pytest.raises(Http404):
        serve_media(RequestFactory().get("/media/../private/exports/secret.csv"), "../private/exports/secret.csv")


def test_with_a_bucket_the_media_url_is_routed_in_production(settings, s3_storages, client):
    import training.urls

    default_storage.save("courses/abc.svg", ContentFile(SVG))
    settings.DEBUG = False
    try:
        importlib.reload(training.urls)
        clear_url_caches()
        response = client.get("/media/courses/abc.svg")
        assert response.status_code == 200 and "sandbox" in response["Content-Security-Policy"]
    finally:
        settings.VIGIL_S3_BUCKET = ""
        importlib.reload(training.urls)
        clear_url_caches()
