"""What the case player and the module page say about results: the truth about an AI output
once per case, options with the letters the rationales use, and a module submitted with
questions unanswered (a confirmation first, then "k of n answered" and the module score)."""
import pytest

from quizzes import services
from quizzes.models import Attempt
from tests.factories import ArtifactFactory, CaseFactory, ItemFactory
from tests.quizzes.test_views import case_url, html, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, trainee):
    return signed_in(client, trainee)


@pytest.fixture
def attempt(trainee, module):
    return services.attempt_start(trainee=trainee, module=module)


def graded(attempt, item, answer):
    response, _created = services.response_submit(attempt=attempt, item=item, answer=answer)
    services.response_grade(response_id=response.pk)
    return response


def test_the_truth_about_an_ai_output_is_said_once_per_case(client, attempt, module):
    case = CaseFactory(module=module)
    note = ArtifactFactory(case=case, title="AI-drafted note", ai_correct=False, truth_explanation="The allergy is invented.")
    first, second = ItemFactory(case=case, artifact=note), ItemFactory(case=case, artifact=note)
    graded(attempt, first, {"answer": "a"})
    graded(attempt, second, {"answer": "a"})
    services.attempt_submit(attempt=attempt)
    page = html(client.get(case_url(case)))
    assert page.count("About the AI output") == 1
    assert page.count("The allergy is invented.") == 1
    assert page.index("About the AI output") < page.index(f'id="item-{second.pk}"')  # under the first question
