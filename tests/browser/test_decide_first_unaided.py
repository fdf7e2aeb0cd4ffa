"""Decide-first stays unaided, in Chromium, on the demo's sepsis case: the first thing the
trainee can do is the unaided answer, and nothing on the page before it gives the AI output
or its verdict away (the model card and the audit question that did are now a case of their
own); photographed at 375 and 1280 px."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.models import Case
from courses.services import course_package_import
from schools.models import Assignment
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import CohortFactory, EnrollmentFactory, MembershipFactory, UserFactory, AssignmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).parents[2] / "demo" / "courses" / "ai-literacy-clinicians"
# What gave the unaided answer away before, and the AI output itself.
GIVEAWAYS = ("0.81", "81%", "HIGH RISK", "Out of scope", "Pregnant and post-partum patients",
             "overestimates risk", "more than tenfold", "model card", "The AI recommends", "Mean predicted risk")


@pytest.fixture
def trainee(transactional_db):
    user = UserFactory(username="amira", first_name="Amira", last_name="Haddad")
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def sepsis_case(trainee):
    version = course_package_import(path=DEMO, publish=True)
    cohort = CohortFactory()
    EnrollmentFactory(user=trainee, cohort=cohort)
    AssignmentFactory(cohort=cohort, course=version.course)
    MembershipFactory(user=trainee, school=Assignment.objects.get(course=version.course).cohort.school)
    return Case.objects.get(module__version=version, slug="sepsis-score-drift")


def first_control_is_the_unaided_answer(p) -> None:
    first = p.locator("main").locator("input:not([type=hidden]), textarea, select, button").first
    assert first.evaluate("(e) => !!e.closest('form[data-draft$=\":unaided\"]')"), "a control comes before the unaided answer"


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_sepsis_case_asks_the_unaided_answer_first_and_gives_nothing_away(
        width, page, english_phone_page, sign_in, trainee, sepsis_case):
    p = english_phone_page if width == "phone" else page
    sign_in(p, trainee)
    p.goto(f"/learn/modules/{sepsis_case.module_id}/")
    p.get_by_role("button", name="Start the module").click()
    p.wait_for_url(re.compile(r"/learn/cases/\d+/"))
    p.goto(f"/learn/cases/{sepsis_case.pk}/")
    expect(p.get_by_text("Decide first: this AI output is shown once")).to_be_visible()
    for text in (p.content(), p.request.get(f"/learn/cases/{sepsis_case.pk}/").text()):
        assert [g for g in GIVEAWAYS if g in text] == []
    first_control_is_the_unaided_answer(p)
    items = p.locator("section.item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Question 1 of 1")
    assert p.evaluate("document.documentElement.scrollWidth") <= (375 if width == "phone" else 1280)
    screenshot(p, f"decide-first-unaided-first-{width}")
    assert_accessible(p)
    item = p.locator("section.item-reliance_decision")
    item.get_by_label(re.compile("Look for a source")).check()
    item.get_by_role("button", name="Save my answer and show the AI output").click()
    expect(p.get_by_text("HIGH RISK: start the sepsis bundle")).to_be_visible()
    screenshot(p, f"decide-first-revealed-{width}")
