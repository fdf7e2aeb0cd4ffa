"""A regrade job whose task message was lost is finished by the beat sweeper, not by
someone happening to open its page."""
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from quizzes import regrade, services
from quizzes.models import Grade, RegradeJob
from quizzes.tasks import sweep_regrade_jobs
from tests.factories import UserFactory
from tests.integration.test_grading_pipeline import live_db, wait_until
from training.celery import app as celery_app

pytestmark = pytest.mark.integration


def test_beat_schedules_the_regrade_sweeper():
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert sweep_regrade_jobs.name in scheduled and sweep_regrade_jobs.name in celery_app.tasks


@live_db
def test_a_running_regrade_whose_message_was_lost_is_finished_by_the_sweeper(
        celery_processes, broker_url, attempt, item):
    response, _created = services.response_submit(attempt=attempt, item=item, answer={"answer": "a"})
    services.response_grade(response_id=response.pk)  # wrong under key "b"
    author = UserFactory()
    fix = regrade.item_key_fix(item=item, new_answer={"answer": "a"}, reason="The key was swapped.", user=author)
    job = regrade.regrade_job_create(item=item, user=author, key_fix=fix)
    regrade.regrade_job_dry_run(job_id=job.pk)
    regrade.regrade_job_start(job=RegradeJob.objects.get(pk=job.pk), user=author)
    redis.Redis.from_url(broker_url).flushdb()  # the run message is lost
    RegradeJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    worker = celery_processes.worker()

    sweep_regrade_jobs.delay()

    wait_until(lambda: RegradeJob.objects.get(pk=job.pk).status == RegradeJob.Status.DONE,
               what="the swept regrade job to finish", processes=[worker])
    assert Grade.objects.get(response=response).score == 1.0
