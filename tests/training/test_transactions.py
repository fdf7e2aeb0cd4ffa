"""A service that writes runs inside its caller's transaction, or not at all."""
import pytest
from django.db import transaction

from courses import authoring
from courses.models import Lesson
from tests.factories import ModuleFactory
from training.transactions import TransactionRequired


@pytest.fixture
def draft_module(transactional_db):
    module = ModuleFactory()
    module.version.status = module.version.Status.DRAFT
    module.version.save(update_fields=["status"])
    return module


def test_a_service_called_outside_a_transaction_refuses_and_writes_nothing(draft_module):
    with pytest.raises(TransactionRequired, match="lesson_create"):
        authoring.lesson_create(module=draft_module, title="Bias in triage scores")
    assert not Lesson.objects.exists()


def test_the_same_service_runs_in_the_callers_transaction(draft_module):
    with transaction.atomic():
        lesson = authoring.lesson_create(module=draft_module, title="Bias in triage scores")
    assert Lesson.objects.get() == lesson
