"""A member's data in one archive (GDPR articles 15 and 20): JSON and CSV, every table, and
nothing the feedback policy still holds back."""
import csv
import io
import json
import zipfile

import pytest

from courses.models import Module
from privacy import services
from privacy.models import DataExport
from schools.models import AuditEvent, Role
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.factories import MembershipFactory, SchoolFactory
from training.errors import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_in_tmp(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


@pytest.fixture
def w():
    return populate(world())


def _archive(export: DataExport) -> zipfile.ZipFile:
    with export.file.open("rb") as f:
        return zipfile.ZipFile(io.BytesIO(f.read()))


def _run(subject, *, requested_by=None, school=None) -> zipfile.ZipFile:
    export = services.data_export_request(subject=subject, requested_by=requested_by or subject, school=school)
    done = services.data_export_run(export_id=export.pk)
    assert done.status == DataExport.Status.DONE, done.error
    return _archive(done)


def test_the_archive_holds_every_table_as_json_and_csv(w):
    archive = _run(w.people["alice"])
    data = json.loads(archive.read("data.json"))
    assert set(data) >= {"profile", "memberships", "enrolments", "attempts", "answers", "attestations",
                         "audit_events"}
    for table in data:
        assert f"{table}.csv" in archive.namelist()
    assert data["profile"][0]["username"] == "alice"
    assert len(data["answers"]) == 4  # populate: R1, R2, S1, R3


def test_answers_carry_the_unaided_answer_and_the_score(w):
    data = json.loads(_run(w.people["alice"]).read("data.json"))
    r1 = next(a for a in data["answers"] if a["unaided_answer"] == {"answer": "b"})
    assert r1["answer_given"]["decision"] == "accept" and r1["score"] is not None


def test_feedback_held_back_by_the_module_stays_out(w):
    Module.objects.filter(pk__in=[w.module_a.pk, w.module_b.pk]).update(
        feedback_policy=Module.FeedbackPolicy.AFTER_ATTEMPT)
    data = json.loads(_run(w.people["alice"]).read("data.json"))
    assert all(a["feedback"] == [] for a in data["answers"])


def test_feedback_due_is_in_the_archive(w):
    Module.objects.filter(pk__in=[w.module_a.pk, w.module_b.pk]).update(
        feedback_policy=Module.FeedbackPolicy.IMMEDIATE)
    data = json.loads(_run(w.people["alice"]).read("data.json"))
    assert any(a["feedback"] for a in data["answers"])


def test_who_looked_at_the_record_is_in_the_archive(w):
    AuditEvent.objects.create(actor=w.reviewer, action="cohort.trainee.read", cohort=w.cohort,
                              subject=w.people["alice"])
    data = json.loads(_run(w.people["alice"]).read("data.json"))
    assert [e["action"] for e in data["audit_events"]][:1] == ["Opened a trainee's record"]


def test_an_admin_archive_holds_only_that_schools_data(w):
    other = SchoolFactory(name="Elsewhere")
    MembershipFactory(school=other, user=w.people["alice"], role=Role.TRAINEE)
    admin = MembershipFactory(school=w.cohort.school, role=Role.ADMIN).user
    data = json.loads(_run(w.people["alice"], requested_by=admin, school=w.cohort.school).read("data.json"))
    assert [m["school"] for m in data["memberships"]] == [w.cohort.school.name]


def test_csv_cells_that_look_like_formulas_are_neutralised(w):
    alice = w.people["alice"]
    alice.first_name = "=HYPERLINK(1)"
    alice.save(update_fields=["first_name"])
    rows = list(csv.DictReader(io.StringIO(_run(alice).read("profile.csv").decode("utf-8-sig"))))
    assert not rows[0]["first_name"].startswith("=")


def test_a_second_request_while_one_is_waiting_is_refused(w):
    services.data_export_request(subject=w.people["alice"], requested_by=w.people["alice"])
    with pytest.raises(Conflict):
        services.data_export_request(subject=w.people["alice"], requested_by=w.people["alice"])


def test_a_message_delivered_twice_writes_the_archive_once(w):
    export = services.data_export_request(subject=w.people["alice"], requested_by=w.people["alice"])
    assert services.data_export_run(export_id=export.pk) is not None
    assert services.data_export_run(export_id=export.pk) is None
