"""A school sees nothing of another: a cohort's figures, pages and exports are over the
courses assigned to that cohort only, whatever else its trainees take elsewhere.

The world: school A's cohort (course A assigned) and school B's cohort (course B assigned);
Alice is a trainee of both schools and answered course B only, so every figure of school
A's cohort must show her with nothing done.
"""
import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cohorts import services
from cohorts.models import ExportJob
from schools.models import Role
from tests.cohorts.test_dashboard_selectors import answer, trainee, world
from tests.cohorts.test_views import client_for
from tests.factories import AssignmentFactory, CohortFactory, EnrollmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def two():
    """School A's world and school B's; Alice, of both, answered only B's course."""
    a, b = world(), world()
    alice = trainee(a, "alice", first="Alice", last="Archer")
    EnrollmentFactory(cohort=b.cohort, user=alice)
    MembershipFactory(school=b.cohort.school, user=alice, role=Role.TRAINEE)
    answer(b, alice, "R1", initial="b", decision="accept", confidence=80)
    answer(b, alice, "S1", choice="b")
    return a, b, alice


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# ---------------------------------------------------------------- the API

def test_the_reliance_api_counts_only_the_cohorts_courses(two):
    a, _b, alice = two
    body = api(a.reviewer).get(f"/api/v1/cohorts/{a.cohort.pk}/reliance/").json()
    assert body["cohort"]["measures"]["items_graded"] == 0
    assert body["cohort"]["measures"]["reliance"]["decisions"] == 0
    (row,) = [t for t in body["trainees"] if t["id"] == alice.pk]
    assert row["measures"]["items_graded"] == 0


@pytest.mark.parametrize("endpoint", ["reliance", "dashboard", "trends"])
def test_a_course_not_assigned_to_the_cohort_is_a_400_naming_the_parameter(two, endpoint):
    a, b, _alice = two
    response = api(a.reviewer).get(f"/api/v1/cohorts/{a.cohort.pk}/{endpoint}/", {"course": b.course.slug})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["course"]


def test_the_dashboard_api_counts_only_the_cohorts_courses(two):
    a, _b, alice = two
    body = api(a.reviewer).get(f"/api/v1/cohorts/{a.cohort.pk}/dashboard/").json()
    (row,) = [t for t in body["trainees"] if t["id"] == alice.pk]
    assert (row["items_graded"], row["ai_wrong"], row["status"]) == (0, 0, "not_started")


def test_the_trends_api_counts_only_the_cohorts_courses(two):
    a, _b, _alice = two
    assert api(a.reviewer).get(f"/api/v1/cohorts/{a.cohort.pk}/trends/").json()["periods"] == []


def _compared(two):
    """A cohort of A assigned course A and course B, and another of A assigned course A
    only, whose trainee Bob answered course B in school B's cohort."""
    a, b, _alice = two
    AssignmentFactory(cohort=a.cohort, course=b.course)
    other = CohortFactory(school=a.cohort.school, year=2025)
    AssignmentFactory(cohort=other, course=a.course)
    bob = trainee(b, "bob")
    EnrollmentFactory(cohort=other, user=bob)
    answer(b, bob, "R3", decision="accept", confidence=90)
    return a, b, other


def test_the_trends_api_compares_the_other_cohort_over_its_own_courses(two):
    a, b, other = _compared(two)
    body = api(a.reviewer).get(f"/api/v1/cohorts/{a.cohort.pk}/trends/",
                               {"course": b.course.slug, "compare": other.pk}).json()
    assert body["comparison"]["that"]["reliance"]["decisions"] == 0


# ---------------------------------------------------------------- the pages

def test_the_reliance_page_counts_only_the_cohorts_courses(two):
    a, _b, alice = two
    response = client_for(a.reviewer).get(reverse("school:reliance", args=[a.cohort.pk]))
    assert response.context["m"]["items_graded"] == 0
    (row,) = [r for r in response.context["rows"] if r["id"] == alice.pk]
    assert (row["decisions"], row["items_graded"]) == (0, 0)


def test_the_dashboard_page_counts_only_the_cohorts_courses(two):
    a, _b, alice = two
    response = client_for(a.reviewer).get(reverse("school:dashboard", args=[a.cohort.pk]))
    (row,) = [t for t in response.context["data"]["trainees"] if t["id"] == alice.pk]
    assert (row["items_graded"], row["ai_wrong"]) == (0, 0)


def test_the_trends_page_counts_only_the_cohorts_courses(two):
    a, _b, _alice = two
    assert client_for(a.reviewer).get(reverse("school:trends", args=[a.cohort.pk])).context["periods"] == []


def test_the_trends_page_compares_the_other_cohort_over_its_own_courses(two):
    a, b, other = _compared(two)
    response = client_for(a.reviewer).get(reverse("school:trends", args=[a.cohort.pk]),
                                          {"course": b.course.pk, "compare": other.pk})
    assert response.context["comparison"]["that"]["reliance"]["decisions"] == 0


def test_the_trainee_page_counts_only_the_cohorts_courses(two):
    a, _b, alice = two
    response = client_for(a.reviewer).get(reverse("school:trainee", args=[a.cohort.pk, alice.pk]))
    assert response.context["m"]["items_graded"] == 0 and response.context["fooled"] == []


@pytest.mark.parametrize("name", ["reliance", "dashboard", "trends", "exports"])
def test_a_page_refuses_a_course_not_assigned_to_the_cohort(two, name):
    a, b, _alice = two
    response = client_for(a.reviewer).get(reverse(f"school:{name}", args=[a.cohort.pk]), {"course": b.course.pk})
    if name == "exports":  # the filter is posted there
        response = client_for(a.reviewer).post(reverse("school:exports", args=[a.cohort.pk]),
                                               {"course": b.course.pk, "kind": "progress", "format": "csv"})
    assert response.status_code == 400 and "course" in response.context["form"].errors


# ---------------------------------------------------------------- exports

@pytest.mark.parametrize("kind", [ExportJob.Kind.PROGRESS, ExportJob.Kind.GRADES, ExportJob.Kind.MEASURES])
def test_an_export_holds_only_the_cohorts_courses(two, kind):
    a, b, alice = two
    admin = MembershipFactory(school=a.cohort.school, role=Role.ADMIN).user
    job = services.export_request(user=admin, cohort=a.cohort, kind=kind, fmt="csv")
    job = services.export_run(job_id=job.pk)
    with job.file.open("rb") as f:
        rows = list(csv.DictReader(io.StringIO(f.read().decode("utf-8-sig"))))
    assert all(row.get("course") != b.course.slug for row in rows)
    assert all(row.get("items_graded") in (None, "0") for row in rows if row["username"] == alice.username)


def test_the_export_api_refuses_a_course_not_assigned_to_the_cohort(two):
    a, b, _alice = two
    response = api(a.reviewer).post(f"/api/v1/cohorts/{a.cohort.pk}/exports/",
                                    {"kind": "progress", "format": "csv", "course": b.course.slug}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["course"]
    assert not ExportJob.objects.exists()
