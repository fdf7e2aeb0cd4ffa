"""The AI tool register in Chromium: an admin adds a tool from the form on a desktop in
English; the register, a tool, the coverage page and the map on a phone in French and on a
desktop; the tool form's checkboxes each beside its label at both widths. Every page passes
axe-core and fits the screen."""
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


def _school_and_page(request, sign_in, device: str, settings, tmp_path, role: str):
    """School A, and the page (desktop in English, or phone in French) of one of its people."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    a = build_school("A")
    person = getattr(a, role)
    person.refresh_from_db()
    return a, sign_in(request.getfixturevalue(device), person)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_register_coverage_and_map_read_at_both_widths(request, sign_in, device, settings, tmp_path):
    a, page = _school_and_page(request, sign_in, device, settings, tmp_path, "reviewer")
    tag = "phone-fr" if device == "phone_page" else "desktop"
    for name, path in (("register", ""), ("coverage", "coverage/"), ("map", "map/")):
        page.goto(f"/school/{a.school.slug}/ai-tools/{path}")
        assert "Tool A" in page.inner_text("main")
        _fits(page)
        screenshot(page, f"registry-{name}-{tag}")
        assert_accessible(page)
    assert page.evaluate("document.documentElement.lang") == ("fr" if device == "phone_page" else "en")


# Each checkbox of the form and where its label is drawn: the label must start just right of the
# box and share its line (a label pushed onto a line of its own reads as the next box's).
_CHECKS = """() => [...document.querySelectorAll('form.tool-form input[type=checkbox]')].map(box => {
  const label = document.querySelector(`label[for="${box.id}"]`);
  const b = box.getBoundingClientRect(), l = label.getBoundingClientRect();
  return {id: box.id, gap: l.left - b.right, boxTop: b.top, boxBottom: b.bottom, labelTop: l.top,
          right: l.right};
})"""


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_each_checkbox_of_the_tool_form_sits_beside_its_label(request, sign_in, device, settings, tmp_path):
    a, page = _school_and_page(request, sign_in, device, settings, tmp_path, "admin")
    page.goto(f"/school/{a.school.slug}/ai-tools/{a.tool.pk}/edit/")
    boxes = page.evaluate(_CHECKS)
    assert len(boxes) > 12  # the failure modes, roles, cohort and training, and "high-risk"
    width = page.evaluate("window.innerWidth")
    misplaced = [b for b in boxes if not (0 <= b["gap"] <= 16 and b["boxTop"] - 4 <= b["labelTop"] <= b["boxBottom"]
                                         and b["right"] <= width)]
    assert misplaced == []
    _fits(page)
    screenshot(page, "registry-tool-form-phone-fr" if device == "phone_page" else "registry-tool-form-edit-desktop")
    assert_accessible(page)
