"""The school's attestation settings in the Django admin: signatory and logo (a PNG or JPEG
of at most 512 KB, its name and first bytes agreeing)."""
import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import School
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _post(admin_client, school, logo):
    return admin_client.post(reverse("admin:schools_school_change", args=[school.pk]), {
        "name": school.name, "slug": school.slug, "signatory_name": "Dr Hélène Roux",
        "signatory_title": "Dean of Medicine", "logo": logo,
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })


def test_an_admin_sets_the_signatory_and_a_png_logo(admin_client):
    school = SchoolFactory()
    response = _post(admin_client, school, SimpleUploadedFile("logo.png", PNG_1PX, content_type="image/png"))
    assert response.status_code == 302
    school = School.objects.get(pk=school.pk)
    assert (school.signatory_name, school.signatory_title) == ("Dr Hélène Roux", "Dean of Medicine")
    assert school.logo.name.endswith(".png") and school.logo.read() == PNG_1PX


@pytest.mark.parametrize("name,content", [
    ("logo.gif", b"GIF89a" + b"\0" * 20),  # not a PNG or JPEG
    ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),  # named .png, is not one
    ("logo.png", PNG_1PX + b"\0" * (512 * 1024)),  # too large
])
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(admin_client, name, content):
    school = SchoolFactory()
    response = _post(admin_client, school, SimpleUploadedFile(name, content))
    assert response.status_code == 200 and b"The logo must be" in response.content
    assert not School.objects.get(pk=school.pk).logo
