"""In Chromium: a faculty member imports an Aiken bank, written in Windows-1252 with one
malformed question, and reads the report (desktop and phone)."""
from pathlib import Path

import pytest

from courses.services import course_create
from schools.models import Role
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK = ("Quel est le « bon » choix de l’IA ?\nA. Café\nB. Thé\nANSWER: A\n\n"
        "Which statement about calibration is correct?\nA) Always accurate\nB) Confidence matches accuracy\n"
        "ANSWER: B\n\nA question whose answer is not an option\nA. Yes\nB. No\nANSWER: C\n")


@pytest.mark.parametrize("viewport", ["page", "english_phone_page"])
def test_an_author_imports_an_aiken_bank_and_reads_the_report(request, viewport, sign_in, tmp_path):
    page = request.getfixturevalue(viewport)
    faculty = MembershipFactory(role=Role.FACULTY).user
    faculty.save(update_fields=["password"])
    course_create(slug="aiken-bank", title="Aiken bank", language="en", user=faculty)
    bank = Path(tmp_path) / "bank.txt"
    bank.write_bytes(BANK.encode("cp1252"))
    sign_in(page, faculty)
    page.goto("/studio/c/aiken-bank/questions/")
    screenshot(page, f"aiken-import-form-{viewport}")
    page.get_by_label("Moodle XML (.xml), GIFT or Aiken (.gift, .txt) file").set_input_files(str(bank))
    page.get_by_label("Title of the new module").fill("Aiken questions")
    page.get_by_role("button", name="Import the questions").click()
    page.get_by_text("2 questions were imported", exact=False).wait_for()
    text = page.locator("main").inner_text()
    assert "line 14: the answer C is not one of the options A, B" in text
    assert "Windows-1252" in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"aiken-import-report-{viewport}")
    assert_accessible(page)
