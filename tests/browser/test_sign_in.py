"""Signing in through the real page, in Chromium."""
import pytest

from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_signs_in_with_the_form(page):
    user = UserFactory(username="claire")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert "claire" in page.content()


def test_the_sign_in_page_is_accessible(page):
    page.goto("/accounts/login/")
    screenshot(page, "sign-in-desktop")
    assert_accessible(page)


def test_the_sign_in_page_is_in_french_for_a_french_browser(phone_page):
    phone_page.goto("/accounts/login/")
    screenshot(phone_page, "sign-in-phone-fr")
    assert phone_page.locator("html").get_attribute("lang") == "fr"


def test_five_wrong_passwords_lock_the_sign_in_and_say_so(page):
    user = UserFactory(username="claire")
    page.goto("/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    assert page.get_by_role("heading", name="Too many failed sign-in attempts").is_visible()
    screenshot(page, "sign-in-locked-desktop")
    assert_accessible(page)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Too many failed sign-in attempts").is_visible()
    assert "claire" not in page.locator("header").inner_text()
