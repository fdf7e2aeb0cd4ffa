"""Fixtures of the quizzes tests. The factories (hence Django's models) are imported inside
the fixtures, not here: this conftest is also loaded for tests/quizzes/graders, which runs
without Django (``pytest tests/quizzes/graders -p no:django``)."""
import pytest


@pytest.fixture
def trainee(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def module(db, trainee):
    """A published module of a course assigned to the trainee's cohort."""
    from tests.factories import AssignmentFactory, EnrollmentFactory, ModuleFactory

    module = ModuleFactory()
    enrollment = EnrollmentFactory(user=trainee)
    AssignmentFactory(cohort=enrollment.cohort, course=module.version.course)
    return module


@pytest.fixture
def case(module):
    from tests.factories import CaseFactory

    return CaseFactory(module=module)


@pytest.fixture
def single_choice(case):
    from tests.factories import ItemFactory

    return ItemFactory(case=case)


@pytest.fixture
def decide_first(case):
    from tests.factories import ArtifactFactory, ItemFactory

    artifact = ArtifactFactory(case=case, kind="prediction", ai_correct=False,
                               content={"model": "M", "target": "T", "output": "High", "probability": 0.8})
    return ItemFactory(
        case=case, type="reliance_decision", artifact=artifact,
        spec={"question": "Start?", "options": [{"id": "start", "text": "Start"}, {"id": "wait", "text": "Wait"}],
              "ai_answer": "start", "decide_first": True, "ask_confidence": True},
        key={"answer": "wait"}, competencies=["OVS"],
    )
