"""The trainee's player in Chromium: a mouse drag that starts on a word's first pixel marks
the passage, the span feedback fits a French phone, the truth about an AI output is said
once per case, options carry the letters the rationales use, and submitting a module with
questions unanswered asks first and then reports "k of n answered" with the module score."""
import re

import pytest
from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Response
from tests.browser.conftest import SCREENSHOTS, assert_accessible, screenshot
from tests.browser.test_trainee_pages import case, module, start_module, trainee  # noqa: F401 - fixtures
from tests.quizzes.test_views import AI_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drag(page, first, last, *, dx: float):
    """Press the mouse ``dx`` px inside ``first``'s left edge and release it on ``last``."""
    a, b = first.bounding_box(), last.bounding_box()
    page.mouse.move(a["x"] + dx, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=6)
    page.mouse.move(b["x"] + b["width"] - 1, b["y"] + b["height"] / 2, steps=3)
    page.mouse.up()


@pytest.mark.parametrize("dx", [0.5, 1, 2])
def test_a_mouse_drag_from_a_words_first_pixel_marks_the_passage(page, sign_in, trainee, module, case, dx):
    sign_in(page, trainee)
    start_module(page, module)
    words = page.locator(".ai-text.selectable span[data-s]")
    first = words.locator(f"xpath=self::*[@data-s='{AI_TEXT.index('allergic')}']")
    last = words.locator(f"xpath=self::*[@data-s='{AI_TEXT.index('penicillin')}']")
    drag(page, first, last, dx=dx)
    expect(page.locator("[data-pending]")).to_contain_text("“allergic to penicillin.”")
    page.get_by_role("button", name="Mark the passage").click()
    expect(page.locator("ol[data-span-list] > li q")).to_have_text("allergic to penicillin.")
    start = AI_TEXT.index("allergic")
    row = page.locator("ol[data-span-list] > li").first
    assert row.locator("[name=span_start]").input_value() == str(start)
    assert row.locator("[name=span_end]").input_value() == str(start + len("allergic to penicillin."))


def test_a_click_then_a_click_still_marks_from_the_first_word_to_the_second(page, sign_in, trainee, module, case):
    sign_in(page, trainee)
    start_module(page, module)
    words = page.locator(".ai-text.selectable span[data-s]")
    words.nth(0).click(position={"x": 1, "y": 5})
    words.nth(1).click()
    expect(page.locator("[data-pending]")).to_contain_text("“Patient is”")


def answer_and_grade(attempt, item, answer):
    response, _created = services.response_submit(attempt=attempt, item=item, answer=answer)
    services.response_grade(response_id=response.pk)
    return response


def graded_span_case(module, trainee):
    """The every-type case with its span question answered (one found, one false alarm) and graded."""
    from tests.quizzes.test_views import build_every_type_case

    case, items = build_every_type_case(module, decide_first=False, title="Un compte rendu rédigé par une IA")
    attempt = services.attempt_start(trainee=trainee, module=module)
    start, wrong = AI_TEXT.index("allergic"), AI_TEXT.index("three times daily.")
    answer_and_grade(attempt, items["error_spans"], {"spans": [
        {"start": start, "end": start + len("allergic to penicillin."), "label": "HAL", "correction": "no known allergy"},
        {"start": wrong, "end": wrong + len("three times daily."), "label": "OMI"}]})
    return case, items, attempt


FRENCH_NOTE = ("Antécédents : Dyspepsie, probable reflux gastro-œsophagien. Allergies : Pénicilline (anaphylaxie). "
               "Traitement : débuter énoxaparine 4 000 UI en sous-cutané à 22 h 00. "
               "Copie : M. D. Okoro, 22 rue des Mélèzes, 75011 Paris (https://exemple.fr/dossier/4417-okoro).")


def french_span_case(trainee):
    """A French course's AI note, its span question answered with a wrong label, a correction
    not accepted and a false alarm, then graded: the longest rows of the span feedback."""
    from tests.browser.test_trainee_pages import assign
    from tests.factories import ArtifactFactory, CaseFactory, ItemFactory

    module = assign(trainee, title="Vérifier un texte rédigé par une IA", version__language="fr")
    case = CaseFactory(module=module, title="Un compte rendu avec une allergie inventée")
    note = ArtifactFactory(case=case, title="Compte rendu rédigé par une IA", content={"text": FRENCH_NOTE})

    def at(passage):
        return FRENCH_NOTE.index(passage), FRENCH_NOTE.index(passage) + len(passage)

    keys = [("Dyspepsie, probable reflux gastro-œsophagien.", "CLIN"), ("Pénicilline (anaphylaxie).", "HAL"),
            ("débuter énoxaparine 4 000 UI en sous-cutané à 22 h 00.", "CLIN")]
    item = ItemFactory(case=case, type="error_spans", artifact=note, spec={"labels_required": True},
                       prompt="Repérez les passages que le dossier ne justifie pas.",
                       key={"spans": [{"start": at(p)[0], "end": at(p)[1], "failure_mode": fm, "severity": "major",
                                       "corrections": ["aucune allergie connue"]} for p, fm in keys]})
    attempt = services.attempt_start(trainee=trainee, module=module)
    copy = "Copie : M. D. Okoro, 22 rue des Mélèzes, 75011 Paris (https://exemple.fr/dossier/4417-okoro)."
    answer_and_grade(attempt, item, {"spans": [
        {"start": at(keys[0][0])[0], "end": at(keys[0][0])[1], "label": "SHORT"},
        {"start": at(keys[1][0])[0], "end": at(keys[1][0])[1], "label": "HAL", "correction": "allergie à la pénicilline"},
        {"start": at(copy)[0], "end": at(copy)[1], "label": "CAL"}]})
    return case, item


