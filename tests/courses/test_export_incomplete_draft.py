"""A draft of imported questions has cases without an AI output: its package would fail its
own schema. Exporting it names what is missing (which case, in words an author knows) rather
than handing out a package that will not import; asking for it "as it is" still works."""
import io
import zipfile

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from courses.packages.gift import parse_gift
from courses.question_import import questions_import
from courses.services import course_create
from tests.courses.test_authoring_apis import client_for
from tests.courses.test_moodle_gift import author  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

NO_AI_OUTPUT = "the case has no AI output yet: add the one its questions are about (artifacts must have at least 1 item)"


@pytest.fixture
def imported_draft(author):  # noqa: F811
    """A new course whose only version is a draft of imported GIFT questions (one case, "Reliance")."""
    draft = course_create(slug="banks", title="Banks", language="en", user=author).versions.get()
    parsed = parse_gift(b"$CATEGORY: $course$/top/Reliance\n\n::Follow::Do you follow the AI?{=No ~Yes}",
                        source_name="bank.gift", competency="VER")
    questions_import(version=draft, parsed=parsed, module_title="Imported")
    return draft


def test_the_api_answers_409_naming_the_case_without_an_ai_output(author, imported_draft):  # noqa: F811
    response = client_for(author).get("/api/v1/authoring/courses/banks/package/")
    assert response.status_code == 409
    body = response.json()
    assert "would not import" in body["message"] and "?anyway=1" in body["message"]
    assert body["errors"] == {"modules[0].cases[0].artifacts": [NO_AI_OUTPUT]}


def test_the_api_gives_the_package_as_it_is_when_asked(author, imported_draft):  # noqa: F811
    response = client_for(author).get("/api/v1/authoring/courses/banks/package/?anyway=1&format=yaml")
    assert response.status_code == 200
    package = yaml.safe_load(response.content)
    assert package["modules"][0]["cases"][0]["artifacts"] == []


def test_the_api_exports_a_complete_draft_without_asking(author, imported_draft):  # noqa: F811
    from courses import authoring
    from courses.authoring import ArtifactInput
    from courses.models import Case

    case = Case.objects.get(module__version=imported_draft)
    authoring.artifact_create(case=case, data=ArtifactInput(
        title="AI plan", kind="text", content={"text": "Start the bundle now."}, ai_correct=True, failure_modes=[]))
    response = client_for(author).get("/api/v1/authoring/courses/banks/package/")
    assert response.status_code == 200, response.content
    assert "course.yaml" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_the_409_costs_a_fixed_number_of_queries(author, imported_draft, django_assert_num_queries):  # noqa: F811
    client = client_for(author)
    with django_assert_num_queries(14):
        client.get("/api/v1/authoring/courses/banks/package/")


def test_the_studio_export_page_says_which_case_lacks_an_ai_output(author, imported_draft):  # noqa: F811
    client = Client()
    client.force_login(author)
    response = client.get(reverse("studio:export", args=["banks"]) + f"?version={imported_draft.number}")
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "case “Reliance”" in page and NO_AI_OUTPUT in page
