"""The demo's school admin, through the pages on PostgreSQL: creates a cohort, uploads a
roster, confirms it, invites a new member (the e-mail's link sets their password), and
assigns the demo course, each change in the school's audit log."""
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from schools.models import Assignment, AuditEvent, Cohort, Enrollment
from training.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    call_command("seed_demo", trainees=3)
    celery_app.conf.task_always_eager = before
    client = Client()
    client.force_login(User.objects.get(username="schooladmin"))
    return client


def test_the_demo_admin_creates_a_cohort_uploads_a_roster_invites_and_assigns(demo, django_capture_on_commit_callbacks):
    school = Cohort.objects.get(name="Class of 2027").school
    base = f"/school/{school.slug}/manage/"
    assert demo.post(f"{base}cohorts/new/", {"name": "Interns 2027", "year": "2027"}).status_code == 302
    cohort = Cohort.objects.get(school=school, name="Interns 2027")

    roster = ("email;prénom;nom;matricule;année de formation;cohorte\n"
              "lea.martin@example.org;Léa;Martin;2027-001;1;Interns 2027\n"
              "trainee01@demo.vigil.example;;;;;Interns 2027\n").encode("cp1252")
    preview = demo.post(f"{base}roster/", {"action": "preview", "file": SimpleUploadedFile("roster.csv", roster)})
    assert preview.status_code == 200
    assert [r["status"] for r in preview.context["rows"]] == ["new", "updated"]
    assert demo.post(f"{base}roster/", {"action": "confirm", "digest": preview.context["digest"]}).status_code == 302
    assert Enrollment.objects.filter(cohort=cohort).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert demo.post(f"{base}members/invite/", {"username": "lea.martin@example.org"}).status_code == 302
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[-1].body).group(1)
    assert Client().post(link, {"new_password1": "a-long-and-unusual-passphrase-42",
                                "new_password2": "a-long-and-unusual-passphrase-42"}).status_code == 302

    course = Assignment.objects.filter(cohort__school=school).first().course
    assert demo.post(f"/school/manage/cohorts/{cohort.pk}/assignments/",
                     {"assign-course": course.slug, "assign-due_at": "2027-06-30T18:00"}).status_code == 302
    assert Assignment.objects.filter(cohort=cohort, course=course).exists()
    actions = set(AuditEvent.objects.filter(school=school).values_list("action", flat=True))
    assert {"cohort.create", "school.roster.apply", "school.invitation.send", "school.invitation.accept",
            "cohort.assign"} <= actions
