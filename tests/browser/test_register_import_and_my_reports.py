"""In Chromium, at 1280 px in English and 375 px in French (asserting on structure, not words,
until the French catalogue has the new strings): an admin previews a register CSV, confirms
it, attaches a model card; a trainee reports on a tool of the register, reads the faculty's
reply on "My reports" and withdraws a new report. Every page fits the screen and passes axe."""
import re

import pytest

from observatory.models import PracticeReport
from registry.models import Tool
from schools.models import Role
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import MembershipFactory, PracticeReportFactory
from tests.security.world import build_school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, name: str) -> None:
    screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 8)")
    assert_accessible(page)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_an_admin_previews_and_confirms_an_import_then_attaches_a_model_card(request, sign_in, device, settings,
                                                                             tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    tag = "phone-fr" if device == "phone_page" else "desktop"
    a = build_school("A")
    a.admin.refresh_from_db()
    page = sign_in(request.getfixturevalue(device), a.admin)
    page.goto(f"/school/{a.school.slug}/ai-tools/import/")
    _check(page, f"registry-import-{tag}")
    csv_text = (f"name,category,status,failure_modes\n{a.tool.name},triage,deployed,CAL\n"
                "Discharge letter drafter,scribe,pilot,HAL|OMI\n")
    page.set_input_files("[name=file]", files=[{"name": "tools.csv", "mimeType": "text/csv",
                                               "buffer": csv_text.encode()}])
    page.locator("button[value=preview]").click()
    page.wait_for_selector("#confirm")
    assert page.locator("tr[data-status=new]").count() == 1
    assert page.locator("tr[data-status=updated]").count() == 1
    assert not Tool.objects.filter(name="Discharge letter drafter").exists()
    _check(page, f"registry-import-preview-{tag}")
    page.locator("button[value=confirm]").click()
    page.wait_for_url(re.compile(r"/ai-tools/$"))
    assert Tool.objects.get(name="Discharge letter drafter").status == "pilot"

    page.goto(f"/school/{a.school.slug}/ai-tools/{a.tool.pk}/")
    page.set_input_files("#model-card-form [name=file]", files=[{
        "name": "card.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    page.locator("#model-card-form button[type=submit]").click()
    page.wait_for_selector("a.model-card-file")
    assert page.locator("a.model-card-file").inner_text() == "card.pdf"
    assert Tool.objects.get(pk=a.tool.pk).model_card_type == "application/pdf"
    _check(page, f"registry-tool-model-card-{tag}")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_a_trainee_reports_on_a_register_tool_reads_the_reply_and_withdraws_a_new_report(request, sign_in, device,
                                                                                        settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    tag = "phone-fr" if device == "phone_page" else "desktop"
    a = build_school("A")
    trainee = MembershipFactory(school=a.school, role=Role.TRAINEE).user
    PracticeReportFactory(school=a.school, reporter=trainee, status="reviewed",
                          reply="Thank you: this becomes a case next term.")
    page = sign_in(request.getfixturevalue(device), trainee)
    page.goto(f"/school/{a.school.slug}/reports/new/")
    assert page.locator("select[name=tool] optgroup").count() == 2  # the register's category, "not in it"
    _check(page, f"observatory-report-form-register-{tag}")
    page.select_option("[name=tool]", str(a.tool.pk))
    page.select_option("[name=severity]", "near_miss")
    page.fill("[name=ai_output]", "Early-warning score low for a patient on a beta blocker.")
    page.fill("[name=what_was_wrong]", "The heart-rate criterion cannot fire under a beta blocker.")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_selector(".message.success")
    new = PracticeReport.objects.get(tool=a.tool)
    assert new.tool_name == a.tool.name

    page.goto("/observatory/my-reports/")
    assert page.locator(".my-reports > li").count() == 2
    assert "Thank you: this becomes a case next term." in page.inner_text(".my-reports [data-status=reviewed]")
    _check(page, f"observatory-my-reports-{tag}")
    page.locator(f"#report-{new.pk} form button").click()
    page.wait_for_selector(".message.success")
    assert page.locator(".my-reports > li").count() == 1
    assert not PracticeReport.objects.filter(pk=new.pk).exists()
