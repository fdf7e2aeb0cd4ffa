"""The test platform (a real LTI 1.3 platform on 127.0.0.1), the school that registered it, and a
module placed by an instructor and launched by a learner."""
import re

import pytest
import requests
from django.db import transaction

from lti.models import LtiIdentity, Placement
from lti.services import platform_register
from quizzes import services as quiz
from tests.factories import (CaseFactory, CourseFactory, CourseVersionFactory, ItemFactory, ModuleFactory,
                             SchoolFactory, UserFactory)
from tests.lti.platform import ROLE, TestPlatform, form_fields

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


@pytest.fixture
def placed(client, lms, registered):
    """A module of two single-choice items placed by an instructor, then launched by a learner."""
    version = CourseVersionFactory(course=CourseFactory(school=registered.school, slug="ai-lit"), title="AI literacy")
    module = ModuleFactory(version=version, slug="triage", title="Triage")
    case = CaseFactory(module=module)
    items = [ItemFactory(case=case), ItemFactory(case=case)]
    lms.trust_tool_keys(client.get("/lti/jwks/mercy.json").json())
    lms.user.update(sub="lms-teacher", roles=[ROLE + "Instructor"])
    lms.deep_linking = True
    picker, _f = launch(client, lms)
    answer = client.post(picker["Location"], {"choice": f"module:{module.pk}"})
    requests.post(*[form_fields(answer.content.decode())[0]], data=form_fields(answer.content.decode())[1], timeout=5)
    lms.deep_linking = False
    client.logout()
    lms.user.update(sub="lms-learner", roles=[ROLE + "Learner"])
    lms.resource_link = {"id": "rl-placed", "title": "Triage"}
    lms.custom = dict(lms.content_items[0]["custom"])
    launch(client, lms)
    learner = LtiIdentity.objects.get(sub="lms-learner").user
    return {"module": module, "items": items, "learner": learner, "placement": Placement.objects.get()}


def take(placed, answers):
    attempt = quiz.attempt_start(trainee=placed["learner"], module=placed["module"])
    for item, answer in zip(placed["items"], answers):
        response, _created = quiz.response_submit(attempt=attempt, item=item, answer={"answer": answer})
        quiz.response_grade(response_id=response.pk)
