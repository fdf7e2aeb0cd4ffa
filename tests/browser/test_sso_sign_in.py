"""Single sign-on in Chromium: from the sign-in page, through a real pysaml2 identity provider
on loopback (its answer posted back by the browser), to the home page, signed in."""
import pytest
import requests
from django.db import transaction

from accounts.models import User
from sso import services
from tests.browser.conftest import PHONE, assert_accessible, screenshot
from tests.factories import SchoolFactory
from tests.sso.idp import TestIdentityProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    """The live server by address (the identity provider's host), so the SAML cookie goes along
    with the identity provider's post back (same site)."""
    return live_server.url.replace("localhost", "127.0.0.1")


@pytest.fixture
def registered_idp(site, tmp_path):
    provider = TestIdentityProvider(tmp_path, "browser-idp")
    school = SchoolFactory(name="Université A", slug="univ-a")
    with transaction.atomic():
        services.idp_register(school=school, name="Université A (ENT)", entity_id=provider.entity_id,
                              source="file", metadata_xml=provider.metadata())
    provider.trust(requests.get(f"{site}/sso/univ-a/metadata/", timeout=10).text)
    yield provider
    provider.close()


def test_a_trainee_signs_in_through_the_school_s_identity_provider(page, site, registered_idp):
    page.goto(f"{site}/accounts/login/")
    page.get_by_role("link", name="Sign in with your school").click()
    page.wait_for_url("**/sso/")
    screenshot(page, "sso-choose-school-desktop")
    assert_accessible(page)
    page.get_by_role("link", name="Université A").click()
    page.wait_for_url(f"{site}/")
    assert "Jeanne" in page.content() or "Dupont" in page.content() or "jdupont" in page.content()
    assert User.objects.get(sso_identities__isnull=False).first_name == "Jeanne"


def test_a_refused_sign_on_says_why_on_a_phone(page, site, registered_idp):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/sso/univ-a/login/?idp=https://idp.elsewhere.example/idp")
    assert page.get_by_role("heading", name="Single sign-on refused").is_visible()
    assert page.get_by_role("alert").inner_text().startswith("The chosen identity provider is not one")
    screenshot(page, "sso-refused-phone")
    assert_accessible(page)
