"""The LTI client-side OIDC with platform storage in Chromium: the test platform's course
page (another site: 127.0.0.1, Vigil's live server being on localhost) frames Vigil's login;
the state cookie set inside that third-party frame does not come back with the launch, so the
state and nonce go through the LMS's storage by postMessage and the launch is checked with them.

The platform's side is ``tests/lti/storage_frame.html``, served by the test platform: the
``lti.put_data`` / ``lti.get_data`` answers as "LTI Client Side postMessages" (1EdTech) defines
them (lti1p3platform has no storage frame), with ``lti.capabilities`` answered (naming itself or
a sibling storage frame) or not; it is the counterpart's behaviour per the spec, not Vigil's
code."""
import copy
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction

from lti.models import LaunchState, LtiIdentity
from lti.services import platform_register
from tests.browser.conftest import screenshot
from tests.factories import SchoolFactory
from tests.lti.platform import TestPlatform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lms(settings):
    platform = TestPlatform().start()
    platform.autosubmit = True
    platform.storage_target = "_parent"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["frame-ancestors"] = ["'self'", platform.base]
    settings.CONTENT_SECURITY_POLICY = policy
    yield platform
    platform.stop()


@pytest.fixture
def school(lms):
    school = SchoolFactory(slug="mercy", name="Mercy Hospital")
    with transaction.atomic():
        platform_register(school=school, actor=None, name="Moodle", deployment_ids=[lms.deployment_id], **lms.urls)
    return school


def open_course_page(page, lms, live_server, **flags):
    _url, params = lms.login_initiation("", live_server.url + "/lti/launch/")
    tool = live_server.url + "/lti/login/?" + urlencode(params)
    page.goto(f"{lms.base}/course?tool={quote(tool)}" + "".join(f"&{k}=1" for k in flags))
    return page.frame(name="vigil")


def storage_log(page_or_frame) -> list[tuple[str, str]]:
    """What the storage frame received: (subject, key kind or "" for lti.capabilities, origin)."""
    return [(m["subject"], (m.get("key") or "").split("_")[0], m["origin"])
            for m in page_or_frame.evaluate("window.ltiStorageLog")]


def asked(origin: str, page: str, *kinds: str) -> list[tuple[str, str, str]]:
    """A page of Vigil asking the platform's capabilities, then putting or getting ``kinds``."""
    return [("lti.capabilities", "", origin)] + [(f"lti.{page}_data", kind, origin) for kind in kinds]


def test_the_launch_in_the_lms_frame_is_checked_through_the_platforms_storage(page, lms, school, live_server):
    frame = open_course_page(page, lms, live_server)
    frame.wait_for_selector("#lti-launched", state="attached", timeout=15000)
    assert LtiIdentity.objects.filter(sub="lms-user-1").exists()
    origin = live_server.url
    assert storage_log(page) == asked(origin, "put", "state", "nonce") + asked(origin, "get", "state", "nonce")
    assert not LaunchState.objects.filter(key__startswith="storage-state-").exists()  # spent
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "lti-storage-launched-1280")


def test_a_platform_storage_that_does_not_hold_the_state_stops_the_launch(page, lms, school, live_server):
    frame = open_course_page(page, lms, live_server, forget=True)
    frame.wait_for_selector("#lti-storage-failed", state="visible", timeout=15000)
    assert "did not confirm this sign-in" in frame.content()
    assert not LtiIdentity.objects.exists()
    screenshot(page, "lti-storage-refused-1280")


def test_a_platform_naming_its_storage_frame_in_its_capabilities_keeps_the_state_there(page, lms, school,
                                                                                     live_server):
    frame = open_course_page(page, lms, live_server, forwarding=True)
    frame.wait_for_selector("#lti-launched", state="attached", timeout=15000)
    assert LtiIdentity.objects.filter(sub="lms-user-1").exists()
    origin = live_server.url
    assert storage_log(page) == asked(origin, "put") + asked(origin, "get")  # the course page: only asked
    assert storage_log(page.frame(name="post_message_forwarding")) == [
        ("lti.put_data", "state", origin), ("lti.put_data", "nonce", origin),
        ("lti.get_data", "state", origin), ("lti.get_data", "nonce", origin)]


def test_a_platform_that_does_not_answer_capabilities_keeps_the_state_in_its_storage_target(page, lms, school,
                                                                                          live_server):
    frame = open_course_page(page, lms, live_server, no_capabilities=True)
    frame.wait_for_selector("#lti-launched", state="attached", timeout=15000)
    origin = live_server.url
    assert storage_log(page) == asked(origin, "put", "state", "nonce") + asked(origin, "get", "state", "nonce")


def test_a_login_naming_a_storage_target_outside_any_frame_goes_on_with_its_cookie(page, lms, school, live_server):
    _url, params = lms.login_initiation("", live_server.url + "/lti/launch/")
    page.goto(live_server.url + "/lti/login/?" + urlencode(params))
    page.wait_for_url(live_server.url + "/")
    assert LtiIdentity.objects.filter(sub="lms-user-1").exists()
