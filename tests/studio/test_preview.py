"""The studio's preview of a case: the case player's own templates, parsers and decide-first
rule, answers graded in memory and nothing stored."""
import json
import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from courses.models import Case, ItemKey
from courses.services import course_version_create_draft
from quizzes import forms
from quizzes.models import Attempt, Grade, Response
from tests.studio.test_authoring_pages import decide_first_case, faculty, published, studio  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def preview_url(case, **params) -> str:
    url = reverse("studio:preview", args=[case.pk])
    return url + ("?" + "&".join(f"{k.replace('_', '-')}={v}" for k, v in params.items()) if params else "")


def action_of(page: str, item) -> str:
    """The action of the answer form of ``item`` on a preview page (as the browser posts it)."""
    section = page[page.index(f'id="item-{item.pk}"'):]
    return re.search(r'<form method="post" action="([^"]+)"', section).group(1).replace("&amp;", "&").split("#")[0]


def shows_the_letter(page: str) -> bool:
    """Whether the page shows the AI-drafted letter (its words are the span widget's tokens)."""
    return ">penicillin</span>" in page or "documented penicillin allergy" in page


def nothing_stored() -> bool:
    return not (Attempt.objects.exists() or Response.objects.exists() or Grade.objects.exists())


@pytest.fixture
def film(published):
    return Case.objects.get(module__version=published, slug="portable-film")


@pytest.fixture
def letter(decide_first_case):
    """The letter case with its reliance item decide-first, asked before the spans item."""
    return Case.objects.get(module__version=decide_first_case, slug="fabricated-allergy")


def test_the_preview_is_the_case_player_page(letter, studio):
    page = studio.get(preview_url(letter, initial_1="x")).content.decode()
    assert "vigil/player.js" in page and "vigil/player.css" in page and 'id="player-text"' in page
    assert 'class="card vignette"' in page and "Question 1 of 2" in page
    assert 'type="number"' not in page and "studio/studio.js" not in page  # no more start/end number boxes


def test_the_span_widget_is_the_trainee_s(published, studio):
    case = Case.objects.get(module__version=published, slug="fabricated-allergy")
    spans = case.items.get(slug="find-the-errors")
    page = studio.get(preview_url(case)).content.decode()
    assert f'data-span-text="{spans.pk}"' in page and '<span data-s="0" data-e="3">Mrs</span>' in page
    assert f'data-span-form="text-{spans.artifact_id}"' in page and "data-span-template" in page


def test_the_forms_post_back_to_the_preview_with_the_item(film, studio):
    item = film.items.get(slug="which-lobe")
    page = studio.get(preview_url(film)).content.decode()
    assert action_of(page, item) == preview_url(film) + f"?item={item.pk}"
    assert "data-draft=\"\"" in page  # no draft kept on the author's device


def test_an_answer_is_graded_in_memory_with_the_trainee_feedback_and_the_key(film, studio):
    item = film.items.get(slug="which-lobe")
    response = studio.post(preview_url(film, item=item.pk), {"answer": "rll", "certainty": "3"})
    page = response.content.decode()
    assert response.status_code == 200 and "Graded: your score is 100%." in page
    assert "Certainty-based mark: +3." in page and "What you answered" in page  # the trainee's feedback
    assert "For the author" in page and "Score: 100%" in page
    assert re.search(r"Right answer: [a-z]\. Right lower lobe", page)  # the option's letter, as the player shows


def test_the_preview_stores_nothing(film, studio):
    item = film.items.get(slug="which-lobe")
    studio.post(preview_url(film, item=item.pk), {"answer": "rll", "certainty": "3"})
    assert nothing_stored()


def test_a_refused_answer_is_shown_beside_its_field(film, studio):
    item = film.items.get(slug="which-lobe")
    response = studio.post(preview_url(film, item=item.pk), {"answer": "zz", "certainty": "2"})
    page = response.content.decode()
    assert response.status_code == 400 and "Your answer was not saved" in page
    assert re.search(rf'id="err-{item.pk}-answer"><p>[^<]*not an option', page)


