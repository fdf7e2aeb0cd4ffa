"""Deep linking against the test platform: an instructor's "add activity" picks a published
module of their school; the platform receives a signed ltiResourceLink with a line item, and
the link's first launch opens that module."""
import re

import pytest
import requests

from lti.models import Placement
from schools.models import AuditEvent
from tests.factories import CourseFactory, CourseVersionFactory, ModuleFactory
from tests.lti.conftest import launch
from tests.lti.platform import ROLE, form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(registered):
    version = CourseVersionFactory(course=CourseFactory(school=registered.school, slug="ai-lit"), status="published",
                                   title="AI literacy")
    return ModuleFactory(version=version, slug="triage", title="Triage with AI")


def deep_link(client, lms, choice: str):
    lms.user["roles"] = [ROLE + "Instructor"]
    lms.deep_linking = True
    response, _f = launch(client, lms)
    assert response.status_code == 302, response.content
    picker = client.get(response["Location"])
    answer = client.post(response["Location"], {"choice": choice})
    lms.deep_linking = False
    return picker, answer


def test_an_instructor_places_a_module_and_the_platform_receives_it_with_a_line_item(client, lms, published):
    lms.trust_tool_keys(client.get("/lti/jwks/mercy.json").json())
    picker, answer = deep_link(client, lms, f"module:{published.pk}")
    assert "Triage with AI" in picker.content.decode()
    action, fields = form_fields(answer.content.decode())
    assert action == lms.base + "/deep-link-return"
    assert requests.post(action, data=fields, timeout=5).status_code == 200
    [item] = lms.content_items
    placement = Placement.objects.get()
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://testserver/lti/launch/"
    assert item["custom"] == {"vigil_placement": str(placement.pk)}
    assert item["lineItem"]["scoreMaximum"] == 100
    assert (placement.course.slug, placement.module_slug) == ("ai-lit", "triage")
    assert AuditEvent.objects.filter(action="lti.placement.create").exists()


def test_the_page_posting_back_to_the_lms_may_send_its_form_there(client, lms, published):
    _picker, answer = deep_link(client, lms, f"module:{published.pk}")
    form_action = re.search(r"form-action ([^;]+)", answer["Content-Security-Policy"]).group(1).split()
    assert "'self'" in form_action and lms.base in form_action


def test_the_placed_links_first_launch_opens_the_module_for_a_learner(client, lms, published):
    lms.trust_tool_keys(client.get("/lti/jwks/mercy.json").json())
    _picker, answer = deep_link(client, lms, f"module:{published.pk}")
    action, fields = form_fields(answer.content.decode())
    requests.post(action, data=fields, timeout=5)
    client.logout()
    lms.user.update(sub="lms-learner-2", roles=[ROLE + "Learner"])
    lms.resource_link = {"id": "rl-placed", "title": "Triage"}
    lms.custom = dict(lms.content_items[0]["custom"])
    response, _f = launch(client, lms)
    assert f'data-target="/learn/modules/{published.pk}/"' in response.content.decode()
    placement = Placement.objects.get()
    assert placement.resource_link_id == "rl-placed"
    assert placement.lineitem_url == lms.base + "/lineitems/1"


def test_a_learner_cannot_deep_link(client, lms, published):
    lms.deep_linking = True
    response, _f = launch(client, lms)
    assert response.status_code == 403
    assert b"instructors may add Vigil activities" in response.content


def test_a_course_of_another_school_or_unpublished_cannot_be_placed(client, lms, published):
    other = ModuleFactory(version=CourseVersionFactory(status="published"))
    draft = ModuleFactory(version=CourseVersionFactory(course=CourseFactory(school=published.version.course.school),
                                                       status="draft", published_at=None))
    for choice in (f"module:{other.pk}", f"module:{draft.pk}", "course:999999", "nonsense"):
        _picker, answer = deep_link(client, lms, choice)
        assert answer.status_code == 400
        assert b"Choose one of the published courses or modules listed" in answer.content
        client.logout()
    assert not Placement.objects.exists()


def test_the_picker_of_a_deep_link_is_only_its_instructors(client, lms, published):
    lms.user["roles"] = [ROLE + "Instructor"]
    lms.deep_linking = True
    response, _f = launch(client, lms)
    client.logout()
    assert client.get(response["Location"]).status_code == 302  # to sign-in
    assert re.match(r"^/lti/deep-link/[0-9a-f]{32}/$", response["Location"])
