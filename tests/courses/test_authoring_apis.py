"""The faculty authoring API: who may author, versions, and package upload/download."""
import io
import struct
import zipfile
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from schools.models import Role
from courses.models import Course, CourseVersion
from courses.services import course_package_import
from tests.factories import MembershipFactory, UserFactory

MINIMAL = Path(__file__).parent / "packages" / "minimal"
REPO = Path(__file__).resolve().parents[2]


def client_for(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def faculty(db):
    return MembershipFactory(role=Role.FACULTY).user


@pytest.fixture
def owned_course(faculty):
    version = course_package_import(path=MINIMAL, user=faculty, publish=True)
    Course.objects.filter(pk=version.course_id).update(owner=faculty)
    return version.course


def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.rglob("*"):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def test_faculty_creates_a_course_with_a_draft(faculty):
    response = client_for(faculty).post("/api/v1/authoring/courses/", {"slug": "new-course", "title": "New", "language": "en"}, format="json")
    assert response.status_code == 201
    assert response.json()["versions"][0]["status"] == "draft"
    assert Course.objects.get(slug="new-course").owner == faculty


def test_a_body_nested_100000_deep_is_a_400_naming_the_field_and_creates_nothing(faculty):
    body = '{"slug": "deep", "language": "en", "title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client_for(faculty).post("/api/v1/authoring/courses/", body, content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["title"]
    assert not Course.objects.exists()


def test_a_trainee_cannot_create_a_course(db):
    trainee = MembershipFactory(role=Role.TRAINEE).user
    response = client_for(trainee).post("/api/v1/authoring/courses/", {"slug": "x", "title": "X", "language": "en"}, format="json")
    assert response.status_code == 403
    assert not Course.objects.exists()


def test_another_author_does_not_see_the_course(owned_course):
    stranger = MembershipFactory(role=Role.FACULTY).user
    assert client_for(stranger).get(f"/api/v1/authoring/courses/{owned_course.slug}/").status_code == 404


def test_editing_needs_a_draft_and_publishing_makes_a_new_version(faculty, owned_course):
    c = client_for(faculty)
    assert c.patch(f"/api/v1/authoring/courses/{owned_course.slug}/", {"title": "T2"}, format="json").status_code == 409
    assert c.post(f"/api/v1/authoring/courses/{owned_course.slug}/drafts/").status_code == 201
    assert c.patch(f"/api/v1/authoring/courses/{owned_course.slug}/", {"title": "T2"}, format="json").status_code == 200
    published = c.post(f"/api/v1/authoring/courses/{owned_course.slug}/publish/")
    assert published.status_code == 200
    assert (published.json()["number"], published.json()["title"]) == (2, "T2")
    assert CourseVersion.objects.get(course=owned_course, number=1).status == "published"


def test_withdrawing_a_version(faculty, owned_course):
    response = client_for(faculty).post(f"/api/v1/authoring/courses/{owned_course.slug}/versions/1/withdraw/")
    assert response.json()["status"] == "withdrawn"


def test_a_published_course_cannot_be_deleted(faculty, owned_course):
    assert client_for(faculty).delete(f"/api/v1/authoring/courses/{owned_course.slug}/").status_code == 409


def test_uploading_a_zip_package_with_media(faculty):
    upload = io.BytesIO(zipped(MINIMAL))
    upload.name = "course.zip"
    response = client_for(faculty).post("/api/v1/authoring/packages/", {"file": upload, "publish": "true"}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "published"


def test_an_invalid_package_reports_paths_and_writes_nothing(faculty):
    upload = io.BytesIO(b"format: vigil-course/1\nslug: broken\nlanguage: en\ntitle: B\nhours: 1\nmodules: []\n")
    upload.name = "course.yaml"
    response = client_for(faculty).post("/api/v1/authoring/packages/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Course.objects.filter(slug="broken").exists()


# A "billion laughs": 9 levels of 9 aliases, a few hundred bytes that expand to 9**9 strings.
ALIAS_BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi")
)).encode()


def test_a_yaml_alias_bomb_is_refused_with_the_problem_named(faculty):
    assert len(ALIAS_BOMB) < 500
    upload = io.BytesIO(ALIAS_BOMB)
    upload.name = "course.yaml"
    response = client_for(faculty).post("/api/v1/authoring/packages/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["not valid YAML at line 1, column 4: anchors (&name) are not supported in course packages"],
    }
    assert not Course.objects.exists()


def test_an_archive_with_an_unsafe_name_is_refused(faculty):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil/course.yaml", "slug: x")
    buffer.seek(0)
    buffer.name = "evil.zip"
    response = client_for(faculty).post("/api/v1/authoring/packages/", {"file": buffer}, format="multipart")
    assert response.status_code == 400
    assert "../evil/course.yaml" in response.json()["errors"]


def test_exported_zip_holds_the_yaml_and_media(faculty, owned_course):
    response = client_for(faculty).get(f"/api/v1/authoring/courses/{owned_course.slug}/package/")
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "course.yaml" in names
    assert any(n.startswith("media/") for n in names)


@pytest.mark.parametrize("query, content_type", [("?format=zip", "application/zip"),
                                                 ("?format=yaml", "application/yaml; charset=utf-8")])
def test_the_package_format_is_chosen_by_the_query(faculty, owned_course, query, content_type):
    response = client_for(faculty).get(f"/api/v1/authoring/courses/{owned_course.slug}/package/{query}",
                                       HTTP_ACCEPT="application/zip, application/yaml")
    assert response.status_code == 200 and response["Content-Type"] == content_type


def upload(faculty, content: bytes, name: str):
    file = io.BytesIO(content)
    file.name = name
    return client_for(faculty).post("/api/v1/authoring/packages/", {"file": file}, format="multipart")


def with_line(old: str, new: str) -> bytes:
    """The minimal package zipped, its course.yaml with one line replaced."""
    text = (MINIMAL / "course.yaml").read_text(encoding="utf-8")
    assert old in text
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in MINIMAL.rglob("*"):
            if path.is_file() and path.name != "course.yaml":
                archive.write(path, path.relative_to(MINIMAL).as_posix())
        archive.writestr("course.yaml", text.replace(old, new, 1))
    return buffer.getvalue()


def assert_no_server_path(response):
    body = response.content.decode()
    assert "/tmp" not in body and str(REPO) not in body


@pytest.mark.parametrize("old, new, path", [
    ("title: A minimal course", 'title: "A minimal\\0 course"', "title"),  # YAML's escape of the NUL character
    ("  - slug: verifying-text", '  - slug: verifying-text\n    summary: "Verifying\\0"', "modules[0].summary"),
], ids=["nul", "nested"])
def test_a_package_with_text_that_cannot_be_stored_is_refused_at_its_path(faculty, old, new, path):
    response = upload(faculty, with_line(old, new), "course.zip")
    assert response.status_code == 400
    assert path in response.json()["errors"]
    assert not Course.objects.exists()


def test_a_lone_surrogate_in_the_yaml_is_refused_at_its_line(faculty):
    response = upload(faculty, with_line("title: A minimal course", 'title: "A minimal \\ud800 course"'), "course.zip")
    assert response.status_code == 400
    assert "line 4, column" in " ".join(m for ms in response.json()["errors"].values() for m in ms)
    assert not Course.objects.exists()


def lying_zip(field_offsets: tuple[int, int], change) -> bytes:
    """The minimal package zipped, with one field of course.yaml's local and central headers
    (offsets into each) rewritten by ``change``."""
    content = bytearray(zipped(MINIMAL))
    local = content.find(b"PK\x03\x04")
    while zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("course.yaml").header_offset != local:
        local = content.find(b"PK\x03\x04", local + 4)
    central = content.find(b"PK\x01\x02")
    while not content[central + 46:].startswith(b"course.yaml"):
        central = content.find(b"PK\x01\x02", central + 4)
    for start, offset in ((local, field_offsets[0]), (central, field_offsets[1])):
        (value,) = struct.unpack_from("<I", content, start + offset)
        struct.pack_into("<I", content, start + offset, change(value))
    return bytes(content)


@pytest.mark.parametrize("offsets, change", [
    ((22, 24), lambda size: size - 100),  # the size header lies: smaller than the file
    ((14, 16), lambda crc: crc ^ 0xFFFF),  # the checksum does not match
], ids=["size", "crc"])
def test_a_zip_whose_headers_lie_is_a_400_naming_the_file(faculty, offsets, change):
    response = upload(faculty, lying_zip(offsets, change), "course.zip")
    assert response.status_code == 400
    assert "course.yaml" in response.json()["errors"]
    assert_no_server_path(response)
    assert not Course.objects.exists()


def test_a_course_yaml_that_is_not_utf8_is_refused_without_a_server_path(faculty):
    response = upload(faculty, "title: Cours d’été\n".encode("latin-1", "replace") + b"\xe9\xff", "course.yaml")
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]
    assert_no_server_path(response)