@pytest.mark.parametrize("typed", ["9,2", "9.2", "9,20", " 9,2 "])
def test_a_number_is_read_as_the_trainee_page_reads_it(film, studio, typed):
    item = film.items.get(slug="ppv")
    posted = QueryDict(mutable=True)
    posted["value"] = typed
    assert forms.parse_answer(item, posted).payload == {"value": 9.2}  # the trainee page's reading
    page = studio.post(preview_url(film, item=item.pk), {"value": typed}).content.decode()
    assert "Graded: your score is 100%." in page


def test_an_ambiguous_number_is_refused_as_on_the_trainee_page(film, studio):
    item = film.items.get(slug="ppv")
    response = studio.post(preview_url(film, item=item.pk), {"value": "1,234.5"})
    assert response.status_code == 400
    assert "Enter a number, such as 9.2 (digits, with a decimal point or comma)." in response.content.decode()


def test_decide_first_asks_the_unaided_answer_and_hides_the_ai_output(letter, studio):
    first = letter.items.get(slug="accept-the-plan")
    page = studio.get(preview_url(letter)).content.decode()
    assert not shows_the_letter(page) and "The AI recommends" not in page and "Sign it" in page
    assert "Decide first: this AI output is shown once you have given your own answer" in page
    assert "shown once you have answered question 1 on your own" in page  # the spans item, blocked
    assert action_of(page, first).endswith(f"?item={first.pk}&step=unaided")


def test_a_final_answer_before_the_unaided_one_is_refused(letter, studio):
    first = letter.items.get(slug="accept-the-plan")
    response = studio.post(preview_url(letter, item=first.pk), {"decision": "accept", "confidence": "50"})
    assert response.status_code == 409 and "Give your unaided answer first" in response.content.decode()


def test_a_question_about_the_hidden_output_is_refused_naming_the_unaided_one(letter, studio):
    spans = letter.items.get(slug="find-the-errors")
    response = studio.post(preview_url(letter, item=spans.pk),
                           {"span_start": "72", "span_end": "116", "span_label": "HAL", "span_correction": ""})
    page = response.content.decode()
    assert response.status_code == 409 and "Errors found" not in page and not shows_the_letter(page)
    assert "Answer the unaided question first: question 1, “Sign the letter as drafted?”" in page


def test_the_unaided_answer_leads_to_the_ai_output_carrying_it(letter, studio):
    first = letter.items.get(slug="accept-the-plan")
    response = studio.post(preview_url(letter, item=first.pk, step="unaided"), {"answer": "correct"})
    assert response.status_code == 302
    assert response["Location"] == preview_url(letter) + f"?initial-{first.pk}=correct#artifact-{first.artifact_id}"
    assert nothing_stored()


def test_the_unaided_answer_by_fetch_gets_the_location_as_the_player_does(letter, studio):
    first = letter.items.get(slug="accept-the-plan")
    response = studio.post(preview_url(letter, item=first.pk, step="unaided"), {"answer": "correct"},
                           headers={"X-Requested-With": "fetch"})
    assert json.loads(response.content) == {"location": f"{preview_url(letter)}?initial-{first.pk}=correct#artifact-{first.artifact_id}"}


def test_an_empty_unaided_answer_is_refused_in_the_trainee_s_words(letter, studio):
    first = letter.items.get(slug="accept-the-plan")
    response = studio.post(preview_url(letter, item=first.pk, step="unaided"), {})
    assert response.status_code == 400 and "Choose your answer before you see the AI output." in response.content.decode()


def test_after_the_unaided_answer_it_is_shown_by_its_label_and_the_override_offers_only_other_answers(letter, studio):
    first = letter.items.get(slug="accept-the-plan")
    page = studio.get(preview_url(letter, **{f"initial_{first.pk}": "correct"})).content.decode()
    assert shows_the_letter(page)
    assert re.search(r"Your unaided answer: <strong[^>]*>Correct it first</strong>", page)
    override = page[page.index("data-override"):page.index("</fieldset>", page.index("data-override"))]
    assert 'value="correct"' in override and 'value="sign"' not in override  # sign is the AI's answer


