"""What the case player and the module page say about results: the truth about an AI output
once per case, options with the letters the rationales use, and a module submitted with
questions unanswered (a confirmation first, then "k of n answered" and the module score)."""
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from quizzes import services
from quizzes.items import unit_for
from quizzes.items.display import option_letters, position_letter
from quizzes.models import Attempt
from tests.factories import ArtifactFactory, CaseFactory, ItemFactory
from tests.quizzes.test_views import attempt, case_url, client, html  # noqa: F401 - the pages' fixtures

pytestmark = pytest.mark.django_db


def graded(attempt, item, answer):
    response, _created = services.response_submit(attempt=attempt, item=item, answer=answer)
    services.response_grade(response_id=response.pk)
    return response


def test_the_truth_about_an_ai_output_is_said_once_per_case(client, attempt, module):
    case = CaseFactory(module=module)
    note = ArtifactFactory(case=case, title="AI-drafted note", ai_correct=False, truth_explanation="The allergy is invented.")
    first, second = ItemFactory(case=case, artifact=note), ItemFactory(case=case, artifact=note)
    graded(attempt, first, {"answer": "b"})
    graded(attempt, second, {"answer": "b"})
    services.attempt_submit(attempt=attempt)
    page = html(client.get(case_url(case)))
    assert page.count("About the AI output") == 1
    assert page.count("The allergy is invented.") == 1
    assert page.index("About the AI output") < page.index(f'id="item-{second.pk}"')  # under the first question


def submit_url(attempt):
    return f"/learn/attempts/{attempt.pk}/submit/"


@pytest.fixture
def seven(case):
    return [ItemFactory(case=case) for _ in range(7)]


def test_submitting_with_questions_unanswered_asks_first_and_changes_nothing(client, attempt, seven):
    for item in seven[:4]:
        graded(attempt, item, {"answer": "a"})
    reply = client.post(submit_url(attempt))
    assert reply.status_code == 200
    page = html(reply)
    assert "3 questions are unanswered: submit anyway?" in page
    assert "You have answered 4 of the 7 questions" in page
    assert 'name="confirm" value="1"' in page
    assert f'href="/learn/cases/{seven[4].case_id}/#item-{seven[4].pk}"' in page  # "Answer them first"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN


def test_confirming_submits_the_attempt(client, attempt, seven):
    graded(attempt, seven[0], {"answer": "a"})
    reply = client.post(submit_url(attempt), {"confirm": "1"})
    assert reply.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


def test_submitting_with_every_question_answered_asks_nothing(client, attempt, seven):
    for item in seven:
        graded(attempt, item, {"answer": "a"})
    assert client.post(submit_url(attempt)).status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


def test_the_api_submits_without_asking(attempt, seven, trainee):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(trainee)
    assert api.post(f"/api/v1/attempts/{attempt.pk}/submit/").status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


def test_a_submitted_module_says_k_of_n_answered_and_the_score_over_all_questions(client, attempt, module, seven):
    for item in seven[:4]:
        graded(attempt, item, {"answer": "b"})  # the factory's key is "b": each scores 1
    services.attempt_submit(attempt=attempt)
    page = html(client.get(f"/learn/modules/{module.pk}/"))
    assert "4 of 7 answered" in page
    assert "module score 57% over all 7 questions" in page
    assert "the 3 unanswered questions count 0" in page
    assert "100%" not in page


def test_home_says_k_of_n_answered_and_the_module_score_once_submitted(client, attempt, seven):
    graded(attempt, seven[0], {"answer": "b"})
    services.attempt_submit(attempt=attempt)
    page = html(client.get("/"))
    assert "1 of 7 answered, module score 14%" in page
    assert "mean score" not in page


def test_an_answer_not_graded_yet_counts_once_graded_and_the_page_says_so(client, attempt, module, seven):
    graded(attempt, seven[0], {"answer": "b"})
    services.response_submit(attempt=attempt, item=seven[1], answer={"answer": "b"})
    services.attempt_submit(attempt=attempt)
    page = html(client.get(f"/learn/modules/{module.pk}/"))
    assert "2 of 7 answered" in page and "module score 14% over all 7 questions" in page
    assert "1 answer is not graded yet: it counts once graded." in page


# ---------------------------------------------------------------- option letters

