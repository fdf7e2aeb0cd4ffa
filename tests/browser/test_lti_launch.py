"""An LTI launch in Chromium from the test platform (a real LTI 1.3 platform on 127.0.0.1):
the login page goes on to the platform by itself, the platform's form posts the launch, the
launch page opens the placed module; the school admins' LTI page and a refusal, at desktop and
phone widths, pass axe-core."""
from urllib.parse import urlencode

import pytest
from django.db import transaction

from lti.models import ContextBinding, Placement
from lti.services import platform_register
from schools.models import Role
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import (CaseFactory, CourseFactory, CourseVersionFactory, ItemFactory, MembershipFactory,
                             ModuleFactory, SchoolFactory)
from tests.lti.platform import TestPlatform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lms():
    platform = TestPlatform().start()
    platform.autosubmit = True
    yield platform
    platform.stop()


@pytest.fixture
def school(lms):
    school = SchoolFactory(slug="mercy", name="Mercy Hospital")
    with transaction.atomic():
        platform_register(school=school, actor=None, name="Moodle", deployment_ids=[lms.deployment_id], **lms.urls)
    return school


def start(page, lms, live_server):
    _url, params = lms.login_initiation("", live_server.url + "/lti/launch/")
    page.goto(live_server.url + "/lti/login/?" + urlencode(params))


def test_a_learner_launched_from_the_lms_lands_on_the_placed_module(page, lms, school, live_server):
    start(page, lms, live_server)  # binds the course
    page.wait_for_url(live_server.url + "/")
    version = CourseVersionFactory(course=CourseFactory(school=school), title="AI literacy")
    module = ModuleFactory(version=version, slug="triage", title="Triage with AI")
    ItemFactory(case=CaseFactory(module=module))
    Placement.objects.create(context=ContextBinding.objects.get(), resource_link_id="rl-1", course=version.course,
                             module_slug="triage", title="Triage")
    page.context.clear_cookies()
    start(page, lms, live_server)
    page.wait_for_url(f"{live_server.url}/learn/modules/{module.pk}/")
    assert "Triage with AI" in page.content()
    screenshot(page, "lti-launched-module-1280")


def test_a_refused_launch_says_why(page, lms, school, live_server):
    lms.tamper = {"expired": True}
    start(page, lms, live_server)
    page.wait_for_selector("text=has expired")
    assert_accessible(page)
    screenshot(page, "lti-refused-1280")


def placed_activity(school):
    from tests.factories import CohortFactory

    binding = ContextBinding.objects.create(platform=school.lti_platforms.get(), context_id="c-1",
                                            title="AI literacy 101 (spring)", cohort=CohortFactory(school=school))
    return Placement.objects.create(context=binding, resource_link_id="rl-1", title="Triage with AI",
                                    course=CourseFactory(school=school, slug="ai-literacy"), module_slug="triage")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_school_lti_page_at_desktop_and_phone_widths(page, sign_in, school, live_server, width):
    placed_activity(school)
    admin = MembershipFactory(school=school, role=Role.ADMIN).user
    admin.refresh_from_db()
    sign_in(page, admin)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/school/mercy/lti/")
    assert "/lti/jwks/mercy.json" in page.content() and "ai-literacy/triage" in page.content()
    screenshot(page, f"lti-school-page-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_registrations_page_deactivated_and_a_bad_field_at_desktop_and_phone_widths(
        page, sign_in, school, live_server, width):
    admin = MembershipFactory(school=school, role=Role.ADMIN).user
    admin.refresh_from_db()
    sign_in(page, admin)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/school/mercy/lti/")
    page.click("table a:has-text('Moodle')")
    page.click("button:has-text('Deactivate')")
    page.wait_for_selector("text=Deactivated: launches from this platform are refused.")
    page.fill("#id_keyset_url", "http://lms.example.org/jwks")
    page.click("button:has-text('Save the registration')")
    page.wait_for_selector("text=Must start with https://")
    screenshot(page, f"lti-registration-page-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_cohort_lms_page_shows_each_passback_at_desktop_and_phone_widths(page, sign_in, school, live_server, width):
    from django.utils import timezone

    from lti.models import ScorePassback
    from tests.factories import CohortFactory, UserFactory

    cohort = CohortFactory(school=school, name="AI literacy 101")
    binding = ContextBinding.objects.create(platform=school.lti_platforms.get(), context_id="c-1",
                                            title="AI literacy 101", cohort=cohort)
    placement = Placement.objects.create(context=binding, resource_link_id="rl-1", title="Triage with AI",
                                         course=CourseFactory(school=school), lineitem_url="https://lms.test/li/1")
    for name, status, error in (("Ann", "sent", ""), ("Bob", "pending", "the LMS answered 503"),
                                ("Cy", "failed", "PlatformRefused: the LMS answered 404")):
        ScorePassback.objects.create(placement=placement, trainee=UserFactory(first_name=name, last_name="Archer"),
                                     score=0.75, status=status, tries=1 if status == "sent" else 3, last_error=error,
                                     changed_at=timezone.now(), sent_at=timezone.now() if status == "sent" else None)
    admin = MembershipFactory(school=school, role=Role.ADMIN).user
    admin.refresh_from_db()
    sign_in(page, admin)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/school/cohorts/{cohort.pk}/lti/")
    assert "Refused by the LMS" in page.content() and "75 %" in page.content()
    assert_accessible(page)
    screenshot(page, f"lti-cohort-page-{width}")
