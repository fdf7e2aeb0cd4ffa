"""A faculty member sees how sure each free-text suggestion is: the grading queue counts the
low-confidence ones, the item's answers come least sure first, and the marking page says why
(a bare list of keywords), shows the capped points and the phrases found in their sentences.
Screenshots: test-artifacts/screenshots/grading-confidence-*.png."""
import pytest
from playwright.sync_api import expect

from schools.models import Enrollment, Role
from quizzes import services
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import CaseFactory, EnrollmentFactory, ItemFactory, MembershipFactory, UserFactory, assigned_module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = {"criteria": [
    {"id": "shortcut", "text": "Names the shortcut the model takes", "points": 4,
     "look_for": [["portable", "AP film"], ["shortcut", "confound"]]},
    {"id": "action", "text": "Says what to do instead", "points": 4, "look_for": [["repeat", "PA film"], ["fever"]]},
]}
ANSWERS = [
    "The heat map sits on the portable marker, not on the lungs, so the model takes a shortcut: it learnt that "
    "sick patients are filmed at the bedside. I would repeat the film as a PA film once the fever allows it.",
    "portable, shortcut, heat map, fever, repeat",
]


def test_a_low_confidence_suggestion_is_flagged_in_the_queue(page, phone_page, sign_in):
    trainees = [UserFactory() for _ in ANSWERS]
    module = assigned_module(*trainees)
    cohort = Enrollment.objects.filter(user=trainees[0]).get().cohort
    faculty = MembershipFactory(role=Role.FACULTY, school=cohort.school).user
    faculty.save(update_fields=["password"])
    EnrollmentFactory(user=faculty, cohort=cohort, role=Enrollment.CohortRole.FACULTY)
    item = ItemFactory(case=CaseFactory(module=module), type="free_text", spec={}, key=KEY,
                       prompt="Is the model right to call this pneumonia?")
    for trainee, text in zip(trainees, ANSWERS):
        response, _ = services.response_submit(
            attempt=services.attempt_start(trainee=trainee, module=module), item=item, answer={"text": text})
        services.response_grade(response_id=response.pk)
    for p in (page, phone_page):
        sign_in(p, faculty)

    page.goto("/studio/grading/")
    low = page.get_by_role("link", name="1 low")
    expect(low).to_be_visible()
    screenshot(page, "grading-confidence-queue-desktop")
    low.click()
    rows = page.locator("table.grading-answers tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Low confidence")  # the keyword list, listed first
    expect(rows.first).to_contain_text("a list of words, not sentences")
    expect(rows.nth(1)).to_contain_text("High confidence")
    assert_accessible(page)
    screenshot(page, "grading-confidence-item-desktop")

    page.get_by_role("link", name="Mark them in this order").click()
    expect(page.locator(".suggestion-confidence")).to_contain_text("Low confidence")
    expect(page.locator(".suggestion-confidence")).to_contain_text("at most half of each criterion's points")
    expect(page.get_by_label("Names the shortcut the model takes")).to_have_value("2.0")  # 4 found, capped at half
    expect(page.locator(".evidence").first).to_contain_text("Sentence 1")
    expect(page.locator(".answer-text mark.found").first).to_have_text("portable")
    assert_accessible(page)
    screenshot(page, "grading-confidence-response-desktop")

    phone_page.goto(page.url)
    expect(phone_page.locator(".suggestion-confidence .badge")).to_be_visible()
    # A French browser shows the pre-filled points too (a number field takes no decimal comma).
    expect(phone_page.locator("input[name=points-shortcut]")).to_have_value("2.0")
    assert_accessible(phone_page)
    screenshot(phone_page, "grading-confidence-response-phone")
    phone_page.goto(f"/studio/grading/items/{item.pk}/?mode=first")
    assert_accessible(phone_page)
    screenshot(phone_page, "grading-confidence-item-phone")
