"""The queue page of admission control (training/admission.py) in Chromium: the answer the
site gives when saturated is rendered by the real middleware stack (a test client with the
limits on) and handed to the browser for the address it asked, so its security headers, its
static files and its script are the site's own."""
import time
from urllib.parse import parse_qs

import pytest
from django.test import Client, override_settings

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SATURATED = {"VIGIL_ADMISSION_MAX_QUEUE_MS": 1000, "VIGIL_ADMISSION_RETRY_AFTER_SECONDS": 3}
LAUNCH = {"id_token": "eyJhbGciOi.a-launch.sig", "state": "state-1"}


def _queued(method: str, path: str, language: str, data=None):
    with override_settings(**SATURATED):
        client = Client(HTTP_X_REQUEST_START=f"t={time.time() - 5:.3f}", HTTP_ACCEPT_LANGUAGE=language)
        response = getattr(client, method)(path, data or {})
    assert response.status_code == 503
    return {"status": 503, "headers": dict(response.items()), "body": response.content}


def _serve_queue_then_record(page, path: str, queued: dict) -> list:
    """The first request for path gets the queue page; the next ones are recorded and served."""
    later = []

    def handle(route):
        if not later and not getattr(handle, "queued", False):
            handle.queued = True
            return route.fulfill(**queued)
        later.append((route.request.method, route.request.post_data))
        return route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Served</title><p>served</p>")

    page.route(f"**{path}", handle)
    return later


@pytest.mark.parametrize("viewport", ["page", "english_phone_page"])
def test_a_queued_page_shows_the_seconds_left_then_loads_the_same_address_again(viewport, request):
    page = request.getfixturevalue(viewport)
    later = _serve_queue_then_record(page, "/learn/modules/4/", _queued("get", "/learn/modules/4/", "en"))
    page.goto("/learn/modules/4/")
    assert page.get_by_role("heading", name="In the queue").is_visible()
    counter = page.locator("[data-countdown]")
    first = int(counter.inner_text())
    assert 3 <= first < 6 and page.get_by_text("Seconds left:").is_visible()
    page.wait_for_function("n => Number(document.querySelector('[data-countdown]').textContent) < n", arg=first)
    name = "queue-desktop" if viewport == "page" else "queue-phone"
    screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    page.wait_for_url("**/learn/modules/4/", wait_until="load")
    page.get_by_text("served").wait_for(timeout=10_000)
    assert later[0][0] == "GET"


def test_the_queue_page_is_in_french_for_a_french_browser(phone_page):
    _serve_queue_then_record(phone_page, "/learn/", _queued("get", "/learn/", "fr"))
    phone_page.goto("/learn/")
    assert phone_page.locator("html").get_attribute("lang") == "fr"
    screenshot(phone_page, "queue-phone-fr")
    assert_accessible(phone_page)


def test_a_queued_launch_from_the_lms_is_posted_again_with_its_fields_after_the_wait(page):
    later = _serve_queue_then_record(page, "/lti/launch/", _queued("post", "/lti/launch/", "en", LAUNCH))
    page.goto("/lti/launch/")
    assert page.get_by_role("button", name="Send again now").is_visible()
    screenshot(page, "queue-resend-desktop")
    assert_accessible(page)
    page.get_by_text("served").wait_for(timeout=10_000)
    method, body = later[0]
    assert method == "POST" and {k: v[0] for k, v in parse_qs(body).items()} == LAUNCH
