"""A registration changed, deactivated and reactivated from its page (the school's admins):
each bad field refused by name with nothing written, every change audited, a deactivated
registration's launches refused by the real test platform's login and launch."""
import logging

import pytest
from django.db import transaction
from django.test import override_settings

from lti.models import Deployment, LtiIdentity, Platform
from lti.services import platform_register
from schools.models import AuditEvent, Enrollment, Role
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.lti.conftest import launch

pytestmark = pytest.mark.django_db

CANVAS = {"name": "Canvas", "issuer": "https://canvas.instructure.com", "client_id": "10000000001",
          "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
          "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
          "keyset_url": "https://sso.canvaslms.com/api/lti/security/jwks"}


@pytest.fixture
def admin_client(client, school):
    admin = UserFactory()
    MembershipFactory(school=school, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    return client


@pytest.fixture
def canvas(school):
    with transaction.atomic():
        return platform_register(school=school, actor=None, deployment_ids=["1:abc", "2:def"], **CANVAS)


def page(platform) -> str:
    return f"/school/{platform.school.slug}/lti/platforms/{platform.uuid}/"


def update(admin_client, platform, **changes):
    data = {**CANVAS, "action": "update", "deployment_ids": "1:abc\n2:def", **changes}
    return admin_client.post(page(platform), data)


def test_the_page_shows_the_registration_filled_in(admin_client, canvas):
    body = admin_client.get(page(canvas)).content.decode()
    assert 'value="10000000001"' in body and "1:abc\n2:def</textarea>" in body


def test_the_school_page_links_each_registration(admin_client, canvas):
    assert page(canvas) in admin_client.get(f"/school/{canvas.school.slug}/lti/").content.decode()


def test_an_admin_changes_the_client_id_and_key_set_url(admin_client, canvas):
    response = update(admin_client, canvas, client_id="10000000002", keyset_url="https://canvas.example.org/jwks")
    assert response.status_code == 302
    canvas.refresh_from_db()
    assert (canvas.client_id, canvas.keyset_url) == ("10000000002", "https://canvas.example.org/jwks")
    event = AuditEvent.objects.get(action="lti.platform.update")
    assert event.detail["changed"] == ["client_id", "keyset_url"] and event.school_id == canvas.school_id


def test_deployment_ids_are_added_and_removed(admin_client, canvas):
    update(admin_client, canvas, deployment_ids="2:def\n3:ghi")
    assert sorted(Deployment.objects.filter(platform=canvas).values_list("deployment_id", flat=True)) == ["2:def", "3:ghi"]
    detail = AuditEvent.objects.get(action="lti.platform.update").detail
    assert (detail["deployments_added"], detail["deployments_removed"]) == (["3:ghi"], ["1:abc"])


def test_saving_the_same_registration_changes_and_audits_nothing(admin_client, canvas):
    assert update(admin_client, canvas).status_code == 302
    assert not AuditEvent.objects.filter(action="lti.platform.update").exists()


@pytest.mark.parametrize("field", ["issuer", "auth_login_url", "auth_token_url", "keyset_url"])
def test_an_address_over_plain_http_is_refused_by_name_and_nothing_is_written(admin_client, canvas, field):
    response = update(admin_client, canvas, **{field: "http://canvas.example.org/x", "client_id": "changed"})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'href="#id_{field}"' in body and "Must start with https://" in body
    canvas.refresh_from_db()
    assert canvas.client_id == "10000000001"


def test_a_loopback_platform_over_http_is_accepted_where_the_settings_allow_it(admin_client, canvas):
    assert update(admin_client, canvas, keyset_url="http://127.0.0.1:8123/jwks").status_code == 302


@override_settings(VIGIL_LTI_ALLOW_HTTP_LOOPBACK=False)
def test_a_loopback_platform_over_http_is_refused_in_production(admin_client, canvas):
    response = update(admin_client, canvas, keyset_url="http://127.0.0.1:8123/jwks")
    assert response.status_code == 400 and b"Must start with https://" in response.content


def test_malformed_deployment_ids_are_refused_with_their_line(admin_client, canvas):
    response = update(admin_client, canvas, deployment_ids="1:abc\n2 def\n1:abc")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Line 2: a deployment id holds no spaces" in body and "Line 3: 1:abc is given twice." in body
    assert Deployment.objects.filter(platform=canvas).count() == 2


def test_the_issuer_and_client_id_of_another_registration_are_refused_on_the_client_id(admin_client, canvas, school):
    with transaction.atomic():
        moodle = platform_register(school=school, actor=None, deployment_ids=["9"], **dict(
            CANVAS, name="Moodle", issuer="https://moodle.example.org", client_id="m-1"))
    response = update(admin_client, moodle, name="Moodle", issuer=CANVAS["issuer"], client_id=CANVAS["client_id"])
    assert response.status_code == 400
    assert 'href="#id_client_id"' in response.content.decode()
    moodle.refresh_from_db()
    assert (moodle.issuer, moodle.client_id) == ("https://moodle.example.org", "m-1")


def test_an_unknown_action_is_refused(admin_client, canvas):
    response = admin_client.post(page(canvas), {"action": "explode"})
    assert response.status_code == 400 and b"Say what to do" in response.content


def test_deactivating_and_reactivating_are_each_audited(admin_client, canvas):
    admin_client.post(page(canvas), {"action": "deactivate"})
    canvas.refresh_from_db()
    assert not canvas.is_active
    admin_client.post(page(canvas), {"action": "reactivate"})
    canvas.refresh_from_db()
    assert canvas.is_active
    assert list(AuditEvent.objects.filter(action__startswith="lti.platform.").order_by("pk")
                .values_list("action", flat=True)) == ["lti.platform.register", "lti.platform.deactivate",
                                                       "lti.platform.reactivate"]


def test_faculty_of_the_school_may_not_open_the_page(client, canvas):
    teacher = UserFactory()
    MembershipFactory(school=canvas.school, user=teacher, role=Role.FACULTY)
    client.force_login(teacher)
    assert client.get(page(canvas)).status_code == 404
    assert client.post(page(canvas), {"action": "deactivate"}).status_code == 404
    canvas.refresh_from_db()
    assert canvas.is_active


def test_another_schools_registration_is_not_found_under_this_school(admin_client, school):
    with transaction.atomic():
        other = platform_register(school=SchoolFactory(), actor=None, deployment_ids=["d"],
                                  **dict(CANVAS, client_id="other"))
    assert admin_client.get(f"/school/{school.slug}/lti/platforms/{other.uuid}/").status_code == 404
    assert admin_client.post(f"/school/{school.slug}/lti/platforms/{other.uuid}/",
                             {"action": "deactivate"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_the_page_costs_a_fixed_number_of_queries(admin_client, canvas, django_assert_num_queries):
    with django_assert_num_queries(PAGE_QUERIES):
        assert admin_client.get(page(canvas)).status_code == 200


PAGE_QUERIES = 6  # session, user, memberships (rules + navigation), school, the platform, its deployments


# ---------------------------------------------------------------- launches from a deactivated registration

def deactivate(platform):
    from lti.services import platform_set_active

    with transaction.atomic():
        platform_set_active(platform=platform, active=False, actor=None)


def test_a_deactivated_registrations_login_is_refused_with_a_page_saying_so(client, lms, registered, caplog):
    deactivate(registered)
    url, params = lms.login_initiation("/lti/login/", "http://testserver/lti/launch/")
    with caplog.at_level(logging.WARNING, logger="vigil.lti"):
        response = client.get(url, params)
    assert response.status_code == 403
    assert b"deactivated this LMS&#x27;s registration" in response.content
    assert "lti refused platform_inactive:" in caplog.text


def test_a_launch_begun_before_the_deactivation_is_refused_and_creates_nobody(client, lms, registered):
    from tests.lti.conftest import start_launch

    fields = start_launch(client, lms)
    deactivate(registered)
    response = client.post("/lti/launch/", fields)
    assert response.status_code == 403 and b"deactivated" in response.content
    assert not LtiIdentity.objects.exists() and "_auth_user_id" not in client.session


def test_a_reactivated_registration_launches_again(client, lms, registered):
    from lti.services import platform_set_active

    deactivate(registered)
    with transaction.atomic():
        platform_set_active(platform=registered, active=True, actor=None)
    response, _f = launch(client, lms)
    assert response.status_code == 200 and Enrollment.objects.count() == 1


def test_a_deactivated_registrations_roster_is_not_synced(client, lms, registered):
    launch(client, lms)
    deactivate(registered)
    from lti.models import ContextBinding

    cohort = ContextBinding.objects.get().cohort
    admin = UserFactory()
    MembershipFactory(school=registered.school, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    response = client.post(f"/school/cohorts/{cohort.pk}/lti/")
    assert response.status_code == 409 and b"registration is deactivated" in response.content
    assert Platform.objects.get().is_active is False
