"""The trend rows the grading task keeps, and the migration that builds them for old grades."""
from importlib import import_module
from io import StringIO

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.core.management import call_command

from progress.models import AnswerAfterModule, AnswerDay
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests.cohorts.test_dashboard_selectors import answer, populate, world

pytestmark = pytest.mark.django_db


def _rows(model) -> list[tuple]:
    fields = [f.attname for f in model._meta.fields if f.name != "id"]
    return sorted(model.objects.values_list(*fields))


def test_grading_writes_the_day_and_the_modules_completed_before():
    w = populate(world())
    alice = w.people["alice"]
    # Alice completed module A (R1, R2, S1) before answering R3 of module B.
    after = AnswerAfterModule.objects.get(trainee=alice)
    assert (after.module_slug, after.rel_w_n, after.rel_w_accepted, after.items_n) == ("mod-a", 1, 0, 0)
    days = AnswerDay.objects.filter(trainee=alice)
    assert {d.module_slug: d.items_n for d in days} == {"mod-a": 3, "mod-b": 1}


def test_a_decision_in_the_module_itself_is_not_after_it():
    w = world()
    user = populate(w).people["bob"]
    quiz_services.attempt_submit(attempt=Attempt.objects.get(trainee=user, module_slug="mod-a"))
    answer(w, user, "R1", initial="a", decision="accept", confidence=100)  # a second attempt at module A, after completing it
    assert sum(d.rel_w_n for d in AnswerDay.objects.filter(trainee=user)) == 2
    assert not AnswerAfterModule.objects.filter(trainee=user).exists()


def test_the_backfill_migration_rebuilds_what_grading_wrote():
    populate(world())
    by_grading = (_rows(AnswerDay), _rows(AnswerAfterModule))
    AnswerDay.objects.all().delete()
    AnswerAfterModule.objects.all().delete()
    migration = ("cohorts", "0006_backfill_trend_counters")
    historical = MigrationExecutor(connection).loader.project_state(migration).apps  # the models as it knew them
    import_module("cohorts.migrations." + migration[1]).backfill(historical, None)
    assert (_rows(AnswerDay), _rows(AnswerAfterModule)) == by_grading
    assert by_grading[0] and by_grading[1]


def test_the_rebuild_command_restores_rows_that_went_stale():
    populate(world())
    by_grading = (_rows(AnswerDay), _rows(AnswerAfterModule))
    AnswerDay.objects.update(items_n=99)  # e.g. a restore of grades without their trend rows
    AnswerAfterModule.objects.all().delete()
    out = StringIO()
    call_command("rebuild_trend_rows", stdout=out)
    assert (_rows(AnswerDay), _rows(AnswerAfterModule)) == by_grading
    assert f"{len(by_grading[0])} answer-day rows" in out.getvalue()
