"""A trainee takes one case with an item of every type through to feedback, in Chromium,
against the live server and a real Celery worker process (tests/integration's fixtures):
every grade arrives through the broker and the page updates itself without a reload."""
import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Response
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_trainee_pages import assign, make_user
from tests.integration.conftest import broker_url, celery_processes  # noqa: F401 - fixtures used below
from tests.quizzes.test_views import AI_TEXT, RATIONALE, SECRET_OUTPUT, build_every_type_case

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

GRADED = 30_000  # ms: the worker grades in well under a second; the page polls every 1.5 s


@pytest.fixture
def worker(celery_processes):  # noqa: F811 - the imported fixture
    return celery_processes.worker()


def status_of(page, kind):
    return page.locator(f"section.item-{kind} [data-status]")


def submit(page, kind):
    page.locator(f"section.item-{kind} button[type=submit]").click()


def test_a_case_with_every_item_type_through_to_feedback_with_a_live_worker(page, sign_in, worker):
    trainee = make_user(username="noor")
    module = assign(trainee, title="Every item type", version__title="AI literacy for clinicians")
    case, items = build_every_type_case(module)
    sign_in(page, trainee)
    page.goto("/")
    page.get_by_role("link", name="Every item type").first.click()
    page.get_by_role("button", name="Start the module").click()
    page.wait_for_url(re.compile(rf"/learn/cases/{case.pk}/"))

    # error_spans, with the keyboard: "allergic to penicillin." labelled as a hallucination
    first = page.locator(".ai-text.selectable span[data-s]").first
    first.focus()
    start = AI_TEXT.index("allergic")
    while page.evaluate("document.activeElement.dataset.s") != str(start):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    page.locator("ol[data-span-list] select").first.select_option("HAL")
    submit(page, "error_spans")
    expect(status_of(page, "error_spans")).to_contain_text("your score is 100%", timeout=GRADED)
    spans = page.locator("section.item-error_spans .span-feedback")
    expect(spans).to_contain_text("found")
    expect(spans).to_contain_text("Hallucination")
    expect(page.locator("section.item-error_spans")).to_contain_text(RATIONALE)

    # reliance_decision, decide first: the AI output is not in the page before the unaided answer
    assert SECRET_OUTPUT not in page.content()
    decision = page.locator("section.item-reliance_decision")
    decision.get_by_label("Reassess in one hour").check()
    decision.get_by_role("button", name="Save my answer and show the AI output").click()
    expect(page.get_by_text(SECRET_OUTPUT)).to_be_visible()
    decision.get_by_label("Override it with my own answer").check()
    decision.locator("[data-override]").get_by_label("Reassess in one hour").check()
    decision.get_by_label("How confident are you that your final answer is right?").focus()
    for _ in range(6):  # from 50 by steps of 5
        page.keyboard.press("ArrowRight")
    expect(decision.locator("[data-confidence-output]")).to_have_text("80%")
    submit(page, "reliance_decision")
    expect(status_of(page, "reliance_decision")).to_contain_text("your score is 100%", timeout=GRADED)
    expect(decision).to_contain_text("The AI's recommendation was wrong.")

    # single choice with certainty-based marking
    single = page.locator("section.item-single_choice")
    single.get_by_label("The pasted pathway").check()
    single.get_by_label(re.compile("Very sure")).check()
    submit(page, "single_choice")
    expect(status_of(page, "single_choice")).to_contain_text("your score is 100%", timeout=GRADED)
    expect(single).to_contain_text("Certainty-based mark: +3.")

    # multiple choice
    multiple = page.locator("section.item-multiple_choice")
    multiple.get_by_label("Check PubMed").check()
    multiple.get_by_label("Check the DOI").check()
    submit(page, "multiple_choice")
    expect(status_of(page, "multiple_choice")).to_contain_text("your score is 100%", timeout=GRADED)

    # numeric with its unit, typed with a decimal comma
    page.locator("section.item-numeric").get_by_label("Your answer").fill("19,4")
    submit(page, "numeric")
    expect(status_of(page, "numeric")).to_contain_text("your score is 100%", timeout=GRADED)

    # script concordance
    page.locator("section.item-script_concordance").get_by_label(re.compile("Neither more nor less likely")).check()
    submit(page, "script_concordance")
    expect(status_of(page, "script_concordance")).to_contain_text("your score is 100%", timeout=GRADED)
    expect(page.locator("section.item-script_concordance")).to_contain_text("What the expert panel answered")

    # free text: graded automatically as a suggestion, then waits for a faculty member
    page.locator("section.item-free_text").get_by_label("Your answer").fill("The trial is fabricated: it does not exist.")
    submit(page, "free_text")
    expect(status_of(page, "free_text")).to_contain_text("A faculty member will review it", timeout=GRADED)

    states = dict(Response.objects.values_list("item__type", "state"))
    assert states == {kind: ("review" if kind == "free_text" else "graded") for kind in items}
    screenshot(page, "trainee-case-feedback-desktop")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 740})
    screenshot(page, "trainee-case-feedback-phone")
    assert_accessible(page)


def test_the_page_updates_itself_when_the_grade_arrives(page, sign_in, celery_processes):  # noqa: F811
    """Submitted with no worker running: the page says grading is pending, then shows the
    grade without a reload once a worker starts."""
    trainee = make_user(username="yann")
    module = assign(trainee, title="Waiting for a grade")
    case, _items = build_every_type_case(module)
    sign_in(page, trainee)
    page.goto(f"/learn/modules/{module.pk}/")
    page.get_by_role("button", name="Start the module").click()
    page.wait_for_url(re.compile(rf"/learn/cases/{case.pk}/"))
    page.locator("section.item-numeric").get_by_label("Your answer").fill("12")
    submit(page, "numeric")
    status = status_of(page, "numeric")
    expect(status).to_contain_text("being graded")
    expect(status).to_have_attribute("role", "status")
    screenshot(page, "trainee-grading-pending-desktop")
    page.evaluate("window.__vigilMarker = 'same page'")
    celery_processes.worker()
    expect(status).to_contain_text("your score is 0%", timeout=GRADED)
    assert page.evaluate("window.__vigilMarker") == "same page"  # updated in place, no reload
    expect(page.locator("section.item-numeric")).to_contain_text("19.4 %")
