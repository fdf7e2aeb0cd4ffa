"""The school's xAPI page in Chromium: an admin turns sending on and sees the backlog, on a
desktop and on a phone, and the page passes axe-core."""
import re

import pytest
from django.utils import timezone

from schools.models import Role
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import MembershipFactory, SchoolFactory
from xapi.models import LrsSettings, OutboxStatement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_and_school():
    school = SchoolFactory()
    admin = MembershipFactory(school=school, role=Role.ADMIN, user__first_name="Ada", user__last_name="Admin").user
    now = timezone.now()
    OutboxStatement.objects.create(id="00000000-0000-4000-8000-000000000001", school=school, verb="answered",
                                   statement={}, next_attempt_at=now, created_at=now, tries=2,
                                   last_error="URLError: [Errno 111] Connection refused")
    admin.refresh_from_db()
    return admin, school


WORDS = {  # the desktop asks for English, the phone for French
    "page": {"send": "send statements", "endpoint": "LRS endpoint", "key": "key (user name)",
             "secret": "Secret (password)", "save": "Save the settings", "saved": "The LRS settings are saved.",
             "waiting": "Statements waiting"},
    "phone_page": {"send": "envoyer des déclarations", "endpoint": "Point d'accès du LRS",
                   "key": "clé (nom d'utilisateur)", "secret": "Secret (mot de passe)",
                   "save": "Enregistrer les réglages", "saved": "Les réglages du LRS sont enregistrés.",
                   "waiting": "Déclarations en attente"},
}


@pytest.mark.parametrize("fixture, name", [("page", "xapi-page"), ("phone_page", "xapi-page-phone")])
def test_an_admin_turns_sending_on_and_sees_the_backlog(request, sign_in, admin_and_school, fixture, name):
    admin, school = admin_and_school
    words = WORDS[fixture]
    page = sign_in(request.getfixturevalue(fixture), admin)
    page.goto(f"/school/{school.slug}/xapi/")
    page.get_by_label(words["send"]).check()
    page.get_by_label(words["endpoint"]).fill("https://lrs.school.example/xAPI/")
    page.get_by_label(words["key"]).fill("vigil")
    page.get_by_label(words["secret"]).fill("a-secret")
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_url(re.compile(rf"/school/{school.slug}/xapi/$"))
    assert words["saved"] in page.content()
    assert "a-secret" not in page.content()
    assert "Connection refused" in page.get_by_role("region", name=words["waiting"]).inner_text()
    assert LrsSettings.objects.get(school=school).enabled
    screenshot(page, name)
    assert_accessible(page)


@pytest.mark.parametrize("fixture, name", [("page", "xapi-page-refused"), ("phone_page", "xapi-page-refused-phone")])
def test_the_administration_tab_leads_to_the_page_which_says_the_endpoint_is_refused(
        request, sign_in, admin_and_school, settings, fixture, name):
    admin, school = admin_and_school
    settings.VIGIL_XAPI_ALLOWED_HOSTS = []  # the address below is then on a private network
    LrsSettings.objects.create(school=school, enabled=True, endpoint="http://10.0.0.5/xAPI/", key="k", secret="s")
    page = sign_in(request.getfixturevalue(fixture), admin)
    page.goto(f"/school/{school.slug}/manage/")
    screenshot(page, name.replace("xapi-page-refused", "school-admin-tabs"))
    page.locator(f'nav a[href="/school/{school.slug}/xapi/"]').click()
    page.wait_for_url(re.compile(rf"/school/{school.slug}/xapi/$"))
    assert page.locator("#endpoint-refused").is_visible()
    screenshot(page, name)
    assert_accessible(page)