def test_the_span_feedback_fits_a_french_phone(phone_page, sign_in, trainee):
    case, item = french_span_case(trainee)
    sign_in(phone_page, trainee)
    phone_page.goto(f"/learn/cases/{case.pk}/#item-{item.pk}")
    expect(phone_page.locator("html")).to_have_attribute("lang", "fr")
    feedback = phone_page.locator(f"#item-{item.pk} .span-feedback")
    expect(feedback.locator("table").first).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the span feedback makes the page {width} px wide on a 375 px screen"
    for table in feedback.locator("table").all():
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    feedback.screenshot(path=str(screenshot(phone_page, "trainee-span-feedback-phone-fr-page").parent
                                 / "trainee-span-feedback-phone-fr.png"))
    assert_accessible(phone_page)


def test_the_span_feedback_at_desktop_width(page, sign_in, trainee, module):
    case, items, _attempt = graded_span_case(module, trainee)
    sign_in(page, trainee)
    page.goto(f"/learn/cases/{case.pk}/#item-{items['error_spans'].pk}")
    feedback = page.locator(f"#item-{items['error_spans'].pk} .feedback")
    expect(feedback.locator(".span-feedback table").first).to_be_visible()
    feedback.screenshot(path=str(screenshot(page, "trainee-span-feedback-desktop-page").parent
                                 / "trainee-span-feedback-desktop.png"))


def test_the_truth_about_an_ai_output_is_shown_once_when_a_second_grade_arrives(page, sign_in, trainee, module):
    from tests.factories import ArtifactFactory, CaseFactory, ItemFactory

    case = CaseFactory(module=module, title="Two questions on one note")
    note = ArtifactFactory(case=case, title="AI-drafted note", ai_correct=False, truth_explanation="The allergy is invented.")
    first, second = ItemFactory(case=case, artifact=note), ItemFactory(case=case, artifact=note)
    attempt = services.attempt_start(trainee=trainee, module=module)
    answer_and_grade(attempt, first, {"answer": "b"})
    pending, _created = services.response_submit(attempt=attempt, item=second, answer={"answer": "b"})
    sign_in(page, trainee)
    page.goto(f"/learn/cases/{case.pk}/")
    expect(page.get_by_text("About the AI output")).to_have_count(1)
    expect(page.locator(f"#item-{second.pk} [data-status]")).to_contain_text("being graded")
    services.response_grade(response_id=pending.pk)  # the poll swaps the grade in
    expect(page.locator(f"#item-{second.pk} [data-status]")).to_contain_text("Graded", timeout=15_000)
    expect(page.get_by_text("About the AI output")).to_have_count(1)
    page.reload()
    expect(page.get_by_text("About the AI output")).to_have_count(1)


def test_options_show_their_letters_at_both_widths(page, phone_page, sign_in, trainee, module, case):
    services.attempt_start(trainee=trainee, module=module)
    for p, width in ((page, "desktop"), (phone_page, "phone-fr")):
        sign_in(p, trainee)
        p.goto(f"/learn/cases/{case.pk}/")
        choices = p.locator("section.item-multiple_choice label.choice")
        expect(choices.nth(0).locator(".option-letter")).to_have_text("a")
        expect(choices.nth(2).locator(".option-letter")).to_have_text("c")
        expect(choices.nth(2)).to_contain_text("Check the DOI")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        p.locator("section.item-multiple_choice").screenshot(path=str(SCREENSHOTS / f"trainee-option-letters-{width}.png"))


def test_submitting_with_questions_unanswered_asks_then_says_k_of_n_answered(page, sign_in, trainee, module, case):
    sign_in(page, trainee)
    start_module(page, module)
    item = page.locator("section.item-numeric")
    item.get_by_label("Your answer").fill("19,4")
    item.get_by_role("button", name="Submit my answer").click()
    expect(item.locator("[data-status]")).to_contain_text("being graded")
    services.response_grade(response_id=Response.objects.get().pk)
    page.goto(f"/learn/modules/{module.pk}/")
    page.get_by_role("button", name="Submit the module").click()
    expect(page.get_by_role("heading", name="6 questions are unanswered: submit anyway?")).to_be_visible()
    screenshot(page, "trainee-submit-confirm-desktop")
    assert_accessible(page)
    page.get_by_role("link", name="Answer them first").click()
    expect(page).to_have_url(re.compile(rf"/learn/cases/{case.pk}/#item-\d+"))
    page.goto(f"/learn/modules/{module.pk}/")
    page.get_by_role("button", name="Submit the module").click()
    page.get_by_role("button", name="Submit anyway").click()
    expect(page.locator(".module-result")).to_contain_text("1 of 7 answered")
    expect(page.locator(".module-result")).to_contain_text("module score 14% over all 7 questions")
    screenshot(page, "trainee-module-submitted-desktop")
    assert_accessible(page)


def test_the_confirmation_and_the_result_on_a_french_phone(phone_page, sign_in, trainee, module, case):
    sign_in(phone_page, trainee)
    attempt = services.attempt_start(trainee=trainee, module=module)
    phone_page.goto(f"/learn/modules/{module.pk}/")
    phone_page.locator("form.submit-attempt button[type=submit]").click()
    expect(phone_page.locator("input[name=confirm]")).to_have_count(1)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone_page, "trainee-submit-confirm-phone-fr")
    assert_accessible(phone_page)
    phone_page.locator("input[name=confirm] + button").click()
    expect(phone_page.locator(".module-result")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone_page, "trainee-module-submitted-phone-fr")
