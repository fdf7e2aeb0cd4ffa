"""The Django admin's lists and pages of trainee data (answers, grades, attempts, progress,
people) are in the audit log, like the school's own pages: ``admin.<model>.read``."""
import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User
from cohorts.audit_labels import ACTION_LABELS
from progress.models import AnswerAfterModule, AnswerDay, MeasureCounter, ModuleProgress
from quizzes.models import Attempt, Grade, RaterMark, Response
from schools.models import AuditEvent, Role
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.factories import MembershipFactory, ResponseFactory, SchoolFactory
from training.admin_mixins import AuditedReadAdmin

pytestmark = pytest.mark.django_db

# model: how to find the trainee a row is about
AUDITED = {
    Response: lambda r: r.attempt.trainee,
    Grade: lambda g: g.response.attempt.trainee,
    Attempt: lambda a: a.trainee,
    ModuleProgress: lambda p: p.trainee,
    MeasureCounter: lambda c: c.trainee,
    AnswerDay: lambda d: d.trainee,
    AnswerAfterModule: lambda d: d.trainee,
    User: lambda u: u,
}


def url(model, page: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}", args=args)


@pytest.fixture
def w():
    return populate(world())


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__name__)
def test_a_list_in_the_admin_is_audited_with_its_filters(w, admin_client, admin_user, model):
    assert admin_client.get(url(model, "changelist"), {"o": "1"}).status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject) == (f"admin.{model._meta.model_name}.read", admin_user, None)
    assert event.detail["filters"] == "o=1" and event.detail["rows"] == model.objects.count()


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__name__)
def test_a_row_in_the_admin_is_audited_in_the_trainees_school(w, admin_client, admin_user, model):
    row = model.objects.get(pk=w.people["alice"].pk) if model is User else model.objects.filter(
        pk__in=[r.pk for r in model.objects.all() if AUDITED[model](r) == w.people["alice"]]).first()
    assert admin_client.get(url(model, "change", row.pk)).status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.actor) == (f"admin.{model._meta.model_name}.read", admin_user)
    assert (event.subject, event.school) == (w.people["alice"], w.cohort.school)
    assert event.detail["object"] == row.pk


def test_a_person_of_two_schools_is_audited_in_both(w, admin_client):
    alice = w.people["alice"]
    other = SchoolFactory()
    MembershipFactory(school=other, user=alice, role=Role.TRAINEE)
    admin_client.get(url(User, "change", alice.pk))
    assert set(AuditEvent.objects.values_list("school_id", flat=True)) == {w.cohort.school_id, other.pk}


def test_a_second_mark_in_the_admin_is_audited_in_the_trainees_school(admin_client):
    school = SchoolFactory()
    response = ResponseFactory(attempt__module__version__course__school=school)
    mark = RaterMark.objects.create(response=response, rater=MembershipFactory(school=school).user, points={})
    admin_client.get(url(RaterMark, "change", mark.pk))
    event = AuditEvent.objects.get()
    assert (event.action, event.subject, event.school) == ("admin.ratermark.read", response.attempt.trainee, school)


def test_every_audited_admin_has_its_label():
    audited = [ma for ma in admin.site._registry.values() if isinstance(ma, AuditedReadAdmin)]
    assert {type(ma).__name__ for ma in audited} >= {
        "ResponseAdmin", "GradeAdmin", "AttemptAdmin", "ModuleProgressAdmin", "VigilUserAdmin"}
    assert {ma.audit_action for ma in audited} <= set(ACTION_LABELS)
