"""The school's xAPI page: its admins set the LRS (the secret never shown back) and see the
statements waiting and refused."""
import pytest
from django.utils import timezone

from schools.models import AuditEvent, Role
from tests.factories import MembershipFactory, SchoolFactory
from xapi.models import LrsSettings, OutboxStatement

pytestmark = pytest.mark.django_db

VALID = {"action": "save", "enabled": "on", "endpoint": "https://lrs.school.example/xAPI/", "key": "vigil",
         "secret": "top-secret-value", "actor_mode": "pseudonym", "home_page": ""}


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def admin_client(client, school):
    client.force_login(MembershipFactory(school=school, role=Role.ADMIN).user)
    return client


def _url(school):
    return f"/school/{school.slug}/xapi/"


def test_an_admin_saves_the_settings_with_an_audit_record(admin_client, school):
    response = admin_client.post(_url(school), VALID)
    assert response.status_code == 302
    lrs = LrsSettings.objects.get(school=school)
    assert lrs.enabled and lrs.secret == "top-secret-value" and lrs.actor_mode == "pseudonym"
    event = AuditEvent.objects.get(action="xapi.settings.change")
    assert "secret" in event.detail["changed"] and "top-secret-value" not in str(event.detail)


def test_the_secret_is_never_shown_back(admin_client, school):
    admin_client.post(_url(school), VALID)
    page = admin_client.get(_url(school)).content.decode()
    assert "top-secret-value" not in page
    assert "A secret is stored" in page


def test_a_blank_secret_keeps_the_stored_one(admin_client, school):
    admin_client.post(_url(school), VALID)
    admin_client.post(_url(school), {**VALID, "secret": "", "key": "vigil2"})
    lrs = LrsSettings.objects.get(school=school)
    assert lrs.secret == "top-secret-value" and lrs.key == "vigil2"


def test_turning_it_on_without_an_endpoint_is_refused_saying_where(admin_client, school):
    response = admin_client.post(_url(school), {**VALID, "endpoint": ""})
    assert response.status_code == 400
    assert "Needed to send statements." in response.content.decode()
    assert not LrsSettings.objects.exists()


def test_an_endpoint_that_is_not_a_web_address_is_refused(admin_client, school):
    response = admin_client.post(_url(school), {**VALID, "endpoint": "file:///etc/passwd"})
    assert response.status_code == 400 and not LrsSettings.objects.exists()


def test_the_former_username_mode_is_no_longer_a_choice(admin_client, school):
    response = admin_client.post(_url(school), {**VALID, "actor_mode": "account"})
    assert response.status_code == 400 and not LrsSettings.objects.exists()


def _row(school, n, **fields):
    now = timezone.now()
    return OutboxStatement.objects.create(
        id=f"00000000-0000-4000-8000-{n:012d}", school=school, verb="answered", statement={},
        next_attempt_at=now, created_at=now, **fields)


def test_the_page_shows_the_backlog_and_the_failures(admin_client, school):
    _row(school, 1, tries=3, last_error="URLError: Connection refused")
    _row(school, 2, status="failed", tries=1, last_error="HTTP 400 Bad Request: bad verb")
    _row(school, 3, status="sent")
    page = admin_client.get(_url(school)).content.decode()
    assert "1 statement waiting to be sent" in page and "Connection refused" in page
    assert "1 statement refused by the LRS" in page and "bad verb" in page
    assert "1 statement sent" in page


def test_sending_the_refused_statements_again_makes_them_pending(admin_client, school):
    _row(school, 2, status="failed", tries=1, last_error="HTTP 400")
    assert admin_client.post(_url(school), {"action": "retry"}).status_code == 302
    row = OutboxStatement.objects.get()
    assert row.status == "pending" and row.tries == 0
    assert AuditEvent.objects.filter(action="xapi.failed.retry").exists()


def test_the_page_costs_a_fixed_number_of_queries(admin_client, school, django_assert_num_queries):
    for n in range(5):
        _row(school, n, status="failed" if n % 2 else "pending")
    admin_client.get(_url(school))  # the session's first request
    with django_assert_num_queries(PAGE):
        assert admin_client.get(_url(school)).status_code == 200


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.FACULTY, Role.TRAINEE])
def test_no_one_but_the_schools_admins_sees_the_page(client, school, role):
    client.force_login(MembershipFactory(school=school, role=role).user)
    assert client.get(_url(school)).status_code == 404


# What the page costs today: the session, the user, the navigation's memberships, the school
# with its rule's answer, the settings, the figures, the backlog, the failures.
PAGE = 8
