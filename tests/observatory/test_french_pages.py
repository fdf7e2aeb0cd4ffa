"""Vigil's failure modes, and the quarters of the analytics, in the reader's language on the
practice-report pages: each name shown is the catalogue's translation of the seeded English name
(``courses.taxonomy``), looked up through gettext under ``override("fr")``."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from courses.taxonomy import FAILURE_MODES
from observatory.selectors import quarter_label
from schools.models import Role
from tests.factories import MembershipFactory, PracticeReportFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def _french(school, role):
    user = UserFactory()
    MembershipFactory(school=school, user=user, role=role)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "fr"
    return user, client


def _in_french(english: str) -> str:
    with translation.override("fr"):
        french = translation.gettext(english)
    assert french != english  # the catalogue has it: the test below would prove nothing otherwise
    return french


SHIFT = FAILURE_MODES["SHIFT"]


def test_the_triage_list_names_the_failure_mode_in_french():
    school = SchoolFactory()
    _user, client = _french(school, Role.FACULTY)
    PracticeReportFactory(school=school, failure_mode_id="SHIFT")
    body = client.get(reverse("observatory:list", args=[school.slug])).content.decode()
    assert escape(_in_french(SHIFT)) in body and SHIFT not in body


def test_a_reports_page_names_its_failure_mode_in_french():
    school = SchoolFactory()
    _user, client = _french(school, Role.FACULTY)
    report = PracticeReportFactory(school=school, failure_mode_id="SHIFT")
    body = client.get(reverse("observatory:detail", args=[school.slug, report.pk])).content.decode()
    assert escape(_in_french(SHIFT)) in body and SHIFT not in body


def test_my_reports_name_their_failure_mode_in_french():
    school = SchoolFactory()
    user, client = _french(school, Role.TRAINEE)
    PracticeReportFactory(school=school, reporter=user, failure_mode_id="SHIFT")
    body = client.get(reverse("observatory:mine")).content.decode()
    assert escape(_in_french(SHIFT)) in body and SHIFT not in body


def test_the_report_forms_choices_of_failure_mode_are_in_french():
    school = SchoolFactory()
    _user, client = _french(school, Role.TRAINEE)
    body = client.get(reverse("observatory:new", args=[school.slug])).content.decode()
    assert escape(f"SHIFT — {_in_french(SHIFT)}") in body and SHIFT not in body


def test_the_analytics_name_failure_modes_and_quarters_in_french():
    school = SchoolFactory()
    _user, client = _french(school, Role.REVIEWER)
    report = PracticeReportFactory(school=school, failure_mode_id="CAL")
    body = client.get(reverse("observatory:analytics", args=[school.slug])).content.decode()
    assert escape(_in_french(FAILURE_MODES["CAL"])) in body and FAILURE_MODES["CAL"] not in body
    day = report.created_at.date()
    with translation.override("fr"):
        quarter = quarter_label((day.year, (day.month - 1) // 3 + 1))
    assert quarter in body


def test_a_quarter_is_written_as_the_language_writes_it():
    with translation.override("en"):
        assert quarter_label((2026, 4)) == "2026 Q4"
    with translation.override("fr"):
        assert quarter_label((2026, 4)) == translation.gettext("%(year)s Q%(quarter)s") % {"year": 2026, "quarter": 4}


def test_a_quarter_sorts_by_date_not_by_its_words():
    from observatory.selectors import report_counts

    school = SchoolFactory()
    for day in (datetime.date(2025, 12, 1), datetime.date(2026, 2, 1)):
        report = PracticeReportFactory(school=school)
        report.created_at = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        report.save(update_fields=["created_at"])
    with translation.override("en"):
        assert report_counts(school=school)["quarters"] == ["2025 Q4", "2026 Q1"]