def test_options_show_the_letters_the_rationales_use_in_the_question_and_the_feedback(client, attempt, case):
    item = ItemFactory(case=case, spec={"options": [{"id": "a", "text": "Cite it"}, {"id": "b", "text": "Ask the bot"},
                                                    {"id": "c", "text": "Search PubMed"}]}, key={"answer": "c"})
    page = html(client.get(case_url(case)))
    for letter, text in (("a", "Cite it"), ("b", "Ask the bot"), ("c", "Search PubMed")):
        assert re.search(rf'<b class="option-letter">{letter}</b> <span lang="[a-z-]+">{text}</span>', page)
    graded(attempt, item, {"answer": "b"})
    services.attempt_submit(attempt=attempt)
    page = html(client.get(case_url(case)))
    assert '<dd><b class="option-letter">b</b> Ask the bot</dd>' in page  # what you answered
    assert '<p class="key-answer"><b class="option-letter">c</b> Search PubMed</p>' in page  # the right answer


def test_ticked_options_and_the_key_of_a_multiple_choice_carry_their_letters(client, attempt, case):
    item = ItemFactory(case=case, type="multiple_choice", key={"correct": ["a", "c"]},
                       spec={"options": [{"id": "a", "text": "PubMed"}, {"id": "b", "text": "Bot"}, {"id": "c", "text": "DOI"}]})
    graded(attempt, item, {"answers": ["a", "b"]})
    services.attempt_submit(attempt=attempt)
    page = html(client.get(case_url(case)))
    assert '<b class="option-letter">a</b> PubMed, <b class="option-letter">b</b> Bot' in page
    assert '<td><b class="option-letter">c</b> DOI</td>' in page


def test_options_whose_ids_are_not_letters_are_lettered_by_position(client, attempt, case):
    ItemFactory(case=case, spec={"options": [{"id": "start", "text": "Start"}, {"id": "wait", "text": "Wait"}]},
                key={"answer": "wait"})
    page = html(client.get(case_url(case)))
    assert re.search(r'<b class="option-letter">a</b> <span lang="[a-z-]+">Start</span>', page)
    assert re.search(r'<b class="option-letter">b</b> <span lang="[a-z-]+">Wait</span>', page)


def test_the_letters_are_the_same_in_french(client, attempt, case):
    ItemFactory(case=case, spec={"options": [{"id": "a", "text": "Citer"}, {"id": "b", "text": "Vérifier"}]})
    page = html(client.get(case_url(case), HTTP_ACCEPT_LANGUAGE="fr"))
    assert 'lang="fr"' in page
    assert re.search(r'<b class="option-letter">b</b> <span lang="[a-z-]+">Vérifier</span>', page)


@pytest.mark.parametrize(("index", "letter"), [(0, "a"), (25, "z"), (26, "aa"), (27, "ab"), (51, "az"), (52, "ba")])
def test_position_letters_go_on_after_z_as_spreadsheet_columns(index, letter):
    assert position_letter(index) == letter


def test_ids_that_are_letters_are_kept_even_out_of_order():
    assert option_letters([{"id": "a"}, {"id": "c"}, {"id": "b"}]) == ["a", "c", "b"]
    assert option_letters([{"id": "a"}, {"id": "a"}]) == ["a", "b"]  # not distinct: by position


def test_the_studio_key_summary_names_the_right_option_by_its_letter():
    spec = {"options": [{"id": "a", "text": "Cite it"}, {"id": "b", "text": "Search PubMed"}]}
    assert unit_for("single_choice").key_summary(spec, {"answer": "b"}, "") == ["Right answer: b. Search PubMed"]


@pytest.mark.parametrize("folder", ["ai-literacy-clinicians", "ai-literacy-clinicians-fr"])
def test_every_option_a_demo_rationale_names_is_shown_with_that_letter(folder):
    course = yaml.safe_load((Path(settings.BASE_DIR) / "demo" / "courses" / folder / "course.yaml").read_text())
    checked = 0
    for module in course["modules"]:
        for case in module["cases"]:
            for item in case["items"]:
                if item["type"] not in ("single_choice", "multiple_choice"):
                    continue
                letters = option_letters(item["spec"]["options"])
                named = set(re.findall(r"\*\*([a-z]{1,2})\*\*", item.get("rationale", "")))
                assert named <= set(letters), (item["slug"], named - set(letters))
                checked += len(named)
    assert checked > 20
