"""The trainee's pages in Chromium: every page checked by axe-core and photographed at
desktop and phone width, the span widget used with the keyboard only and by touch, the
decide-first AI output absent from the page source before the unaided answer, a dropped
connection, the image layers, and the French interface."""
import re

import pytest
from playwright.sync_api import expect

from progress.models import MeasureCounter
from schools.models import Assignment
from quizzes.models import Response
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import EnrollmentFactory, LessonFactory, MembershipFactory, UserFactory, assigned_module
from tests.quizzes.test_views import AI_TEXT, SECRET_MODEL, SECRET_OUTPUT, SECRET_SOURCE, build_every_type_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_user(**fields):
    user = UserFactory(**fields)
    user.save(update_fields=["password"])  # the factory sets it without saving
    return user


def assign(user, **module_fields):
    """A published module of a course assigned to ``user``, a trainee member of its school."""
    module = assigned_module(user, **module_fields)
    MembershipFactory(user=user, school=Assignment.objects.filter(course=module.version.course).first().cohort.school)
    return module


@pytest.fixture
def trainee(transactional_db):
    return make_user(username="amira", first_name="Amira", last_name="Haddad")


@pytest.fixture
def module(trainee):
    module = assign(trainee, title="Verifying AI outputs", summary="Find what the AI *invented*.",
                             version__title="AI literacy for clinicians")
    LessonFactory(module=module, title="Why language models hallucinate",
                  body="Language models produce **plausible** text.\n\n- fabrication\n- negation")
    return module


@pytest.fixture
def case(module):
    case, _items = build_every_type_case(module)
    return case


def start_module(page, module):
    page.goto(f"/learn/modules/{module.pk}/")
    page.get_by_role("button", name="Start the module").click()
    page.wait_for_url(re.compile(r"/learn/cases/\d+/"))


