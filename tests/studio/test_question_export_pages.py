"""The studio's export of questions to Moodle XML and GIFT: the page with what each item
becomes, the download, and Vigil → Moodle XML → Vigil through the studio's own import."""
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from courses.models import Item, Module
from courses.packages.moodle_xml import parse_moodle_xml
from courses.packages.serialize import version_to_package
from courses.question_import import questions_import
from courses.services import course_version_create_draft
from tests.studio.test_authoring_pages import client_for, faculty, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(faculty):  # noqa: F811
    return client_for(faculty)


def url(version, **query):
    params = "&".join(f"{k}={v}" for k, v in {"version": version.number, **query}.items())
    return reverse("studio:questions-export", args=[version.course.slug]) + "?" + params


def test_the_page_lists_what_each_item_becomes_and_why_some_are_left_out(published, studio):  # noqa: F811
    page = studio.get(url(published)).content.decode()
    assert "5 items can be exported; 2 are left out." in page
    assert "which-lobe" in page and "multichoice" in page
    assert "<strong>left out</strong>: finding errors in an AI text has no Moodle question type" in page
    assert "decide first is lost" not in page  # accept-the-plan does not decide first
    assert "GIFT only: its images are not exported" in page  # which-lobe shows the chest film


def test_the_course_and_module_pages_link_to_the_export(published, studio):  # noqa: F811
    course_page = studio.get(reverse("studio:course", args=[published.course.slug])).content.decode()
    assert url(published).replace("&", "&amp;") in course_page
    module = Module.objects.get(version=published, slug="appraising-tools")
    module_page = studio.get(reverse("studio:module", args=[module.pk])).content.decode()
    assert url(published, module="appraising-tools").replace("&", "&amp;") in module_page


def test_download_of_the_chosen_items_as_moodle_xml(published, studio):  # noqa: F811
    response = studio.post(url(published), {"format": "moodle-xml", "items": [
        "appraising-tools/portable-film/ppv", "appraising-tools/portable-film/which-lobe"]})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mini-course-v1-questions.xml"'
    root = ElementTree.fromstring(response.content)
    assert [q.find("name/text").text for q in root.findall("question") if q.get("type") != "category"] == [
        "which-lobe", "ppv"]
    assert root.find(".//questiontext/file").get("name") == "cxr.svg"


def test_download_of_one_module_as_gift(published, studio):  # noqa: F811
    response = studio.post(url(published, module="verifying-text"), {
        "format": "gift", "items": ["verifying-text/fabricated-allergy/accept-the-plan"]})
    assert response["Content-Disposition"] == 'attachment; filename="mini-course-v1-verifying-text-questions.txt"'
    assert response.content.decode().count("::accept-the-plan::[markdown]") == 1


def test_nothing_chosen_is_a_400_saying_so(published, studio):  # noqa: F811
    response = studio.post(url(published), {"format": "gift"})
    assert response.status_code == 400
    assert "Choose at least one item to export." in response.content.decode()


def test_an_unknown_format_is_a_400(published, studio):  # noqa: F811
    response = studio.post(url(published), {"format": "qti", "items": ["appraising-tools/portable-film/ppv"]})
    assert response.status_code == 400
    assert "Choose a format: Moodle XML or GIFT." in response.content.decode()


def test_an_unknown_module_is_a_404(published, studio):  # noqa: F811
    assert studio.get(url(published, module="nope")).status_code == 404


def test_the_export_page_costs_fifteen_queries(published, studio, django_assert_num_queries):  # noqa: F811
    with django_assert_num_queries(15):
        assert studio.get(url(published)).status_code == 200


def test_vigil_to_moodle_xml_to_vigil_through_the_draft_gives_the_same_items(published, studio):  # noqa: F811
    response = studio.post(url(published), {"format": "moodle-xml", "items": ["appraising-tools/portable-film/ppv"]})
    draft = course_version_create_draft(course=published.course, user=published.course.owner)
    parsed = parse_moodle_xml(response.content, source_name="mini.xml", competency="VER")
    report = questions_import(version=draft, parsed=parsed, module_title="Back from Moodle")
    assert report.imported == 1 and report.skipped == []
    original = Item.objects.get(case__module__version=published, slug="ppv")
    back = report.module.cases.get().items.get()
    keep = ("slug", "type", "prompt", "competencies", "failure_modes", "spec", "key", "rationale")

    def as_package(item):
        data = version_to_package(item.case.module.version)
        for module in data["modules"]:
            for case in module["cases"]:
                for entry in case["items"]:
                    if entry["slug"] == item.slug and case["slug"] == item.case.slug:
                        return {k: v for k, v in entry.items() if k in keep}

    assert as_package(back) == as_package(original)


@pytest.fixture
def imported_draft(published):  # noqa: F811
    """A draft with a module of imported Moodle questions: their case has no AI output yet."""
    from courses.packages.gift import parse_gift

    draft = course_version_create_draft(course=published.course, user=published.course.owner)
    parsed = parse_gift(b"::Under_score name::What is 2+2?{=4 ~5}", source_name="bank_week_1.gift", competency="VER")
    questions_import(version=draft, parsed=parsed, module_title="Imported")
    return draft


def test_imported_names_with_underscores_make_valid_slugs(imported_draft):
    from courses.services import SLUG_RE

    item = Item.objects.get(case__module__version=imported_draft, case__module__title="Imported")
    assert item.slug == "under-score-name" and SLUG_RE.match(item.case.slug)


def test_exporting_an_unfinished_draft_names_what_is_missing(imported_draft, studio):
    response = studio.get(reverse("studio:export", args=[imported_draft.course.slug]) + f"?version={imported_draft.number}")
    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "will not import until 1 thing is fixed" in page
    assert "must have at least 1 item" in page and "artifacts" in page
    anyway = studio.get(reverse("studio:export", args=[imported_draft.course.slug])
                        + f"?version={imported_draft.number}&anyway=1")
    assert anyway["Content-Type"] == "application/zip"


def test_the_export_course_command_names_what_a_draft_lacks(imported_draft, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    err = StringIO()
    call_command("export_course", imported_draft.course.slug, str(tmp_path), "--version",
                 str(imported_draft.number), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "This draft's package will not import until these are fixed:"
    assert any("artifacts" in line and "must have at least 1 item" in line for line in lines[1:])
