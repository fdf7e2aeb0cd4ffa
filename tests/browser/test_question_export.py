"""From the module page to a Moodle XML file: the author opens the export, sees what each
item becomes in Moodle, unticks one, chooses a format and downloads the file, which Vigil's
importer reads back."""
from pathlib import Path

import pytest

from courses.models import Course
from courses.packages.gift import parse_gift
from courses.packages.moodle_xml import parse_moodle_xml
from courses.services import course_package_import
from schools.models import Role
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMAL = Path(__file__).resolve().parents[1] / "courses" / "packages" / "minimal"


@pytest.fixture
def faculty():
    user = MembershipFactory(role=Role.FACULTY).user
    user.save(update_fields=["password"])
    version = course_package_import(path=MINIMAL, user=user, publish=True)
    Course.objects.filter(pk=version.course_id).update(owner=user)
    return user


def test_an_author_downloads_a_module_as_moodle_xml(page, sign_in, faculty, tmp_path):
    sign_in(page, faculty)
    page.goto("/studio/c/mini-course/")
    page.get_by_role("link", name="2. Appraising AI tools").click()
    page.get_by_role("link", name="Export this module to Moodle XML / GIFT").click()
    assert page.get_by_role("status").first.inner_text().startswith("4 items can be exported; 1 is left out")
    assert page.get_by_text("script concordance item is graded against a panel").is_visible()
    screenshot(page, "studio-questions-export-desktop")
    assert_accessible(page)
    page.get_by_label("which-lobe").uncheck()
    page.get_by_label("Moodle XML").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the question file").click()
    download = download_info.value
    assert download.suggested_filename == "mini-course-v1-appraising-tools-questions.xml"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    parsed = parse_moodle_xml(target.read_bytes(), source_name=target.name, competency="VER")
    assert parsed.skipped == []
    assert sorted(item["slug"] for case in parsed.cases for item in case["items"]) == ["concerns", "critique", "ppv"]


def test_the_export_page_at_phone_width(phone_page, sign_in, faculty, tmp_path):
    sign_in(phone_page, faculty)
    phone_page.goto("/studio/c/mini-course/questions/export/?version=1")
    screenshot(phone_page, "studio-questions-export-phone")
    assert_accessible(phone_page)
    phone_page.get_by_label("GIFT").check()
    with phone_page.expect_download() as download_info:
        phone_page.get_by_role("button", name="Télécharger le fichier de questions").click()  # the phone asks for French
    target = tmp_path / "bank.txt"
    download_info.value.save_as(target)
    parsed = parse_gift(target.read_bytes(), source_name="bank.txt", competency="VER")
    assert parsed.count == 5 and parsed.skipped == []
