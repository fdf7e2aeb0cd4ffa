import pytest

from quizzes import services
from tests.factories import CaseFactory, ItemFactory, UserFactory, assigned_module


@pytest.fixture
def response(db):
    """A submitted, ungraded answer "b" to a single-choice item whose key is "b" (its grading
    was enqueued on commit, and the test's transaction never commits)."""
    trainee = UserFactory()
    module = assigned_module(trainee)
    item = ItemFactory(case=CaseFactory(module=module))
    attempt = services.attempt_start(trainee=trainee, module=module)
    response, _created = services.response_submit(attempt=attempt, item=item, answer={"answer": "b"})
    return response
