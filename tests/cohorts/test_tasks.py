"""The export task: a versioned name, the old name still building, and the retry policy's
failure hook. Bodies run eagerly with ``.apply()``; tests/browser runs them on a worker."""
import pytest
from django.db import OperationalError

from cohorts import exports, services
from cohorts.models import ExportJob
from cohorts.tasks import run_export
from tests.cohorts.test_dashboard_selectors import populate, world
from training.queue import registered_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def job():
    w = populate(world())
    return services.export_request(user=w.reviewer, cohort=w.cohort, kind="progress", fmt="csv")


def test_the_name_the_request_enqueues_is_the_versioned_task():
    assert services.EXPORT_TASK == "cohorts.run_export_v1"
    assert registered_task(services.EXPORT_TASK) == run_export


def test_a_message_under_the_old_name_builds_the_file(job):
    alias = registered_task("cohorts.run_export")
    assert (alias.max_retries, alias.backoff_base, alias.backoff_cap, alias.time_limit) == (5, 5, 120, 660)
    alias.apply(args=(job.pk,))
    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportJob.Status.DONE, 100)


def test_a_transient_error_is_retried_from_pending(job, monkeypatch):
    real = exports.build
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database restarted")
        return real(*args, **kwargs)

    monkeypatch.setattr(exports, "build", flaky)
    assert run_export.apply(args=(job.pk,)).successful()
    job.refresh_from_db()
    assert (job.status, job.tries, len(calls)) == (ExportJob.Status.DONE, 2, 2)


def test_a_permanent_error_outside_the_build_marks_the_job_failed_with_the_reason(job, monkeypatch):
    def broken(**kwargs):
        raise LookupError("no such cohort")

    monkeypatch.setattr(services, "export_run", broken)
    run_export.apply(args=(job.pk,))
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportJob.Status.FAILED, "LookupError: no such cohort")