def test_the_forms_carry_the_unaided_answer(letter, studio):
    first, spans = letter.items.get(slug="accept-the-plan"), letter.items.get(slug="find-the-errors")
    page = studio.get(preview_url(letter, **{f"initial_{first.pk}": "correct"})).content.decode()
    assert action_of(page, spans) == preview_url(letter) + f"?item={spans.pk}&initial-{first.pk}=correct"


def test_a_carried_answer_that_is_no_option_is_ignored(letter, studio):
    first = letter.items.get(slug="accept-the-plan")
    assert shows_the_letter(studio.get(preview_url(letter, **{f"initial_{first.pk}": "correct"})).content.decode())
    page = studio.get(preview_url(letter, **{f"initial_{first.pk}": "nonsense"})).content.decode()
    assert not shows_the_letter(page)


def test_the_final_decision_is_graded_with_the_unaided_answer(letter, studio):
    first = letter.items.get(slug="accept-the-plan")
    response = studio.post(preview_url(letter, item=first.pk, **{f"initial_{first.pk}": "correct"}),
                           {"decision": "override", "answer": "correct", "confidence": "80"})
    page = response.content.decode()
    assert response.status_code == 200 and "Score: 100%" in page
    assert re.search(r"<dt>Your unaided answer</dt><dd>Correct it first</dd>", page)
    assert nothing_stored()


def test_spans_are_graded_once_the_unaided_answer_is_given(letter, studio):
    first, spans = letter.items.get(slug="accept-the-plan"), letter.items.get(slug="find-the-errors")
    response = studio.post(preview_url(letter, item=spans.pk, **{f"initial_{first.pk}": "sign"}),
                           {"span_start": "72", "span_end": "116", "span_label": "HAL", "span_correction": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Errors found: 1 of 2" in page and "missed" in page


def test_overlapping_spans_are_refused_beside_the_second(published, studio):
    case = Case.objects.get(module__version=published, slug="fabricated-allergy")
    spans = case.items.get(slug="find-the-errors")
    response = studio.post(preview_url(case, item=spans.pk), {
        "span_start": ["72", "80"], "span_end": ["116", "116"], "span_label": ["HAL", "HAL"], "span_correction": ["", ""]})
    page = response.content.decode()
    assert response.status_code == 400 and "Errors found" not in page
    assert re.search(r'<div class="field-error"><p>overlaps span 0', page)


def test_an_item_of_another_case_is_not_found(film, published, studio):
    other = Case.objects.get(module__version=published, slug="fabricated-allergy").items.first()
    assert studio.post(preview_url(film, item=other.pk), {"answer": "rll"}).status_code == 404


def test_a_draft_item_without_a_key_says_so(published, faculty, studio):
    draft = course_version_create_draft(course=published.course, user=faculty)
    case = Case.objects.get(module__version=draft, slug="portable-film")
    item = case.items.get(slug="which-lobe")
    ItemKey.objects.filter(item=item).delete()
    response = studio.post(preview_url(case, item=item.pk), {"answer": "rll", "certainty": "1"})
    assert response.status_code == 400 and "has no answer key yet" in response.content.decode()


def test_a_free_text_answer_says_a_faculty_member_confirms_the_grade(published, studio):
    case = Case.objects.get(module__version=published, slug="dermascan-card")
    item = case.items.get(slug="critique")
    page = studio.post(preview_url(case, item=item.pk), {"text": "The AUROC is 0.71 on dark skin."}).content.decode()
    assert "a faculty member confirms it in the grading queue" in page


def test_the_preview_page_costs_nine_queries_and_one_more_for_images(letter, film, studio, django_assert_num_queries):
    """The session, the user, the roles, the case, its AI outputs with their failure modes, its
    items with their competencies, the faculty link; the version's media only for a case that
    shows an image (the film). As many for a case of two items as for one of three."""
    for case, queries in ((letter, 9), (film, 10)):
        with django_assert_num_queries(queries):
            assert studio.get(preview_url(case)).status_code == 200


def test_a_draft_case_with_nothing_in_it_yet_previews(published, faculty, studio):
    draft = course_version_create_draft(course=published.course, user=faculty)
    case = Case.objects.create(module=draft.modules.first(), slug="empty", position=99, title="Empty case", vignette="")
    assert studio.get(preview_url(case)).status_code == 200
