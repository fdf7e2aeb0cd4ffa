"""The faculty authoring API: who may author, versions, and package upload/download."""
import io
import zipfile
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from schools.models import Role
from courses.models import Course, CourseVersion
from courses.services import course_package_import
from tests.factories import MembershipFactory, UserFactory

MINIMAL = Path(__file__).parent / "packages" / "minimal"


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
