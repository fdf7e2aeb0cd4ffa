"""Media served by the app (DEBUG, the demo): no file can run script on the app's origin."""
import importlib

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.test import RequestFactory
from django.urls import clear_url_caches

from training.media import serve_media

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>'


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "courses").mkdir()
    (tmp_path / "courses" / "abc.svg").write_bytes(SVG)
    (tmp_path / "courses" / "notes.txt").write_bytes(b"<script>alert(1)</script>")
    return tmp_path


def test_an_svg_is_served_sandboxed_with_no_script_and_its_type_fixed(media_root):
    response = serve_media(RequestFactory().get("/media/courses/abc.svg"), "courses/abc.svg")

    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="abc.svg"'
    assert b"".join(response.streaming_content) == SVG


def test_a_file_that_is_not_an_image_is_a_download(media_root):
    response = serve_media(RequestFactory().get("/media/courses/notes.txt"), "courses/notes.txt")

    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert "sandbox" in response["Content-Security-Policy"]


def test_nothing_outside_the_media_root_is_served(media_root):
    with pytest.raises((Http404, SuspiciousFileOperation)):  # a 404 or a 400
        serve_media(RequestFactory().get("/media/../secret"), "../secret")


def test_in_debug_the_media_url_goes_through_this_view(settings, media_root, client):
    import training.urls

    settings.DEBUG = True
    try:
        importlib.reload(training.urls)
        clear_url_caches()
        response = client.get("/media/courses/abc.svg")
        assert response.status_code == 200 and "sandbox" in response["Content-Security-Policy"]
    finally:
        settings.DEBUG = False
        importlib.reload(training.urls)
        clear_url_caches()
