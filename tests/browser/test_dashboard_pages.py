"""The cohort pages in Chromium: they render, filter, pass axe-core (no serious or critical
violation) at desktop and phone width, and are captured in screenshots."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts import services
from tests.browser.conftest import assert_accessible, screenshot
from tests.cohorts.test_dashboard_selectors import answer, populate, trainee, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school():
    w = populate(world())
    answer(w, w.people["alice"], "R4", decision="accept", confidence=80)
    for user in [w.reviewer, *w.people.values()]:
        user.refresh_from_db()  # the stored password hash, for the session
    return w


def test_the_dashboard_shows_progress_and_who_needs_attention(page, sign_in, school):
    sign_in(page, school.reviewer)
    page.goto(f"/school/cohorts/{school.cohort.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Progress of {school.cohort.name}"
    assert page.get_by_role("heading", name="1 trainee has not started").is_visible()
    assert page.locator("svg[role=img]").count() >= 3
    screenshot(page, "dashboard-desktop")
    assert_accessible(page)


def test_the_dashboard_filters_by_module(page, sign_in, school):
    sign_in(page, school.reviewer)
    page.goto(f"/school/cohorts/{school.cohort.pk}/")
    page.get_by_label("Module", exact=True).select_option(label="Module B")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"module="))
    rows = page.get_by_role("region", name="Completion by module").locator("tbody tr")
    assert rows.count() == 1 and "Module B" in rows.first.inner_text()


def test_the_dashboard_on_a_phone(phone_page, sign_in, school):
    sign_in(phone_page, school.reviewer)
    phone_page.goto(f"/school/cohorts/{school.cohort.pk}/")
    assert phone_page.locator("html").get_attribute("lang") == "fr"
    screenshot(phone_page, "dashboard-phone")
    assert_accessible(phone_page)


def test_the_reliance_page(page, sign_in, school):
    sign_in(page, school.reviewer)
    page.goto(f"/school/cohorts/{school.cohort.pk}/reliance/")
    assert page.locator("svg[role=img] title", has_text="Calibration: stated confidence against accuracy").count() == 1
    assert page.get_by_text("67%", exact=True).first.is_visible()
    screenshot(page, "reliance-desktop")
    assert_accessible(page)


def test_the_reliance_page_on_a_phone(phone_page, sign_in, school):
    sign_in(phone_page, school.reviewer)
    phone_page.goto(f"/school/cohorts/{school.cohort.pk}/reliance/")
    screenshot(phone_page, "reliance-phone")
    assert_accessible(phone_page)


def test_trends_drill_down_and_attestations(page, sign_in, school):
    services.attestations_issue(cohort=school.cohort, course=school.course, issued_by=school.reviewer)
    sign_in(page, school.reviewer)
    page.goto(f"/school/cohorts/{school.cohort.pk}/trends/?module={school.course.pk}:mod-a")
    assert page.get_by_role("heading", name="Before and after a module").is_visible()
    screenshot(page, "trends-desktop")
    assert_accessible(page)
    page.goto(f"/school/cohorts/{school.cohort.pk}/")
    page.get_by_role("link", name="Alice Archer").first.click()
    page.wait_for_url(re.compile(r"/trainees/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Alice Archer"
    screenshot(page, "cohort-trainee-desktop")
    assert_accessible(page)
    page.goto(f"/school/cohorts/{school.cohort.pk}/attestations/")
    screenshot(page, "attestations-desktop")
    assert_accessible(page)


def test_the_public_verification_page(phone_page, school):
    attestation = services.attestations_issue(cohort=school.cohort, course=school.course,
                                              issued_by=school.reviewer)[0]
    phone_page.goto("/verify/")
    phone_page.locator("#code").fill(attestation.code.lower())
    phone_page.locator("main button[type=submit]").click()
    phone_page.wait_for_url(re.compile(r"code="))
    assert "A. A." in phone_page.locator("[role=status]").inner_text()
    screenshot(phone_page, "verify-phone")
    assert_accessible(phone_page)


# ---------------------------------------------------------------- widths: nothing runs off the page

WIDTHS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def school_over_weeks(school):
    """The small school, and ten more trainees who answered module A one week apart (ten
    periods on the trends page, ten rows in the tables)."""
    now = timezone.now()
    for i in range(10):
        user = trainee(school, f"w{i}", year=3 + i % 3, first=f"Trainee{i}", last="Longname-Example")
        at = now - timedelta(weeks=i)
        if i % 3:
            answer(school, user, "R1", initial="b", decision="accept", confidence=70, at=at)
        else:
            answer(school, user, "R1", initial="b", decision="override", own="b", confidence=70, at=at)
        answer(school, user, "R2", initial="a", decision="accept", confidence=60, at=at)
        answer(school, user, "S1", choice="b" if i % 2 else "a", at=at)
    return school


def _widths(page) -> dict:
    """The document's width against the window's, and each table region that scrolls sideways."""
    return page.evaluate("""() => ({
        doc: document.documentElement.scrollWidth, win: window.innerWidth,
        wide: [...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)
              .map(w => w.getAttribute('aria-label')),
    })""")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_cohort_pages_fit_the_window(browser, live_server, sign_in, school_over_weeks, language, size):
    """At 375 and 1280 px, in English and in French (longer words), the dashboard, reliance
    and trends pages never scroll sideways; no table of the reliance page does on a phone,
    and on a desktop the by-year and over-time tables fit too."""
    w = school_over_weeks
    context = browser.new_context(viewport=WIDTHS[size], base_url=live_server.url, locale=f"{language}-GB"
                                  if language == "en" else "fr-FR")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, w.reviewer)
        pages = {"dashboard": f"/school/cohorts/{w.cohort.pk}/",
                 "reliance": f"/school/cohorts/{w.cohort.pk}/reliance/",
                 "trends": f"/school/cohorts/{w.cohort.pk}/trends/?module={w.course.pk}:mod-a"}
        for name, url in pages.items():
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == language
            screenshot(page, f"width-{name}-{size}-{language}")
            found = _widths(page)
            assert found["doc"] <= found["win"], (name, found)
            if size == "phone" and name == "reliance":
                assert found["wide"] == [], (name, found)
            if size == "desktop" and name in ("reliance", "trends", "dashboard"):
                allowed = {"Measures of each trainee", "Mesures de chaque apprenant"} if name == "reliance" else set()
                assert set(found["wide"]) <= allowed, (name, found)
    finally:
        context.close()
