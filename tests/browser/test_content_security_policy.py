"""Under the Content-Security-Policy, in Chromium: the pages' own scripts and styles work and
report no violation (home, case player, studio, dashboard, API docs), an injected inline
handler does not run, and Swagger UI renders from the site's own files."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.models import Course, Item
from courses.services import course_package_import, course_version_create_draft
from schools.models import Role
from tests.browser.conftest import screenshot
from tests.browser.test_trainee_pages import assign, make_user, start_module
from tests.factories import LessonFactory, MembershipFactory
from tests.quizzes.test_views import build_every_type_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMAL = Path(__file__).resolve().parents[1] / "courses" / "packages" / "minimal"
SVG = (MINIMAL / "media" / "cxr.svg").read_bytes()

# Before any script of the page: note every violation the browser reports (init scripts run
# outside the page's policy).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def watched(page):
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH)
    page.route("**/media/**", lambda route: route.fulfill(body=SVG, content_type="image/svg+xml"))
    return console


def violations(page, console) -> list[str]:
    page.wait_for_load_state("networkidle")
    return console + page.evaluate("window.__csp")


def test_the_pages_run_under_the_policy_without_a_violation(page, sign_in):
    console = watched(page)
    trainee = make_user(username="amira")
    module = assign(trainee, title="Verifying AI outputs")
    LessonFactory(module=module, title="Why language models hallucinate", body="**plausible** text")
    build_every_type_case(module)
    sign_in(page, trainee)
    page.goto("/")
    assert violations(page, console) == [], "home"
    start_module(page, module)
    expect(page.locator("[data-layer-buttons]").first).to_be_visible()  # shown by player.js
    page.locator("[data-toggle=heatmap]").first.click()
    expect(page.locator("img.heatmap").first).to_be_visible()
    assert violations(page, console) == [], "case player"


def test_the_studio_runs_under_the_policy_without_a_violation(page, sign_in):
    console = watched(page)
    faculty = make_user()
    MembershipFactory(user=faculty, role=Role.FACULTY)
    version = course_package_import(path=MINIMAL, user=faculty, publish=True)
    Course.objects.filter(pk=version.course_id).update(owner=faculty)
    draft = course_version_create_draft(course=version.course, user=faculty)
    sign_in(page, faculty)
    spans = Item.objects.get(case__module__version=draft, slug="find-the-errors")
    for url in (f"/studio/c/{version.course.slug}/", f"/studio/items/{spans.pk}/",
                f"/studio/cases/{spans.case_id}/preview/"):
        assert page.goto(url).status == 200, url
        assert violations(page, console) == [], url
    page.goto(f"/studio/items/{spans.pk}/")
    page.locator("#id_prompt").fill("Some **bold** text")  # the preview: studio.js and a fetch
    expect(page.locator("#id_prompt-preview strong")).to_have_text("bold")
    assert violations(page, console) == [], "markdown preview"


def test_an_injected_inline_handler_does_not_run(page):
    console = watched(page)
    page.goto("/accounts/login/")
    page.evaluate("""document.body.insertAdjacentHTML("beforeend",
        '<img src="/static/none.png" onerror="window.__ran = true"><p style="color: red">x</p>')""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is None
    reported = violations(page, console)
    assert any("script-src" in v for v in reported), reported
    assert any("style-src" in v for v in reported), reported


def test_swagger_ui_renders_from_local_files_under_the_policy(page, live_server):
    console = watched(page)
    outside = []
    page.on("request", lambda r: None if r.url.startswith((live_server.url, "data:")) else outside.append(r.url))
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Vigil API")
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert violations(page, console) == []
    assert outside == []  # nothing from another site (no CDN)
    screenshot(page, "api-docs-desktop")
