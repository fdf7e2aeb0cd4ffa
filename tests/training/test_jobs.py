"""The life of a background job (training.jobs), on the archive of a member's data."""
from datetime import timedelta

import pytest
from django.utils import timezone

from privacy.models import DataExport
from privacy.services import DATA_EXPORTS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def job():
    person = UserFactory()
    return DataExport.objects.create(subject=person, requested_by=person)


def test_a_job_is_claimed_by_one_worker_only(job):
    assert (DATA_EXPORTS.claim(job.pk), DATA_EXPORTS.claim(job.pk)) == (True, False)


def test_a_job_whose_worker_died_is_claimed_again_once_stale(job):
    DATA_EXPORTS.claim(job.pk)
    later = timezone.now() + DATA_EXPORTS.stale_after + timedelta(seconds=1)
    assert DATA_EXPORTS.claim(job.pk, now=later)
    job.refresh_from_db()
    assert job.tries == 2


def test_a_released_job_goes_back_to_pending(job):
    DATA_EXPORTS.claim(job.pk)
    DATA_EXPORTS.release(job.pk)
    job.refresh_from_db()
    assert job.status == "pending"


def test_a_finished_job_is_never_failed_afterwards(job):
    DATA_EXPORTS.claim(job.pk)
    DATA_EXPORTS.finish(job.pk, file="personal-data/x.zip", filename="x.zip")
    DATA_EXPORTS.fail(job.pk, "late")
    job.refresh_from_db()
    assert (job.status, job.error) == ("done", "")


def test_the_sweeper_fails_a_job_out_of_tries_and_publishes_a_lost_one(job):
    hopeless = DataExport.objects.create(subject=job.subject, requested_by=job.subject, tries=DATA_EXPORTS.max_tries)
    later = timezone.now() + DATA_EXPORTS.pending_after + timedelta(seconds=1)
    assert DATA_EXPORTS.sweep(now=later) == [job.pk]
    hopeless.refresh_from_db()
    assert (hopeless.status, hopeless.error) == ("failed", "The archive did not finish after several tries.")
