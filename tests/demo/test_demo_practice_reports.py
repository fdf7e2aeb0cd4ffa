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
