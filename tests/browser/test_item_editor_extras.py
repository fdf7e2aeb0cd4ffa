"""A faculty member edits, in Chromium at 1280 and 375 px, what question banks carry besides
the key proper: a single choice's per-option feedback and other right option, hints (one
added with the page's button), free tags and the ID number; a numeric item's other answer,
first refused (its row and field named, the field marked invalid) then saved. Axe-checked,
with screenshots."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot, studio_case, studio_new_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_feedback_hints_tags_and_other_answers_are_edited_and_saved(page, sign_in, viewport):
    from courses.models import Item, ItemKey

    width = viewport["width"]
    _faculty, case = studio_case(page, sign_in, viewport, slug=f"sepsis-{width}", module="Markers", case="Sepsis")

    studio_new_item(page, case, "single_choice", "Which marker is in the hour-1 bundle?")
    for n, text in enumerate(["Troponin", "Lactate", "Serum lactate"], start=1):
        page.get_by_label(f"Option {n} text").fill(text)
    page.get_by_label("Option 2 is the right answer").check()
    page.get_by_label("Option 3 is right as well").check()
    page.get_by_label("Option 1 feedback when chosen").fill("Troponin rises *later*.")
    page.get_by_label("Hint 1", exact=True).fill("Think of the bundle.")
    page.get_by_label("Hint 2", exact=True).fill("Which value falls with fluids?")
    page.get_by_role("button", name="Add a hint").click()
    page.get_by_label("Hint 3", exact=True).fill("Measure it again.")
    page.get_by_label(re.compile("^Free tags")).fill("sepsis\nweek 1")
    page.get_by_label(re.compile("^ID number")).fill("SEP-001")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"studio-item-extras-choice-{width}")
    assert_accessible(page)
    page.get_by_role("button", name="Save the item").click()
    page.wait_for_url(re.compile(r"/studio/items/\d+/"))
    item = Item.objects.get(case=case)
    assert ItemKey.objects.get(item=item).answer == {
        "answer": "b", "also_right": ["c"], "feedback": {"a": "Troponin rises *later*."}}
    assert (item.key.hints, item.tags, item.idnumber) == (
        ["Think of the bundle.", "Which value falls with fluids?", "Measure it again."], ["sepsis", "week 1"], "SEP-001")
    expect(page.get_by_label("Option 3 is right as well")).to_be_checked()
    expect(page.get_by_label("Hint 3", exact=True)).to_have_value("Measure it again.")

    studio_new_item(page, case, "numeric", "Lactate in mmol/L?")
    page.get_by_label("Right value", exact=True).fill("2")
    page.get_by_label(re.compile("^Absolute tolerance")).fill("0.1")
    page.get_by_label(re.compile("^Feedback on the right value")).fill("Right: 2 mmol/L.")
    page.get_by_label("Other answer 1 value").fill("2,5")
    page.get_by_label("Other answer 1 tolerance").fill("a bit")
    page.get_by_label("Other answer 1 marks in percent").fill("50")
    page.get_by_label("Other answer 1 feedback").fill("Close.")
    page.get_by_role("button", name="Save the item").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Other answer 1, tolerance: must be a number")
    tolerance = page.get_by_label("Other answer 1 tolerance")
    expect(tolerance).to_have_value("a bit")
    expect(tolerance).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#" + tolerance.get_attribute("aria-describedby"))).to_have_text("must be a number")
    assert Item.objects.filter(case=case).count() == 1  # nothing written
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"studio-item-extras-numeric-refused-{width}")
    assert_accessible(page)
    problems.get_by_role("link", name="Other answer 1, tolerance").click()
    expect(tolerance).to_be_focused()
    tolerance.fill("0.2")
    page.get_by_role("button", name="Save the item").click()
    page.wait_for_url(re.compile(r"/studio/items/\d+/"))
    assert ItemKey.objects.get(item__case=case, item__type="numeric").answer == {
        "value": 2, "tolerance_abs": 0.1, "feedback": "Right: 2 mmol/L.",
        "answers": [{"value": 2.5, "tolerance_abs": 0.2, "fraction": 0.5, "feedback": "Close."}]}
    screenshot(page, f"studio-item-extras-numeric-saved-{width}")
