"""The test platform (a real LTI 1.3 platform on 127.0.0.1) and the school that registered it."""
import pytest
from django.db import transaction

from lti.services import platform_register
from tests.factories import SchoolFactory, UserFactory
from tests.lti.platform import TestPlatform, form_fields

LAUNCH_URL = "http://testserver/lti/launch/"


@pytest.fixture
def lms():
    platform = TestPlatform().start()
    yield platform
    platform.stop()


@pytest.fixture
def school():
    return SchoolFactory(slug="mercy")


@pytest.fixture
def registered(lms, school):
    with transaction.atomic():
        return platform_register(school=school, actor=UserFactory(), name="Moodle", deployment_ids=[lms.deployment_id],
                                 **lms.urls)


def start_launch(client, lms, target=LAUNCH_URL) -> dict:
    """The browser's part: the LMS's login initiation to the tool, the tool's authentication
    request to the LMS (over HTTP), and the launch form the LMS answers with."""
    import re

    import requests

    url, params = lms.login_initiation("/lti/login/", target)
    page = client.get(url, params)
    assert page.status_code == 200, page.content
    auth_url = re.search(r'data-auth-url="([^"]+)"', page.content.decode()).group(1).replace("&amp;", "&")
    form = requests.get(auth_url, timeout=5).text
    action, fields = form_fields(form)
    assert action == target
    return fields


def launch(client, lms, target=LAUNCH_URL):
    fields = start_launch(client, lms, target)
    return client.post("/lti/launch/", fields), fields
