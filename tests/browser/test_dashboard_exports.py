"""An export from the page to the file, through a real Celery worker process: the reviewer
asks for it, the progress bar follows the job, the download arrives."""
import re

import pytest

from cohorts.models import ExportJob
from tests.browser.conftest import assert_accessible, screenshot
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.integration.conftest import broker_url, celery_processes  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_exports_progress_and_downloads_it(page, sign_in, celery_processes, tmp_path, settings):  # noqa: F811
    # The web process (this one) and the worker process store files in the same place.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    celery_processes.worker(env={"DJANGO_MEDIA_ROOT": settings.MEDIA_ROOT})
    w = populate(world())
    w.reviewer.refresh_from_db()
    sign_in(page, w.reviewer)
    page.goto(f"/school/cohorts/{w.cohort.pk}/exports/")
    assert_accessible(page)
    page.get_by_label("Progress by module").check()
    page.get_by_label("CSV").check()
    page.get_by_role("button", name="Prepare the export").click()
    page.wait_for_url(re.compile(r"/school/exports/\d+/$"))
    link = page.get_by_role("link", name=re.compile(r"^Download .*\.csv$"))
    link.wait_for(state="visible", timeout=30_000)
    assert page.locator("#export-progress").get_attribute("value") == "100"
    screenshot(page, "export-ready-desktop")
    assert_accessible(page)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    content = target.read_text(encoding="utf-8-sig")
    assert content.startswith("username,last_name,first_name") and "alice" in content
    job = ExportJob.objects.get()
    assert (job.status, job.requested_by) == ("done", w.reviewer)
