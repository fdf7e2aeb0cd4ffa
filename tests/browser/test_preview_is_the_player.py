"""The studio's preview is the case player, in Chromium: the same case, played by a trainee
in the player and by its author in the preview, shows the same questions with the same
widgets, asks the unaided answer first and hides the AI output until then, turns the same
marked passage into the same answer, and accepts a number written with a decimal comma;
the preview then shows the feedback at once, with the key, and stores nothing."""
import re

import pytest
from playwright.sync_api import expect

from courses.models import Course
from quizzes.models import Attempt, Grade, Response
from schools.models import Assignment, Role
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.factories import MembershipFactory, UserFactory, assigned_module
from tests.quizzes.test_views import AI_TEXT, SECRET_OUTPUT, build_every_type_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = AI_TEXT.index("allergic")
END = START + len("allergic to penicillin.")

# What each question and AI output offers: its kind, its title, its fields and its buttons.
SIGNATURE = """() => ({
  artifacts: Array.from(document.querySelectorAll("section.artifact")).map((s) => [
    s.className, !!s.querySelector(".hidden-note"), !!s.querySelector(".ai-text.selectable")]),
  items: Array.from(document.querySelectorAll("section.item")).map((s) => ({
    kind: s.className, title: s.querySelector("h2").textContent.replace(/\\s+/g, " ").trim(),
    fields: Array.from(s.querySelectorAll("form [name]")).filter((e) => e.name !== "csrfmiddlewaretoken")
      .map((e) => [e.tagName, e.type || "", e.name, e.type === "radio" || e.type === "checkbox" ? e.value : ""]),
    buttons: Array.from(s.querySelectorAll("button")).filter((b) => !b.closest("template"))
      .map((b) => b.textContent.trim()),
  })),
})"""


def make_user(**fields):
    user = UserFactory(**fields)
    user.save(update_fields=["password"])  # the factory sets it without saving
    return user


@pytest.fixture
def world(transactional_db):
    trainee = make_user(username="amira")
    module = assigned_module(trainee, title="Verifying AI outputs")
    MembershipFactory(user=trainee, school=Assignment.objects.filter(course=module.version.course).first().cohort.school)
    case, items = build_every_type_case(module)
    author = make_user(username="dr-author")
    MembershipFactory(user=author, role=Role.FACULTY)
    Course.objects.filter(pk=module.version.course_id).update(owner=author)
    return {"trainee": trainee, "author": author, "module": module, "case": case, "items": items}


def mark_the_allergy(p) -> tuple[str, str]:
    """Mark “allergic to penicillin.” with the span widget, as a mouse user does (a click on
    its first word and one on its last), label it, and return the offsets the form posts."""
    section = p.locator("section.item-error_spans")
    p.locator(f'.ai-text.selectable span[data-s="{START}"]').click()
    p.locator(f'.ai-text.selectable span[data-e="{END}"]').click()
    expect(p.locator("[data-pending]")).to_contain_text("allergic to penicillin.")  # the tools sit under the text
    p.get_by_role("button", name="Mark the passage").click()
    row = section.locator("ol[data-span-list] > li")
    expect(row).to_have_count(1)
    row.locator("select[name=span_label]").select_option("HAL")
    return row.locator("[name=span_start]").input_value(), row.locator("[name=span_end]").input_value()


def give_the_unaided_answer(p) -> dict:
    """The decide-first question: the AI output hidden, then the unaided answer, then what shows."""
    item = p.locator("section.item-reliance_decision")
    expect(item).to_contain_text("Decide first: give your own answer before you see the AI output.")
    before = {"ai_shown": p.locator(".ai-reco").count(), "secret": SECRET_OUTPUT in p.content(),
              "hidden_notes": p.locator(".hidden-note").count()}
    item.get_by_label("Reassess in one hour").check()
    item.get_by_role("button", name="Save my answer and show the AI output").click()
    expect(p.locator(".ai-reco")).to_contain_text("Start the bundle now")
    item = p.locator("section.item-reliance_decision")
    return {
        "before": before,
        "unaided": item.locator("form[data-decision-form] > p").first.inner_text(),
        "override_options": item.locator("[data-override] label.choice").all_inner_texts(),
        "secret_shown": p.get_by_text(SECRET_OUTPUT).is_visible(),
    }


def play(p, url: str, submit_done: str) -> dict:
    """Play the case at ``url``; ``submit_done`` is what the page says once an answer is in."""
    p.goto(url)
    seen = {"start": p.evaluate(SIGNATURE)}
    seen["decide_first"] = give_the_unaided_answer(p)
    seen["revealed"] = p.evaluate(SIGNATURE)
    seen["offsets"] = mark_the_allergy(p)
    p.locator("section.item-error_spans").get_by_role("button", name="Submit my answer").click()
    expect(p.locator("section.item-error_spans [data-status]")).to_contain_text(submit_done)
    numeric = p.locator("section.item-numeric")
    numeric.get_by_label("Your answer").fill("19,4")
    numeric.get_by_role("button", name="Submit my answer").click()
    expect(p.locator("section.item-numeric [data-status]")).to_contain_text(submit_done)
    expect(p.locator("section.item-numeric .own-answer")).to_contain_text("19.4 %")
    return seen


def test_the_same_case_behaves_the_same_in_the_player_and_in_the_preview(page, second_page, sign_in, world):
    case, module = world["case"], world["module"]
    sign_in(page, world["trainee"])
    page.goto(f"/learn/modules/{module.pk}/")
    page.get_by_role("button", name="Start the module").click()
    page.wait_for_url(re.compile(r"/learn/cases/\d+/"))
    player = play(page, f"/learn/cases/{case.pk}/", "being graded")

    stored = {r.item.type: r.answer for r in Response.objects.select_related("item")}
    assert stored["error_spans"] == {"spans": [{"start": START, "end": END, "label": "HAL"}]}
    assert stored["numeric"] == {"value": 19.4}
    Attempt.objects.all().delete()  # what the trainee stored; the preview must add nothing

    sign_in(second_page, world["author"])
    preview = play(second_page, f"/studio/cases/{case.pk}/preview/", "Graded")
    assert player == preview
    assert player["offsets"] == (str(START), str(END))
    assert player["decide_first"] == {
        "before": {"ai_shown": 0, "secret": False, "hidden_notes": 1},
        "unaided": "Your unaided answer: Reassess in one hour",
        "override_options": ["Reassess in one hour"],  # not the AI's own answer
        "secret_shown": True,
    }
    spans = second_page.locator("section.item-error_spans")
    expect(spans.locator(".span-feedback")).to_contain_text("allergic to penicillin.")
    expect(spans.locator(".preview-aside")).to_contain_text("Key")
    expect(second_page.locator("section.item-numeric")).to_contain_text("Graded: your score is 100%.")
    assert not (Attempt.objects.exists() or Response.objects.exists() or Grade.objects.exists())


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_preview_is_accessible_and_fits_a_phone(width, page, english_phone_page, sign_in, world):
    p = english_phone_page if width == "phone" else page
    sign_in(p, world["author"])
    p.goto(f"/studio/cases/{world['case'].pk}/preview/")
    give_the_unaided_answer(p)
    numeric = p.locator("section.item-numeric")
    numeric.get_by_label("Your answer").fill("19,4")
    numeric.get_by_role("button", name="Submit my answer").click()
    expect(numeric.locator(".preview-aside")).to_be_visible()
    assert p.evaluate("document.documentElement.scrollWidth") <= (PHONE if width == "phone" else DESKTOP)["width"]
    screenshot(p, f"studio-preview-player-{width}")
    assert_accessible(p)
