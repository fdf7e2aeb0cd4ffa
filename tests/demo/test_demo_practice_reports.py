"""The demo has a few practice reports, one of them turned into a draft case."""
import pytest
from django.core.management import call_command

from observatory.models import PracticeReport


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_practice_reports_and_one_draft_case_made_from_them(in_process_grading):
    call_command("seed_demo", trainees=3, french_trainees=1)
    reports = PracticeReport.objects.all()
    made = reports.get(case__isnull=False)
    assert reports.count() == 5 and {r.status for r in reports} == {"new", "reviewed", "case", "closed"}
    assert made.case.module.version.status == "draft" and made.case.artifacts.get().failure_modes.get().code == "SHIFT"


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_a_report_on_a_register_tool_with_a_reply_and_a_model_card(in_process_grading):
    from registry.models import Tool

    call_command("seed_demo", trainees=3, french_trainees=1)
    report = PracticeReport.objects.get(tool__isnull=False)
    assert (report.tool.name, report.status) == ("NoteDraft Scribe", "reviewed") and report.reply
    assert Tool.objects.get(name="ChestScan Assist").model_card_type == "text/markdown"
