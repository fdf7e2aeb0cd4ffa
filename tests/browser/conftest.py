"""Browser tests: Debian's headless Chromium driven by Playwright against a live server.

Playwright's own browser download cannot work here, so the launch names /usr/bin/chromium
(install it with ``apt-get install chromium``; .ci/run does). Screenshots go to
``test-artifacts/screenshots/``.
"""
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told this is intended (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


def _desktop(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _desktop(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def second_page(browser, live_server):
    """Another person's desktop browser (its own cookies), beside ``page``."""
    context, page = _desktop(browser, live_server)
    yield page
    context.close()


def _phone(browser, live_server, locale):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale=locale,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def phone_page(browser, live_server):
    """A phone whose browser asks for French, as most of our trainees' phones do."""
    context, page = _phone(browser, live_server, "fr-FR")
    yield page
    context.close()


@pytest.fixture
def english_phone_page(browser, live_server):
    context, page = _phone(browser, live_server, "en-GB")
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server):
    """Sign a user in by putting a real session cookie into the page's browser context."""
    from django.test import Client

    def _sign_in(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return page

    return _sign_in


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the page as it stands."""
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad)


def studio_case(page, sign_in, viewport, *, slug: str, module: str, case: str):
    """A faculty member signed in on ``page`` at ``viewport``, with a draft course ``slug``
    holding one module and one case, to author items in: (faculty, case)."""
    from django.db import transaction

    from courses import authoring
    from courses.services import course_create
    from schools.models import Role
    from tests.factories import MembershipFactory

    faculty = MembershipFactory(role=Role.FACULTY).user
    faculty.save(update_fields=["password"])
    draft = course_create(slug=slug, title=slug.capitalize(), language="en", user=faculty).versions.get()
    with transaction.atomic():
        made = authoring.case_create(module=authoring.module_create(version=draft, title=module), title=case)
    page.set_viewport_size(viewport)
    sign_in(page, faculty)
    return faculty, made


def studio_new_item(page, case, item_type: str, prompt: str) -> None:
    """Open the studio's form of a new ``item_type`` item of ``case``, with its prompt and first competency."""
    page.goto(f"/studio/cases/{case.pk}/items/new/?type={item_type}")
    page.get_by_label("Prompt: what the trainee is asked (Markdown)").fill(prompt)
    page.locator("input[name=competencies]").first.check()
