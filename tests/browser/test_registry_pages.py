"""The AI tool register in Chromium: an admin adds a tool from the form on a desktop in
English; the register, a tool, the coverage page and the map on a phone in French and on a
desktop. Every page passes axe-core and fits the screen."""
import re

import pytest

from tests.browser.conftest import assert_accessible, screenshot
from tests.security.world import build_school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_admin_adds_a_tool_with_its_training(page, sign_in, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    a = build_school("A")
    a.admin.refresh_from_db()
    sign_in(page, a.admin)
    page.goto(f"/school/{a.school.slug}/manage/")
    page.locator("main").get_by_role("link", name="AI tools").click()
    page.get_by_role("link", name="Add a tool").click()
    page.get_by_label("Name").fill("Sepsis alert")
    page.get_by_label("Category of use").select_option("triage")
    page.get_by_label("CAL — Miscalibration or bad threshold").check()
    page.get_by_label(a.cohort.name).check()
    page.get_by_label("Course A", exact=True).check()
    screenshot(page, "registry-tool-form-desktop")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/ai-tools/\d+/$"))
    assert "Sepsis alert" in page.inner_text("h1")
    screenshot(page, "registry-tool-desktop")
    assert_accessible(page)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_register_coverage_and_map_read_at_both_widths(request, sign_in, device, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    a = build_school("A")
    a.reviewer.refresh_from_db()
    page = sign_in(request.getfixturevalue(device), a.reviewer)
    tag = "phone-fr" if device == "phone_page" else "desktop"
    for name, path in (("register", ""), ("coverage", "coverage/"), ("map", "map/")):
        page.goto(f"/school/{a.school.slug}/ai-tools/{path}")
        assert "Tool A" in page.inner_text("main")
        _fits(page)
        screenshot(page, f"registry-{name}-{tag}")
        assert_accessible(page)
    assert page.evaluate("document.documentElement.lang") == ("fr" if device == "phone_page" else "en")
