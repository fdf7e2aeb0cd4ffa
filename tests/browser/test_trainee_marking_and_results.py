"""The trainee's player in Chromium: a mouse drag that starts on a word's first pixel marks
the passage, the span feedback fits a French phone, the truth about an AI output is said
once per case, options carry the letters the rationales use, and submitting a module with
questions unanswered asks first and then reports "k of n answered" with the module score."""
import re

import pytest
from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Response
from tests.browser.conftest import assert_accessible, screenshot
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