def tab_to(page, selector: str, limit: int = 80, *, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_home_module_and_case_pages_are_accessible_at_both_widths(page, phone_page, sign_in, trainee, module, case):
    for p, width in ((page, "desktop"), (phone_page, "phone")):
        sign_in(p, trainee)
        p.goto("/")
        expect(p.get_by_role("heading", level=1)).to_be_visible()
        expect(p.get_by_text("AI literacy for clinicians")).to_be_visible()
        screenshot(p, f"trainee-home-{width}")
        assert_accessible(p)
        p.get_by_role("link", name="Verifying AI outputs").first.click()
        expect(p.get_by_role("heading", name="Verifying AI outputs")).to_be_visible()
        p.get_by_text("Why language models hallucinate").click()  # open the lesson
        expect(p.locator(".lesson .prose strong")).to_have_text("plausible")
        screenshot(p, f"trainee-module-{width}")
        assert_accessible(p)
        if width == "desktop":
            start_module(p, module)
        else:
            p.goto(f"/learn/cases/{case.pk}/")
        screenshot(p, f"trainee-case-{width}")
        assert_accessible(p)


def test_the_page_is_usable_at_375_px_without_horizontal_scrolling(english_phone_page, sign_in, trainee, module, case):
    sign_in(english_phone_page, trainee)
    start_module(english_phone_page, module)
    width = english_phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the case player is {width} px wide on a 375 px screen"


def test_decide_first_ai_output_is_absent_from_the_page_source_before_the_unaided_answer(page, sign_in, trainee, module, case):
    sign_in(page, trainee)
    start_module(page, module)
    source = page.content()
    served = page.request.get(f"/learn/cases/{case.pk}/").text()
    for text in (source, served):
        for secret in (SECRET_MODEL, SECRET_OUTPUT, SECRET_SOURCE, "Lactate 3.1", "The AI recommends"):
            assert secret not in text, secret
    expect(page.get_by_text("Decide first: this AI output is shown once")).to_be_visible()
    item = page.locator("section.item-reliance_decision")
    item.get_by_label("Reassess in one hour").check()
    item.get_by_role("button", name="Save my answer and show the AI output").click()
    expect(page.get_by_text(SECRET_OUTPUT)).to_be_visible()
    expect(page.locator(".ai-reco")).to_contain_text("Start the bundle now")
    assert SECRET_MODEL in page.content()
    screenshot(page, "trainee-decide-first-revealed-desktop")
    assert_accessible(page)


def test_the_span_widget_with_the_keyboard_only(page, sign_in, trainee, module, case):
    sign_in(page, trainee)
    start_module(page, module)
    page.keyboard.press("Home")
    tab_to(page, ".ai-text.selectable span[data-s]")
    target = AI_TEXT.index("allergic")
    for _ in range(40):
        if page.evaluate("document.activeElement.dataset.s") == str(target):
            break
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("[data-pending]")).to_contain_text("allergic to penicillin.")
    page.keyboard.press("Enter")
    rows = page.locator("ol[data-span-list] > li")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("q")).to_have_text("allergic to penicillin.")
    expect(page.locator("#live")).to_contain_text("Passage marked")
    # a second, wrong passage, then change it and remove it, all from the keyboard
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(2)
    tab_to(page, "ol[data-span-list] > li:nth-child(2) [data-edit-span]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-add-span]")).to_have_text("Save the changed passage")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(rows.nth(1).locator("q")).to_have_text("Start amoxicillin")
    tab_to(page, "ol[data-span-list] > li:nth-child(2) [data-remove-span]")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    tab_to(page, "ol[data-span-list] > li:nth-child(1) select", back=True)
    page.keyboard.type("Hallucination")
    assert page.evaluate("document.activeElement.value") == "HAL"
    screenshot(page, "trainee-span-widget-keyboard-desktop")
    assert_accessible(page)
    tab_to(page, "section.item-error_spans button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("section.item-error_spans [data-status]")).to_contain_text("being graded")
    response = Response.objects.get(item__type="error_spans")
    start = AI_TEXT.index("allergic")
    assert response.answer == {"spans": [{"start": start, "end": start + len("allergic to penicillin."), "label": "HAL"}]}


def test_the_span_widget_by_touch(english_phone_page, sign_in, trainee, module, case):
    sign_in(english_phone_page, trainee)
    start_module(english_phone_page, module)
    words = english_phone_page.locator(".ai-text.selectable span[data-s]")
    words.nth(0).tap()
    words.nth(1).tap()
    expect(english_phone_page.locator("[data-pending]")).to_contain_text("Patient is")
    english_phone_page.get_by_role("button", name="Mark the passage").tap()
    expect(english_phone_page.locator("ol[data-span-list] > li q")).to_have_text("Patient is")
    screenshot(english_phone_page, "trainee-span-widget-touch-phone")


def test_a_dropped_connection_keeps_the_answer_and_says_so(page, sign_in, trainee, module, case):
    sign_in(page, trainee)
    start_module(page, module)
    item = page.locator("section.item-numeric")
    item.get_by_label("Your answer").fill("19,4")
    page.context.set_offline(True)
    item.get_by_role("button", name="Submit my answer").click()
    expect(item.locator("[data-form-status]")).to_contain_text("could not be sent")
    expect(item.get_by_label("Your answer")).to_have_value("19,4")
    assert not Response.objects.exists()
    page.context.set_offline(False)
    page.reload()
    expect(item.get_by_label("Your answer")).to_have_value("19,4")  # the draft came back
    expect(item.locator("[data-form-status]")).to_contain_text("restored")
    item.get_by_role("button", name="Submit my answer").click()
    expect(item.locator("[data-status]")).to_contain_text("being graded")
    assert Response.objects.get().answer == {"value": 19.4}
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('vigil:draft:'))") == []


def test_a_refused_answer_is_shown_beside_the_field_with_the_input_kept(page, sign_in, trainee, module, case):
    sign_in(page, trainee)
    start_module(page, module)
    item = page.locator("section.item-free_text")
    item.get_by_label("Your answer").fill(" ".join(["word"] * 55))
    expect(item.locator("[data-word-count]")).to_contain_text("more than the 50 allowed")
    item.get_by_role("button", name="Submit my answer").click()
    expect(item.locator(".field-error")).to_contain_text("at most 50 words")
    expect(item.get_by_label("Your answer")).to_have_value(" ".join(["word"] * 55))
    assert not Response.objects.exists()
    assert_accessible(page)


def test_image_layers_toggle_with_real_buttons(page, sign_in, trainee, module, case):
    sign_in(page, trainee)
    page.goto(f"/learn/cases/{case.pk}/")
    boxes = page.get_by_role("button", name="AI boxes")
    heat = page.get_by_role("button", name="AI heat map")
    expect(boxes).to_have_attribute("aria-pressed", "true")
    expect(heat).to_have_attribute("aria-pressed", "false")
    heat.focus()
    page.keyboard.press("Enter")
    expect(heat).to_have_attribute("aria-pressed", "true")
    assert page.locator("[data-layer=heatmap]").get_attribute("hidden") is None
    boxes.click()
    expect(boxes).to_have_attribute("aria-pressed", "false")
    assert page.locator("[data-layer=boxes]").get_attribute("hidden") is not None


def test_the_confidence_slider_shows_its_value(page, sign_in, trainee, module):
    case, _items = build_every_type_case(module, decide_first=False, title="No decide-first")
    sign_in(page, trainee)
    start_module(page, module)
    page.goto(f"/learn/cases/{case.pk}/")
    slider = page.get_by_label("How confident are you that your final answer is right?")
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(page.locator("[data-confidence-output]")).to_have_text("70%")
    page.get_by_label("Accept the AI's recommendation").check()
    expect(page.locator("[data-override] input").first).to_be_disabled()


