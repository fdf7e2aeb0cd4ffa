"""The school's audit log: its selectors, the page for school admins, its CSV, the API, the
"who looked at this record" box of the drill-down, permissions and bounded queries."""
import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from cohorts.audit_labels import ACTION_LABELS, action_label
from cohorts.selectors.audit_log import audit_event_rows, school_audit_events
from schools.models import AuditEvent, Enrollment, Role
from tests.factories import (
    AuditEventFactory, CohortFactory, EnrollmentFactory, MembershipFactory, SchoolFactory, UserFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def page_client(user) -> Client:
    user.refresh_from_db()  # the stored password hash, for the session
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(hour=12, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def cohort():
    return CohortFactory()


@pytest.fixture
def school(cohort):
    return cohort.school


@pytest.fixture
def admin(school):
    return MembershipFactory(school=school, role=Role.ADMIN, user__first_name="Ada", user__last_name="Admin").user


@pytest.fixture
def reviewer(school):
    return MembershipFactory(school=school, role=Role.REVIEWER, user__first_name="Rex", user__last_name="Reviewer").user


@pytest.fixture
def ann(cohort):
    return EnrollmentFactory(cohort=cohort, user__username="ann", user__first_name="Ann", user__last_name="Archer").user


def audit_url(school) -> str:
    return reverse("school:audit", args=[school.slug])


def csv_url(school) -> str:
    return reverse("school:audit-csv", args=[school.slug])


def api_url(school) -> str:
    return f"/api/v1/schools/{school.slug}/audit-events/"


def listed(response) -> list[int]:
    """Ids of the events a page lists."""
    return [row["id"] for row in response.context["rows"]]


def api_listed(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


# ---------------------------------------------------------------- the page

def test_the_page_lists_the_school_events_newest_first(admin, reviewer, cohort, ann):
    old = AuditEventFactory(cohort=cohort, actor=reviewer, subject=ann, at=day("2026-01-05"))
    new = AuditEventFactory(cohort=cohort, actor=reviewer, subject=ann, action="export.request",
                            detail={"kind": "progress", "format": "csv"}, at=day("2026-01-06"))
    response = page_client(admin).get(audit_url(cohort.school))
    assert response.status_code == 200 and listed(response) == [new.pk, old.pk]
    row = response.context["rows"][0]
    assert row["actor"] == {"id": reviewer.pk, "username": reviewer.username, "name": "Rex Reviewer",
                            "role": "Reviewer"}
    assert (row["action_label"], row["summary"]) == ("Requested an export", "content: progress · format: csv")
    body = response.content.decode()
    assert reverse("school:trainee", args=[cohort.pk, ann.pk]) in body and "Ann Archer" in body


@pytest.fixture
def two_events(cohort, reviewer, ann):
    """One event each way of every filter: the first is the one the filters of FILTERS keep."""
    other_cohort = CohortFactory(school=cohort.school)
    bob = EnrollmentFactory(cohort=other_cohort, user__username="bob").user
    faculty = EnrollmentFactory(cohort=other_cohort, role=Enrollment.CohortRole.FACULTY).user
    kept = AuditEventFactory(cohort=cohort, actor=reviewer, subject=ann, at=day("2026-01-10"))
    AuditEventFactory(cohort=other_cohort, actor=faculty, subject=bob, action="export.request",
                      at=day("2026-02-10"))
    return kept


FILTERS = [
    lambda kept: {"trainee": "ann"},
    lambda kept: {"actor": kept.actor.username},
    lambda kept: {"action": "cohort.trainee.read"},
    lambda kept: {"cohort": kept.cohort_id},
    lambda kept: {"date_from": "2026-01-10", "date_to": "2026-01-10"},
]
FILTER_NAMES = ["trainee", "actor", "action", "cohort", "date range"]


@pytest.mark.parametrize("params", FILTERS, ids=FILTER_NAMES)
def test_each_filter_of_the_page_narrows_the_list(admin, school, two_events, params):
    response = page_client(admin).get(audit_url(school), params(two_events))
    assert response.status_code == 200 and listed(response) == [two_events.pk]


BAD_FILTERS = [  # (query, the field said to be wrong)
    ({"action": "cohort.nope"}, "action"),
    ({"date_from": "2026-13-01"}, "date_from"),
    ({"date_from": "2026-02-02", "date_to": "2026-02-01"}, "date_to"),
    ({"trainee": "nobody"}, "trainee"),
    ({"cohort": "999999"}, "cohort"),
    ({"date_from": "0001-01-01"}, "date_from"),  # a day the site's time zone cannot start
    ({"date_to": "9999-12-31"}, "date_to"),  # a day with no day after it
]


@pytest.mark.parametrize("params, field", BAD_FILTERS)
def test_the_page_answers_bad_filters_with_400_and_says_why(admin, school, params, field):
    response = page_client(admin).get(audit_url(school), params)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert "Some of the filters are not valid" in response.content.decode()


def test_the_page_shows_50_events_a_page(admin, cohort):
    oldest = AuditEventFactory.create_batch(51, cohort=cohort)[0]
    client = page_client(admin)
    first = client.get(audit_url(cohort.school))
    assert len(listed(first)) == 50 and oldest.pk not in listed(first) and "Page 1 of 2" in first.content.decode()
    assert listed(client.get(audit_url(cohort.school), {"page": 2}))[-1] == oldest.pk


def test_a_former_staff_member_named_in_the_log_can_be_chosen(admin, cohort):
    event = AuditEventFactory(cohort=cohort, actor__username="gone", actor__first_name="Gus")  # no role left
    response = page_client(admin).get(audit_url(cohort.school), {"actor": "gone"})
    assert listed(response) == [event.pk] and response.context["rows"][0]["actor"]["role"] == "No current role"
    assert '<option value="gone" selected>Gus</option>' in response.content.decode()


def test_a_platform_superuser_reads_any_school_log(cohort):
    AuditEventFactory(cohort=cohort)
    superuser = UserFactory(is_superuser=True)
    assert len(listed(page_client(superuser).get(audit_url(cohort.school)))) == 1


def test_reading_the_page_is_recorded_with_its_filters(admin, school, ann):
    page_client(admin).get(audit_url(school), {"trainee": "ann", "action": "export.request"})
    event = AuditEvent.objects.get(action="school.audit.read")
    assert (event.actor, event.school, event.subject) == (admin, school, ann)
    assert event.detail == {"filters": {"trainee": "ann", "action": "export.request"}, "page": 1}


def test_a_trainee_no_longer_in_the_cohort_is_named_without_a_link(admin, cohort, ann):
    AuditEventFactory(cohort=cohort, subject=ann)
    Enrollment.objects.filter(user=ann).delete()
    response = page_client(admin).get(audit_url(cohort.school))
    assert response.context["rows"][0]["drill_down"] is None and "Ann Archer" in response.content.decode()


def test_the_navigation_links_admins_to_their_school_audit_log(admin, reviewer, school):
    link = f'href="{audit_url(school)}"'
    assert link in page_client(admin).get(reverse("school:index")).content.decode()
    assert link not in page_client(reviewer).get(reverse("school:index")).content.decode()


# ---------------------------------------------------------------- the CSV

def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_holds_the_filtered_events(admin, school, two_events):
    response = page_client(admin).get(csv_url(school), {"trainee": "ann"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert [(r["action"], r["action_label"], r["trainee_username"], r["actor_role"]) for r in rows] == [
        ("cohort.trainee.read", "Opened a trainee's record", "ann", "Reviewer")]
    assert rows[0]["at"].startswith("2026-01-10T12:00:00")


def test_the_csv_cannot_carry_a_spreadsheet_formula(admin, cohort):
    mallory = EnrollmentFactory(cohort=cohort, user__first_name="=HYPERLINK(\"http://x\")").user
    AuditEventFactory(cohort=cohort, subject=mallory)
    row = csv_rows(page_client(admin).get(csv_url(cohort.school)))[0]
    assert row["trainee_name"] == "'=HYPERLINK(\"http://x\")"


def test_downloading_the_csv_is_recorded_and_not_listed_in_it(admin, school, ann):
    rows = csv_rows(page_client(admin).get(csv_url(school), {"trainee": "ann"}))
    event = AuditEvent.objects.get(action="school.audit.download")
    assert (event.actor, event.school, event.subject) == (admin, school, ann)
    assert event.detail == {"filters": {"trainee": "ann"}, "format": "csv"}
    assert rows == []


# ---------------------------------------------------------------- who may read it

@pytest.mark.parametrize("role", [Role.REVIEWER, Role.FACULTY, Role.TRAINEE])
def test_other_roles_of_the_school_do_not_learn_the_log_exists(school, role):
    user = MembershipFactory(school=school, role=role).user
    assert page_client(user).get(audit_url(school)).status_code == 404
    assert page_client(user).get(csv_url(school)).status_code == 404
    assert api_client(user).get(api_url(school)).status_code == 404


def test_faculty_teaching_a_cohort_of_the_school_get_404(cohort):
    teacher = EnrollmentFactory(cohort=cohort, role=Enrollment.CohortRole.FACULTY).user
    assert page_client(teacher).get(audit_url(cohort.school)).status_code == 404


def test_an_admin_of_another_school_gets_404_here(school):
    stranger = MembershipFactory(role=Role.ADMIN).user
    assert page_client(stranger).get(audit_url(school)).status_code == 404
    assert api_client(stranger).get(api_url(school)).status_code == 404


def test_an_admin_sees_nothing_of_another_school_in_their_own_log(cohort, ann):
    AuditEventFactory(cohort=cohort, subject=ann)
    mine = SchoolFactory()
    admin = MembershipFactory(school=mine, role=Role.ADMIN).user
    assert listed(page_client(admin).get(audit_url(mine))) == []
    response = page_client(admin).get(audit_url(mine), {"trainee": "ann"})  # a trainee of the other school
    assert response.status_code == 400 and "trainee" in response.context["form"].errors


def test_anonymous_visitors_are_sent_to_sign_in(school):
    response = Client().get(audit_url(school))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert APIClient().get(api_url(school)).status_code in (401, 403)


# ---------------------------------------------------------------- the API

@pytest.mark.parametrize("params", FILTERS, ids=FILTER_NAMES)
def test_each_filter_of_the_api_narrows_the_list(admin, school, two_events, params):
    response = api_client(admin).get(api_url(school), params(two_events))
    assert response.status_code == 200 and api_listed(response) == [two_events.pk]


def test_the_api_describes_each_event(admin, cohort, reviewer, ann):
    AuditEventFactory(cohort=cohort, actor=reviewer, subject=ann, detail={"course": "basics"})
    event = api_client(admin).get(api_url(cohort.school)).json()["results"][0]
    assert event["action"] == "cohort.trainee.read" and event["action_label"] == "Opened a trainee's record"
    assert event["actor"]["role"] == "Reviewer" and event["trainee"]["username"] == "ann"
    assert event["cohort"] == {"id": cohort.pk, "name": cohort.name} and event["detail"] == {"course": "basics"}
    assert event["trainee_page"] == reverse("school:trainee", args=[cohort.pk, ann.pk])


def test_the_api_pages_with_limit_and_offset(admin, cohort):
    events = AuditEventFactory.create_batch(3, cohort=cohort)
    response = api_client(admin).get(api_url(cohort.school), {"limit": 1, "offset": 1})
    assert response.json()["count"] == 3 and api_listed(response) == [events[1].pk]
    assert "offset=2" in response.json()["next"] and response.json()["previous"] is not None


@pytest.mark.parametrize("params, field", BAD_FILTERS + [({"limit": "0"}, "limit")])
def test_the_api_answers_bad_filters_with_400_in_the_error_shape(admin, school, params, field):
    response = api_client(admin).get(api_url(school), params)
    assert response.status_code == 400
    assert response.json()["message"] and field in response.json()["errors"]


def test_reading_the_api_is_recorded(admin, school):
    api_client(admin).get(api_url(school), {"action": "export.download", "limit": 10})
    event = AuditEvent.objects.get(action="school.audit.read")
    assert event.detail == {"filters": {"action": "export.download"}, "offset": 0, "limit": 10}


# ---------------------------------------------------------------- the drill-down box

def test_the_drill_down_shows_admins_who_looked_at_the_record(admin, reviewer, cohort, ann):
    AuditEventFactory(cohort=cohort, actor=reviewer, subject=ann, action="attestation.download")
    response = page_client(admin).get(reverse("school:trainee", args=[cohort.pk, ann.pk]))
    looked = response.context["looked_at"]
    assert [row["action"] for row in looked] == ["cohort.trainee.read", "attestation.download"]
    assert looked[0]["actor"]["name"] == "Ada Admin"
    assert f'{audit_url(cohort.school)}?trainee=ann' in response.content.decode()


def test_the_drill_down_box_keeps_the_last_ten(admin, cohort, ann):
    AuditEventFactory.create_batch(12, cohort=cohort, subject=ann)
    response = page_client(admin).get(reverse("school:trainee", args=[cohort.pk, ann.pk]))
    assert len(response.context["looked_at"]) == 10


def test_the_drill_down_shows_no_box_to_a_reviewer(reviewer, cohort, ann):
    AuditEventFactory(cohort=cohort, subject=ann)
    response = page_client(reviewer).get(reverse("school:trainee", args=[cohort.pk, ann.pk]))
    assert response.context["looked_at"] is None
    assert "Who looked at this record" not in response.content.decode()


# ---------------------------------------------------------------- bounded queries

def query_count(client, url: str, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def events_about(cohort, n: int) -> None:
    """n events, each by another staff member about another trainee of the cohort."""
    for _ in range(n):
        AuditEventFactory(cohort=cohort, subject=EnrollmentFactory(cohort=cohort).user)


@pytest.mark.parametrize("params", [{}, {"action": "cohort.trainee.read", "cohort": "{cohort}",
                                     "date_from": "2026-01-01"}], ids=["unfiltered", "filtered"])
def test_the_page_costs_the_same_queries_for_2_and_20_events(admin, cohort, ann, params):
    params = {k: v.format(cohort=cohort.pk) for k, v in params.items()}
    client = page_client(admin)
    events_about(cohort, 2)
    small = query_count(client, audit_url(cohort.school), params)
    events_about(cohort, 18)
    assert query_count(client, audit_url(cohort.school), params) == small
    # session, user, navigation, school, its cohorts and staff, count, events, 3 for the rows, the read
    assert small == 12


def test_the_api_costs_the_same_queries_for_2_and_20_events(admin, cohort):
    client = api_client(admin)
    events_about(cohort, 2)
    small = query_count(client, api_url(cohort.school))
    events_about(cohort, 18)
    assert query_count(client, api_url(cohort.school)) == small == 7  # school, count, events, 3 for the rows, the read


def test_the_rows_of_a_page_cost_three_queries(cohort, django_assert_num_queries):
    events_about(cohort, 20)
    events = list(school_audit_events(school=cohort.school))
    with django_assert_num_queries(3):
        audit_event_rows(school=cohort.school, events=events)


# ---------------------------------------------------------------- labels

def test_every_recorded_action_has_a_label():
    """Every action code passed to audit_record (audit_records, audit_record_school) in the code base."""
    codes = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "audit_record" in text:
            codes |= set(re.findall(r"audit_records?(?:_school)?\([^)]*?action=\"([\w.]+)\"", text, re.S))
    assert {"cohort.trainee.read", "school.audit.read", "item.key_fix"} <= codes
    assert codes <= set(ACTION_LABELS), codes - set(ACTION_LABELS)


def test_action_labels_are_translated():
    with translation.override("fr"):
        assert action_label("cohort.trainee.read") != "Opened a trainee's record"
