"""The school admins' LTI page: the URLs to paste, registering a platform, the tool's keys
(generated, rotated, retired) and the key set that publishes them."""
import pytest
from django.db import transaction

from lti.models import Platform, ToolKey
from lti.services import platform_register
from schools.models import AuditEvent, Role
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {"action": "register", "name": "Canvas", "issuer": "https://canvas.instructure.com", "client_id": "10000000001",
        "deployment_ids": "1:abc\n2:def", "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
        "keyset_url": "https://sso.canvaslms.com/api/lti/security/jwks"}


@pytest.fixture
def admin(school):
    user = UserFactory()
    MembershipFactory(school=school, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def page(school):
    return f"/school/{school.slug}/lti/"


def test_the_page_shows_the_urls_to_paste_into_the_lms(admin_client, school):
    body = admin_client.get(page(school)).content.decode()
    for url in ("http://testserver/lti/login/", "http://testserver/lti/launch/",
                f"http://testserver/lti/jwks/{school.slug}.json"):
        assert url in body


def test_an_admin_registers_a_platform_with_its_deployments_and_gets_a_key(admin_client, school):
    response = admin_client.post(page(school), FORM)
    assert response.status_code == 302
    platform = Platform.objects.get(school=school)
    assert sorted(platform.deployments.values_list("deployment_id", flat=True)) == ["1:abc", "2:def"]
    assert ToolKey.objects.filter(school=school, is_active=True).count() == 1
    assert AuditEvent.objects.filter(action="lti.platform.register", school=school).exists()


def test_a_registration_with_a_bad_url_says_which_field_and_saves_nothing(admin_client, school):
    response = admin_client.post(page(school), dict(FORM, keyset_url="not a url"))
    assert response.status_code == 400
    assert 'Public keyset URL</a>: Enter a valid URL.' in response.content.decode()
    assert not Platform.objects.exists()


def test_the_same_platform_and_client_id_cannot_be_registered_twice(admin_client, school):
    admin_client.post(page(school), FORM)
    response = admin_client.post(page(school), FORM)
    assert response.status_code == 400
    assert b"already registered" in response.content
    assert Platform.objects.count() == 1


def test_rotating_keeps_the_old_key_published_and_signs_with_the_new(admin_client, client, school):
    admin_client.post(page(school), FORM)
    old = ToolKey.objects.get()
    admin_client.post(page(school), {"action": "key_generate"})
    new = ToolKey.objects.exclude(pk=old.pk).get()
    keys = client.get(f"/lti/jwks/{school.slug}.json").json()["keys"]
    assert {k["kid"] for k in keys} == {old.kid, new.kid}
    assert all(k["alg"] == "RS256" and k["use"] == "sig" and "d" not in k for k in keys)
    from lti.tool import signing_key

    assert signing_key(school.pk) == new


def test_a_retired_key_leaves_the_key_set(admin_client, client, school):
    admin_client.post(page(school), FORM)
    old = ToolKey.objects.get()
    admin_client.post(page(school), {"action": "key_generate"})
    admin_client.post(page(school), {"action": "key_retire", "key": old.pk})
    assert old.kid not in {k["kid"] for k in client.get(f"/lti/jwks/{school.slug}.json").json()["keys"]}


def test_the_last_key_cannot_be_retired(admin_client, school):
    admin_client.post(page(school), FORM)
    response = admin_client.post(page(school), {"action": "key_retire", "key": ToolKey.objects.get().pk})
    assert response.status_code == 400
    assert b"Generate a new key before retiring the last one" in response.content
    assert ToolKey.objects.get().is_active


def test_another_schools_key_cannot_be_retired_from_this_page(admin_client, school):
    other = SchoolFactory()
    with transaction.atomic():
        platform_register(school=other, actor=None, name="x", issuer="https://o", client_id="c", auth_login_url="https://o/a",
                          auth_token_url="https://o/t", keyset_url="https://o/k", deployment_ids=["d"])
    response = admin_client.post(page(school), {"action": "key_retire", "key": ToolKey.objects.get(school=other).pk})
    assert response.status_code == 400
    assert ToolKey.objects.get(school=other).is_active


def test_an_unknown_action_is_refused(admin_client, school):
    response = admin_client.post(page(school), {"action": "explode"})
    assert response.status_code == 400
    assert b"Say what to do" in response.content


@pytest.mark.parametrize("n_platforms", [1, 4])
def test_the_page_costs_the_same_queries_for_one_platform_or_several(admin_client, school, n_platforms,
                                                                      django_assert_num_queries):
    with transaction.atomic():
        for i in range(n_platforms):
            platform_register(school=school, actor=None, name=f"LMS {i}", issuer=f"https://lms{i}.test", client_id="c",
                              auth_login_url="https://lms.test/a", auth_token_url="https://lms.test/t",
                              keyset_url="https://lms.test/k", deployment_ids=["d1", "d2"])
    with django_assert_num_queries(PAGE_QUERIES):
        assert admin_client.get(page(school)).status_code == 200


PAGE_QUERIES = 8  # session, user, memberships (rules + navigation), school, platforms, their deployments, keys,
# the placed activities (with their course, cohort and registration)