def test_the_interface_switches_to_french(page, sign_in, trainee, module, case):
    sign_in(page, trainee)
    page.goto(f"/learn/cases/{case.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert page.url.endswith(f"/learn/cases/{case.pk}/")
    screenshot(page, "trainee-case-desktop-fr")
    assert_accessible(page)


def test_a_french_trainee_signs_in_on_a_phone_and_gets_the_french_course(phone_page, transactional_db):
    user = make_user(username="louise")
    module = assign(user, title="Vérifier un texte rédigé par une IA", version__language="fr",
                             version__title="Culture de l'IA pour les cliniciens")
    build_every_type_case(module, title="Un compte rendu avec une allergie inventée")
    phone_page.goto("/accounts/login/")
    phone_page.locator("#id_username").fill("louise")
    phone_page.locator("#id_password").fill("pw-for-tests-1")
    phone_page.locator("main button[type=submit]").click()
    phone_page.wait_for_url("**/")
    assert phone_page.locator("html").get_attribute("lang") == "fr"
    expect(phone_page.get_by_text("Culture de l'IA pour les cliniciens")).to_be_visible()
    phone_page.get_by_role("link", name="Vérifier un texte rédigé par une IA").first.click()
    screenshot(phone_page, "trainee-module-phone-fr")
    assert_accessible(phone_page)


def test_the_reliance_profile_is_accessible_with_data_and_without(page, phone_page, sign_in, trainee, module):
    sign_in(page, trainee)
    page.goto("/learn/me/reliance/")
    expect(page.get_by_role("heading", name="My reliance profile")).to_be_visible()
    screenshot(page, "trainee-profile-empty-desktop")
    assert_accessible(page)
    course = module.version.course
    cohort = Assignment.objects.get().cohort
    for i in range(6):
        peer = make_user(username=f"peer{i}")
        EnrollmentFactory(user=peer, cohort=cohort)
        for name, value in {"items.n": 10, "items.score": 4 + i, "rel.W.n": 4, "rel.W.accepted": i % 4, "rel.R.n": 4,
                            "rel.R.accepted": 3, "conf.n": 4, "conf.brier": 0.15 * i}.items():
            MeasureCounter.objects.create(trainee=peer, course=course, name=name, value=value)
    mine = {"items.n": 12, "items.score": 8.5, "rel.W.n": 5, "rel.W.accepted": 2, "rel.W.correct": 3, "rel.R.n": 5,
            "rel.R.accepted": 4, "rel.R.correct": 4, "sw.right.right": 3, "sw.right.wrong": 1, "sw.wrong.right": 2,
            "sw.wrong.wrong": 1, "rair.num": 1, "rair.den": 2, "rsr.num": 2, "rsr.den": 3, "conf.n": 6,
            "conf.brier": 1.1, "cal.5.n": 2, "cal.5.conf": 1.1, "cal.5.correct": 1, "cal.8.n": 4, "cal.8.conf": 3.4,
            "cal.8.correct": 3, "cbm.n": 4, "cbm.sum": 5, "fm.HAL.keys": 4, "fm.HAL.found": 3, "fm.OMI.keys": 2,
            "fm.OMI.found": 0, "comp.VER.n": 6, "comp.VER.score": 4.5, "comp.OVS.n": 6, "comp.OVS.score": 3.5,
            "sent.signal": 6, "sent.noise": 20, "sent.hits": 4, "sent.fa": 3}
    for name, value in mine.items():
        MeasureCounter.objects.create(trainee=trainee, course=course, name=name, value=value)
    for p, width in ((page, "desktop"), (phone_page, "phone")):
        if width == "phone":
            sign_in(p, trainee)
        p.goto("/learn/me/reliance/")
        expect(p.locator("svg.calibration")).to_be_visible()
        expect(p.locator(".strip svg").first).to_be_visible()
        assert "peer0" not in p.content()
        screenshot(p, f"trainee-profile-{width}")
        assert_accessible(p)


def test_password_reset_pages_are_styled_and_accessible(page, trainee, mailoutbox):
    trainee.email = "amira@example.org"
    trainee.save(update_fields=["email"])
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill("amira@example.org")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert_accessible(page)
    link = re.search(r"http://\S+/accounts/reset/\S+", mailoutbox[0].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("a-long-new-pass-2026")
    page.get_by_label("New password confirmation").fill("a-long-new-pass-2026")
    screenshot(page, "password-reset-desktop")
    assert_accessible(page)
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
