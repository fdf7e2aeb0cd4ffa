"""A trainee answers a short-answer and a matching item in Chromium, at 1280 and 375 px, with
a real Celery worker grading: the text input and one labelled select per stem, axe-checked
before and after, then the feedback with the accepted answers (their feedback) and the pairs."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot, studio_case, studio_new_item
from tests.browser.test_trainee_pages import assign, make_user
from tests.factories import CaseFactory, ItemFactory
from tests.integration.conftest import broker_url, celery_processes  # noqa: F401 - fixtures used below

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

GRADED = 30_000  # ms


@pytest.fixture
def worker(celery_processes):  # noqa: F811 - the imported fixture
    return celery_processes.worker()


def new_types_case(module):
    case = CaseFactory(module=module, title="Kidney words", vignette="A 71-year-old woman (synthetic) after surgery.")
    ItemFactory(case=case, type="short_answer", prompt="What does AKI stand for?", spec={},
                key={"answers": [{"text": "acute kidney injury", "fraction": 1, "feedback": "Right: KDIGO's term."},
                                 {"text": "*renal*", "fraction": 0.5, "feedback": "Name the acute form."}]})
    ItemFactory(case=case, type="matching", prompt="Match each measure with its formula.",
                spec={"stems": [{"id": "s1", "text": "Sensitivity"}, {"id": "s2", "text": "Specificity"}],
                      "choices": [{"id": "c1", "text": "TN / (TN + FP)"}, {"id": "c2", "text": "TP / (TP + FN)"},
                                  {"id": "c3", "text": "TP / (TP + FP)"}]},
                key={"pairs": {"s1": "c2", "s2": "c1"}})
    return case


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_short_answer_and_matching_are_answered_and_their_feedback_shown(page, sign_in, worker, viewport):
    width = viewport["width"]
    trainee = make_user(username=f"ines{width}")
    module = assign(trainee, title="New item types", version__title="AI literacy for clinicians")
    case = new_types_case(module)
    page.set_viewport_size(viewport)
    sign_in(page, trainee)
    page.goto(f"/learn/modules/{module.pk}/")
    page.get_by_role("button", name="Start the module").click()
    page.wait_for_url(re.compile(rf"/learn/cases/{case.pk}/"))
    short = page.locator("section.item-short_answer")
    matching = page.locator("section.item-matching")
    expect(short.get_by_label("Your answer")).to_be_visible()
    expect(matching.get_by_label("Sensitivity")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"new-item-types-form-{width}")
    assert_accessible(page)

    # an unmatched stem is refused, with the other choice kept
    matching.get_by_label("Sensitivity").select_option(label="TP / (TP + FN)")
    matching.locator("button[type=submit]").click()
    expect(matching).to_contain_text("Choose a match for every item (1 left).")
    expect(matching.get_by_label("Sensitivity")).to_have_value("c2")
    matching.get_by_label("Specificity").select_option(label="TP / (TP + FP)")  # the distractor: wrong
    matching.locator("button[type=submit]").click()
    expect(matching.locator("[data-status]")).to_contain_text("your score is 50%", timeout=GRADED)
    expect(matching).to_contain_text("The right pairs")
    expect(matching.locator("table")).to_contain_text("TN / (TN + FP)")

    short.get_by_label("Your answer").fill("  Chronic renal failure ")
    short.locator("button[type=submit]").click()
    expect(short.locator("[data-status]")).to_contain_text("your score is 50%", timeout=GRADED)
    expect(short).to_contain_text("Name the acute form.")
    expect(short.locator("table")).to_contain_text("acute kidney injury")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"new-item-types-feedback-{width}")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_studio_editors_of_both_types_are_accessible_and_save(page, sign_in, viewport):
    from courses.models import Item, ItemKey

    width = viewport["width"]
    _faculty, case = studio_case(page, sign_in, viewport, slug=f"kidney-{width}", module="Words", case="Kidney words")

    studio_new_item(page, case, "short_answer", "What does AKI stand for?")
    page.get_by_label("Accepted answer 1", exact=True).fill("acute kidney injury")
    page.get_by_label("Accepted answer 1 feedback").fill("Right.")
    page.get_by_label("Accepted answer 2", exact=True).fill("*renal*")
    page.get_by_label("Accepted answer 2 marks in percent").fill("50")
    screenshot(page, f"studio-item-short-answer-{width}")
    assert_accessible(page)
    page.get_by_role("button", name="Save the item").click()
    page.wait_for_url(re.compile(r"/studio/(items|cases)/\d+/"))
    assert ItemKey.objects.get(item__case=case, item__type="short_answer").answer == {"answers": [
        {"text": "acute kidney injury", "fraction": 1, "feedback": "Right."}, {"text": "*renal*", "fraction": 0.5}]}

    studio_new_item(page, case, "matching", "Match each measure with its formula.")
    page.get_by_label("Item 1 to match").fill("Sensitivity")
    page.get_by_label("Right match of item 1").fill("TP/(TP+FN)")
    page.get_by_label("Item 2 to match").fill("Specificity")
    page.get_by_label("Right match of item 2").fill("TN/(TN+FP)")
    page.get_by_label(re.compile("Other choices")).fill("TP/(TP+FP)")
    screenshot(page, f"studio-item-matching-{width}")
    assert_accessible(page)
    page.get_by_role("button", name="Save the item").click()
    page.wait_for_url(re.compile(r"/studio/(items|cases)/\d+/"))
    item = Item.objects.get(case=case, type="matching")
    assert [c["text"] for c in item.spec["choices"]] == ["TN/(TN+FP)", "TP/(TP+FN)", "TP/(TP+FP)"]
