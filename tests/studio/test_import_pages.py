"""The studio pages of a question import: the report as a table (a row per question: where,
imported as, into, dropped and why; the skipped questions in their own section), and the
page of a background import while it runs (a progress bar polled by the script, refreshed
by the page itself without it) and once it is done (the same report)."""
import io

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Case, ImportJob
from tests.courses.test_import_report import BANK, imported
from tests.courses.test_moodle_gift import author, draft  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db



def post(author, draft, data: bytes = BANK):  # noqa: F811
    client = Client()
    client.force_login(author)
    upload = io.BytesIO(data)
    upload.name = "bank.xml"
    return client.post(reverse("studio:questions-import", args=[draft.course.slug]),
                       {"file": upload, "competency": "VER", "module_title": "Moodle bank"})


def test_the_import_page_shows_a_row_per_question_with_its_case_linked(author, draft):  # noqa: F811
    page = post(author, draft).content.decode()
    case = Case.objects.get(module__version=draft)
    table = page[page.index('id="imported-questions"'):page.index('id="skipped-questions"')]
    assert table.count("<tr>") == 4  # the header and three questions
    assert '<td data-label="Imported as">Numeric</td>' in table
    assert f'<a href="{reverse("studio:case", args=[case.pk])}">Imaging</a>' in table
    assert "partial credit of the other answers was dropped" in table
    assert "Imported as: Numeric (1), Single choice (2)." in page


def test_skipped_questions_have_their_own_section_with_the_reason(author, draft):  # noqa: F811
    page = post(author, draft).content.decode()
    skipped = page[page.index('id="skipped-questions"'):]
    assert "1 question was not imported" in skipped and "question 5 (Drag)" in skipped and "ddwtos" in skipped


def test_the_import_page_costs_a_fixed_number_of_queries(author, draft, django_assert_num_queries):  # noqa: F811
    """The whole import of three questions in the request (the report itself costs none: each
    line carries its case's title and id)."""
    with django_assert_num_queries(51):
        post(author, draft)


def test_a_finished_job_shows_the_same_report_in_a_fixed_number_of_queries(
        author, draft, django_assert_num_queries):  # noqa: F811
    report = imported(draft)
    job = ImportJob.objects.create(kind=ImportJob.Kind.QUESTIONS, requested_by=author, version=draft,
                                   source_name="bank.xml", status=ImportJob.Status.DONE, progress=100,
                                   result=report.as_json())
    client = Client()
    client.force_login(author)
    with django_assert_num_queries(6):
        page = client.get(reverse("studio:import-job", args=[job.pk])).content.decode()
    assert '<td data-label="Imported as">Numeric</td>' in page and "question 5 (Drag)" in page
    assert "data-poll-url" not in page and 'http-equiv="refresh"' not in page


def job_page(author, job):  # noqa: F811
    client = Client()
    client.force_login(author)
    return client.get(reverse("studio:import-job", args=[job.pk])).content.decode()


def running_job(author, draft, progress: int = 40) -> ImportJob:  # noqa: F811
    return ImportJob.objects.create(kind=ImportJob.Kind.QUESTIONS, requested_by=author, version=draft,
                                    source_name="bank.xml", status=ImportJob.Status.RUNNING, progress=progress)


def test_a_running_job_shows_its_progress_and_refreshes_itself_without_the_script(author, draft):  # noqa: F811
    page = job_page(author, running_job(author, draft))
    assert '<progress id="import-progress" max="100" value="40">40%</progress>' in page
    assert "Being checked and imported: 40%." in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert f'<a href="{reverse("studio:import-job", args=[ImportJob.objects.get().pk])}">Refresh' in page


def test_the_status_the_script_polls_words_the_progress_as_the_page_does(author, draft):  # noqa: F811
    job = running_job(author, draft, progress=65)
    client = Client()
    client.force_login(author)
    status = client.get(reverse("studio:import-job-status", args=[job.pk])).json()
    assert (status["status"], status["processed"], status["total"]) == ("running", 65, 100)
    assert status["message"] == "Being checked and imported: 65%. This page updates by itself."
    assert 'data-progress-format="%(message)s"' in job_page(author, job)


def test_a_running_job_page_costs_a_fixed_number_of_queries(author, draft, django_assert_num_queries):  # noqa: F811
    job = running_job(author, draft)
    client = Client()
    client.force_login(author)
    with django_assert_num_queries(5):
        client.get(reverse("studio:import-job", args=[job.pk]))
    with django_assert_num_queries(4):
        client.get(reverse("studio:import-job-status", args=[job.pk]))
