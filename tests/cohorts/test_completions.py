"""Completion is a fact about a trainee and a version they took: a new published version
never changes it, attestations name the version taken, and the school decides per
assignment whether a new version must be retaken (issue 11, part 1)."""
import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.models import Attestation
from cohorts.selectors.records import cohort_training_record
from courses import services as course_services
from courses.models import CourseVersion, Item
from quizzes import services as quiz_services
from quizzes.models import Attempt, Response
from schools.models import Assignment
from tests.cohorts.test_dashboard_selectors import answer, populate, world
from tests.cohorts.test_views import client_for
from tests.factories import CaseFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def w():
    """Alice completed version 1 (her last answer a week ago); faculty then published
    version 2, a copy of version 1 with one case added to module B."""
    w = populate(world())
    answer(w, w.people["alice"], "R4", decision="accept", confidence=80)
    w.v1_done = timezone.now() - timedelta(days=7)
    Response.objects.filter(attempt__trainee=w.people["alice"]).update(submitted_at=w.v1_done)
    draft = course_services.course_version_create_draft(course=w.course, user=w.reviewer)
    new_case = CaseFactory(module=draft.modules.get(slug="mod-b"), slug="new-case", position=99)
    ItemFactory(case=new_case, slug="new-item", competencies=["VER"])
    # Published as course_version_publish does (the shared world's minimal artifacts would not
    # pass its completeness check, which is not what these tests are about).
    CourseVersion.objects.filter(pk=draft.pk).update(status=CourseVersion.Status.PUBLISHED, published_at=timezone.now())
    w.v2 = CourseVersion.objects.get(pk=draft.pk)
    return w


def test_a_new_version_does_not_make_a_version_1_completer_a_version_2_completer(w):
    issued = services.attestations_issue(cohort=w.cohort, course=w.course, issued_by=w.reviewer)
    assert [(a.trainee, a.version, a.version_number) for a in issued] == [(w.people["alice"], w.version, 1)]
    assert issued[0].completed_at == w.v1_done  # her own completion date, before version 2 existed
    assert issued[0].completed_at < w.v2.published_at
    assert not Attestation.objects.filter(version=w.v2).exists()


def test_the_attestations_page_counts_completions_of_each_version(w):
    body = client_for(w.reviewer).get(reverse("school:attestations", args=[w.cohort.pk])).content.decode()
    assert "Version 2 (3.5 hours):\n     0 trainees completed it." in body
    assert "Version 1 (3.5 hours):\n     1 trainee completed it." in body


def test_the_training_record_shows_the_version_each_trainee_took(w):
    rows = {r["username"]: r for r in cohort_training_record(cohort=w.cohort)}
    assert (rows["alice"]["version"], rows["alice"]["status"], rows["alice"]["completed_at"]) == (
        1, "completed", w.v1_done)
    assert (rows["bob"]["version"], rows["bob"]["status"]) == (2, "in_progress")  # he goes on in version 2


def test_answering_the_new_case_in_version_2_completes_version_2_too(w):
    alice = w.people["alice"]
    v2_items = {i.slug: i for i in Item.objects.filter(case__module__version=w.v2)}
    w.items = {key: v2_items[item.slug] for key, item in w.items.items()} | {"NEW": v2_items["new-item"]}
    for attempt in Attempt.objects.filter(trainee=alice, status=Attempt.Status.OPEN):
        quiz_services.attempt_submit(attempt=attempt)  # she closes her version-1 attempts
    answer(w, alice, "R1", initial="b", decision="accept", confidence=80)
    answer(w, alice, "R2", initial="a", decision="accept", confidence=90)
    answer(w, alice, "S1", choice="b")
    answer(w, alice, "R3", decision="override", own="b", confidence=60)
    answer(w, alice, "R4", decision="accept", confidence=80)
    answer(w, alice, "NEW", choice="b")
    issued = services.attestations_issue(cohort=w.cohort, course=w.course, issued_by=w.reviewer)
    assert sorted(a.version_number for a in issued) == [1, 2]
    v2 = next(a for a in issued if a.version_number == 2)
    assert v2.completed_at > w.v2.published_at and v2.version == w.v2


def test_with_the_retake_policy_a_version_1_completer_is_due_for_version_2(w):
    Assignment.objects.filter(cohort=w.cohort, course=w.course).update(retake_new_versions=True)
    rows = {r["username"]: r for r in cohort_training_record(cohort=w.cohort)}
    alice = rows["alice"]
    assert (alice["status"], alice["version"], alice["due_version"], alice["completed_at"]) == ("due", 1, 2, w.v1_done)
    issued = services.attestations_issue(cohort=w.cohort, course=w.course, issued_by=w.reviewer)
    assert [(a.version_number, a.is_valid) for a in issued] == [(1, True)]  # version 1 stays valid
    response = client_for(w.reviewer).get(reverse("school:training-record", args=[w.cohort.pk, "csv"]))
    (line,) = [r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))) if r["username"] == "alice"]
    assert (line["status"], line["version"], line["due_version"], line["attestation_status"]) == ("due", "1", "2", "valid")


def test_without_the_retake_policy_a_version_1_completion_fulfils_the_assignment(w):
    rows = {r["username"]: r for r in cohort_training_record(cohort=w.cohort)}
    assert (rows["alice"]["status"], rows["alice"]["due_version"]) == ("completed", None)
