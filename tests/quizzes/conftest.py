import pytest

from tests.factories import (
    ArtifactFactory, AssignmentFactory, CaseFactory, EnrollmentFactory, ItemFactory, ModuleFactory, UserFactory,
)


@pytest.fixture
def trainee(db):
    return UserFactory()


@pytest.fixture
def module(db, trainee):
    """A published module of a course assigned to the trainee's cohort."""
    module = ModuleFactory()
    enrollment = EnrollmentFactory(user=trainee)
    AssignmentFactory(cohort=enrollment.cohort, course=module.version.course)
    return module


@pytest.fixture
def case(module):
    return CaseFactory(module=module)


@pytest.fixture
def single_choice(case):
    return ItemFactory(case=case)


@pytest.fixture
def decide_first(case):
    artifact = ArtifactFactory(case=case, kind="prediction", ai_correct=False,
                               content={"model": "M", "target": "T", "output": "High", "probability": 0.8})
    return ItemFactory(
        case=case, type="reliance_decision", artifact=artifact,
        spec={"question": "Start?", "options": [{"id": "start", "text": "Start"}, {"id": "wait", "text": "Wait"}],
              "ai_answer": "start", "decide_first": True, "ask_confidence": True},
        key={"answer": "wait"}, competencies=["OVS"],
    )
