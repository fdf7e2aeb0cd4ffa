"""A ground-truth fix regraded end to end by a real Celery worker on PostgreSQL and Redis: the
dry run is published on commit of the job, the regrade on its start, and afterwards the
trainees' reliance counters and trend rows equal a recomputation from scratch."""
import pytest

from quizzes import regrade
from quizzes.models import RegradeJob
from quizzes.truth_fix import artifact_truth_fix, truth_fix_key_fixes
from schools.models import Role
from tests.factories import MembershipFactory
from tests.integration.test_grading_pipeline import live_db
from tests.integration.test_regrade_worker import _wait
from tests.quizzes.test_truth_fix import _assert_equal_to_a_recomputation_from_scratch, _reliance_world

pytestmark = pytest.mark.integration


@live_db
def test_a_live_worker_regrades_a_ground_truth_fix_to_the_figures_from_scratch(celery_processes):
    author = MembershipFactory(role=Role.FACULTY).user
    w = _reliance_world(author)
    celery_processes.worker(concurrency=2)
    r2 = w.items["R2"]
    fix = artifact_truth_fix(artifact=r2.artifact, correct=False, failure_modes=["HAL"], reason="Misread.",
                             user=author, keys={r2.pk: {"answer": "b"}})
    [key_fix] = truth_fix_key_fixes(fix)
    job = regrade.regrade_job_create(item=key_fix.item, user=author, key_fix=key_fix)  # enqueued on commit
    job = _wait(job.pk, {RegradeJob.Status.READY})
    assert (job.dry_run["changed"], job.dry_run["trainees"]) == (2, 2)
    regrade.regrade_job_start(job=job, user=author)
    job = _wait(job.pk, {RegradeJob.Status.DONE})
    assert (job.processed, job.changed) == (2, 2)
    _assert_equal_to_a_recomputation_from_scratch()
