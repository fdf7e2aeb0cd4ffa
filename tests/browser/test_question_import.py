"""An author imports a Moodle bank from the course page and reads what each question became
(a table, a card per question on a phone); a large bank is imported by a real Celery worker
while its page shows the progress, with and without JavaScript, and then the same report.
The imported draft then exports: its package page says which case lacks an AI output and
still gives the zip, and its questions download as GIFT that Vigil reads back."""
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from courses.models import Course, ImportJob
from courses.packages.gift import parse_gift
from courses.services import course_create
from schools.models import Role
from tests.browser.conftest import PHONE, assert_accessible, screenshot
from tests.courses.test_import_jobs import bank
from tests.courses.test_import_report import BANK
from tests.factories import MembershipFactory
from tests.integration.conftest import broker_url, celery_processes  # noqa: F401 - fixtures used below

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DONE = 30_000  # ms: a worker's start and the import


@pytest.fixture
def author():
    user = MembershipFactory(role=Role.FACULTY).user
    user.save(update_fields=["password"])
    course = course_create(slug="banks", title="Question banks", language="en", user=user)
    Course.objects.filter(pk=course.pk).update(owner=user)
    return user


def upload_bank(page, data: bytes, name: str = "sepsis_bank.xml") -> None:
    page.goto("/studio/c/banks/")
    page.get_by_role("link", name="Import Moodle XML or GIFT questions").click()
    page.get_by_label("Moodle XML (.xml), GIFT or Aiken (.gift, .txt) file").set_input_files(
        {"name": name, "mimeType": "application/xml", "buffer": data})
    page.get_by_label("Title of the new module").fill("Sepsis bank")
    page.get_by_role("button", name="Import the questions").click()


def test_an_author_imports_a_bank_reads_the_report_and_exports_the_draft(page, sign_in, author, tmp_path):
    sign_in(page, author)
    upload_bank(page, BANK)
    report = page.locator("#imported-questions")
    expect(report.get_by_role("row")).to_have_count(4)  # the header and three questions
    expect(report.get_by_role("row", name="question 2 (Partial)")).to_contain_text("partial credit of the other answers")
    expect(page.locator("#skipped-questions")).to_contain_text("question 5 (Drag)")
    screenshot(page, "studio-questions-import-report-desktop")
    assert_accessible(page)

    report.get_by_role("link", name="Imaging").first.click()  # the case the questions went into
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imaging")

    page.goto("/studio/c/banks/")
    page.get_by_role("link", name="Export (zip)").click()
    expect(page.get_by_role("alert")).to_contain_text("will not import until 1 thing is fixed")
    expect(page.get_by_role("table")).to_contain_text("the case has no AI output yet")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the package as it is").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert "course.yaml" in zipfile.ZipFile(io.BytesIO(target.read_bytes())).namelist()

    page.goto("/studio/c/banks/")
    page.get_by_role("link", name="Export to Moodle XML / GIFT").click()
    page.get_by_label("GIFT").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the question file").click()
    target = tmp_path / "bank.txt"
    download_info.value.save_as(target)
    assert parse_gift(target.read_bytes(), source_name="bank.txt", competency="VER").count == 3


def test_the_report_at_phone_width_is_a_card_per_question(english_phone_page, sign_in, author):
    page = english_phone_page
    sign_in(page, author)
    upload_bank(page, BANK)
    first = page.locator("#imported-questions tbody tr").first
    expect(first).to_be_visible()
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "studio-questions-import-report-phone")
    assert_accessible(page)


def test_a_large_bank_shows_its_progress_then_the_same_report(page, sign_in, author, celery_processes,  # noqa: F811
                                                              settings):
    settings.VIGIL_IMPORT_IN_REQUEST_BYTES = 10  # every upload is "large": a job for the worker
    sign_in(page, author)
    upload_bank(page, bank(40), "big.xml")
    job = ImportJob.objects.get()
    expect(page).to_have_url(re.compile(f"/studio/imports/{job.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker")
    expect(page.locator("progress")).to_have_attribute("value", "0")
    screenshot(page, "studio-import-job-pending-desktop")
    assert_accessible(page)

    celery_processes.worker()  # the page's script polls and reloads once the job moves on
    expect(page.locator("#imported-questions")).to_be_visible(timeout=DONE)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported")
    expect(page.locator("#imported-questions tbody tr")).to_have_count(40)
    expect(page.locator("progress")).to_have_attribute("value", "100")
    screenshot(page, "studio-import-job-done-desktop")


def test_without_javascript_the_job_page_refreshes_itself(browser, live_server, sign_in, author,  # noqa: F811
                                                          celery_processes, settings):
    settings.VIGIL_IMPORT_IN_REQUEST_BYTES = 10
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-GB",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, author)
        upload_bank(page, bank(5), "small.xml")
        expect(page.get_by_role("link", name="Refresh to see where it is")).to_be_visible()
        screenshot(page, "studio-import-job-pending-phone")
        celery_processes.worker()
        expect(page.locator("#imported-questions")).to_be_visible(timeout=DONE)  # the meta refresh, every 5 s
        screenshot(page, "studio-import-job-done-phone")
    finally:
        context.close()
