"""What a question imported from Moodle shows a trainee once graded, in Chromium at 1280 and
375 px: the feedback of the option chosen, the hints and the rationale, code kept as a block
and the other right option named in the key; axe-checked, nothing wider than the screen."""
import pytest
from playwright.sync_api import expect

from courses.models import ItemKey
from quizzes import services
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.browser.test_trainee_pages import assign, make_user
from tests.factories import CaseFactory, ItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPTIONS = [{"id": "a", "text": "Adrenaline"}, {"id": "b", "text": "Noradrenaline"}, {"id": "c", "text": "Norepinephrine"}]
PROMPT = ("Which vasopressor comes first? The pump runs:\n\n    rate = dose * weight / concentration\n"
          "    # mL/h, for a 70 kg patient")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_feedback_of_an_imported_question_shows_its_option_feedback_and_hints(page, sign_in, viewport):
    width = viewport["width"]
    trainee = make_user(username=f"yara{width}")
    module = assign(trainee, title="Imported from Moodle", version__title="AI literacy for clinicians")
    case = CaseFactory(module=module, title="Cardiology / Week 1", vignette="A 64-year-old man with **chest pain**.")
    item = ItemFactory(case=case, prompt=PROMPT, spec={"options": OPTIONS}, key={
        "answer": "b", "also_right": ["c"],
        "feedback": {"a": "Adrenaline is the second line in **septic shock**.", "b": "Yes."}})
    ItemKey.objects.filter(item=item).update(rationale="Noradrenaline is the first-line vasopressor.",
                                             hints=["Think of the *surviving sepsis* guideline."])
    attempt = services.attempt_start(trainee=trainee, module=module)
    response, _created = services.response_submit(attempt=attempt, item=item, answer={"answer": "a"})
    services.response_grade(response_id=response.pk)
    page.set_viewport_size(viewport)
    sign_in(page, trainee)
    page.goto(f"/learn/cases/{case.pk}/")
    feedback = page.locator("[data-feedback]")
    expect(feedback.locator(".answer-feedback")).to_contain_text("Adrenaline is the second line in septic shock.")
    expect(feedback.locator(".author-hint")).to_contain_text("Think of the surviving sepsis guideline.")
    expect(feedback).to_contain_text("Norepinephrine")
    expect(page.locator("pre code")).to_contain_text("rate = dose * weight / concentration")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"imported-feedback-{width}")
    assert_accessible(page)
