"""A regrade run end to end by a real Celery worker on PostgreSQL and Redis: the dry run is
published on commit of the job, the regrade on its start, and the worker does both."""
import time

import pytest

from schools.models import Role
from quizzes import regrade
from quizzes.models import RegradeJob
from tests.factories import MembershipFactory
from tests.integration.test_grading_pipeline import live_db
from tests.quizzes.test_regrade import _score_sums, answered

pytestmark = pytest.mark.integration


def _wait(job_id: int, statuses: set, timeout: float = 30) -> RegradeJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = RegradeJob.objects.get(pk=job_id)
        if job.status in statuses:
            return job
        assert job.status != RegradeJob.Status.FAILED, job.error
        time.sleep(0.2)
    pytest.fail(f"regrade job {job_id} still {RegradeJob.objects.get(pk=job_id).status} after {timeout} s")


@live_db
def test_a_live_worker_runs_the_dry_run_and_the_regrade(celery_processes):
    author = MembershipFactory(role=Role.FACULTY).user
    item, trainees = answered(["a", "b", "b", "a", "b", "a", "b"])
    celery_processes.worker(concurrency=2)
    fix = regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="Swapped.", user=author)
    job = regrade.regrade_job_create(item=item, user=author, key_fix=fix)  # enqueued on commit
    job = _wait(job.pk, {RegradeJob.Status.READY})
    assert job.dry_run["changed"] == 7
    regrade.regrade_job_start(job=job, user=author)
    job = _wait(job.pk, {RegradeJob.Status.DONE})
    assert (job.processed, job.changed) == (7, 7)
    assert [s for s, _c in _score_sums(trainees)] == [1, 0, 0, 1, 0, 1, 0]
