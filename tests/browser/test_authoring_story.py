"""In Chromium: a faculty member writes a case, marks the errors of an AI text by selecting
them with the mouse, publishes, and a trainee sees the case."""
import pytest
from django.db import transaction

from schools.models import Role
from courses.models import Artifact, CourseVersion, Item, ItemKey
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import AssignmentFactory, EnrollmentFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Accents and an emoji before the error: offsets are code points, as the server counts them.
NOTE = ("Résumé 👵: Mrs Durand, 72, was admitted with pneumonia.\n"
        "She has a documented penicillin allergy (rash, 2019).\n"
        "Plan: start amoxicillin 1 g three times daily.")
ERROR = "documented penicillin allergy"


def _saved(user):
    user.save(update_fields=["password"])
    return user


def select_by_mouse(page, needle: str) -> None:
    """Drag the mouse over ``needle`` in the span marker's text, as a person would.

    The text is scrolled into view before its position is read, and the drag is made again
    if the browser's selection is not the needle (a layout shift between reading the
    position and moving the mouse)."""
    for _ in range(3):
        _drag_over(page, needle)
        if page.evaluate("() => window.getSelection().toString()") == needle:
            return


def _drag_over(page, needle: str) -> None:
    page.locator("[data-span-marker] .span-text").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # let a smooth scroll settle before reading positions
    box = page.evaluate("""(needle) => {
      const el = document.querySelector('[data-span-marker] .span-text');
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let node, seen = 0, start = null, end = null;
      const at = el.textContent.indexOf(needle);
      while ((node = walker.nextNode())) {
        const len = node.data.length;
        if (start === null && at < seen + len) start = [node, at - seen];
        if (start !== null && at + needle.length <= seen + len) { end = [node, at + needle.length - seen]; break; }
        seen += len;
      }
      const first = document.createRange(); first.setStart(start[0], start[1]); first.setEnd(start[0], start[1] + 1);
      const last = document.createRange(); last.setStart(end[0], end[1] - 1); last.setEnd(end[0], end[1]);
      const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
      return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
    }""", needle)
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=5)
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def test_author_marks_spans_by_selecting_publishes_and_a_trainee_sees_the_case(page, browser, live_server, sign_in):
    faculty = _saved(MembershipFactory(role=Role.FACULTY).user)
    sign_in(page, faculty)

    page.goto("/studio/")
    page.get_by_label("Title").fill("Verifying AI notes")
    page.get_by_label("Short name in addresses (slug)").fill("verifying-notes")
    page.get_by_role("button", name="Create the course").click()
    page.wait_for_url("**/studio/c/verifying-notes/")

    page.get_by_role("link", name="Add a module").click()
    page.get_by_label("Title").fill("Discharge letters")
    page.get_by_label("Summary (Markdown)").fill("Letters drafted by an **LLM**.")
    page.locator(".markdown-preview strong", has_text="LLM").wait_for()  # live, sanitised preview
    page.get_by_role("button", name="Save the module").click()
    page.get_by_role("link", name="Add a case").click()
    page.get_by_label("Title").fill("An allergy nobody documented")
    page.get_by_label("Vignette (Markdown)").fill("Mrs Durand, 72 (synthetic), is going home after pneumonia.")
    page.get_by_role("button", name="Save the case").click()

    page.get_by_role("link", name="AI-generated text").click()
    page.get_by_label("Title").fill("AI-drafted letter")
    page.get_by_label("The AI-generated text (plain text, pasted as is)").fill(NOTE)
    page.get_by_label("No, it is wrong").check()
    page.get_by_label("HAL Hallucination").check()
    page.get_by_role("button", name="Save the AI output").click()
    page.get_by_role("link", name="An allergy nobody documented").first.click()

    page.get_by_role("link", name="Find the errors in “AI-drafted letter”").click()
    page.get_by_label("Prompt: what the trainee is asked (Markdown)").fill("Select the errors in the letter.")
    select_by_mouse(page, ERROR)
    page.get_by_role("button", name="Mark the selected text as an error").click()
    page.get_by_label("Span 1 failure mode").select_option("HAL")
    page.get_by_label("Span 1 severity").select_option("major")
    assert page.locator("[data-excerpt]").first.inner_text() == f"“{ERROR}”"
    select_by_mouse(page, "amoxicillin")
    page.get_by_role("button", name="Mark the selected text as an error").click()
    page.get_by_label("Span 2 failure mode").select_option("CLIN")
    page.get_by_label("VER Verifying AI outputs", exact=False).check()
    screenshot(page, "authoring-span-marking-desktop")
    assert_accessible(page)
    page.get_by_role("button", name="Save the item").click()
    page.get_by_text("The item was saved.").or_(page.get_by_text("The item was added.")).wait_for()

    item = Item.objects.get(case__slug="an-allergy-nobody-documented")
    spans = ItemKey.objects.get(item=item).answer["spans"]
    start = NOTE.index(ERROR)
    assert spans[0] == {"start": start, "end": start + len(ERROR), "failure_mode": "HAL", "severity": "major"}
    drug = NOTE.index("amoxicillin")
    assert (spans[1]["start"], spans[1]["end"], spans[1]["failure_mode"]) == (drug, drug + 11, "CLIN")
    assert page.locator(".span-text mark").count() == 2  # the saved spans are shown marked

    page.goto("/studio/c/verifying-notes/")
    page.get_by_role("link", name="Check before publishing").click()
    page.get_by_text("Nothing is missing").wait_for()
    page.get_by_role("button", name="Publish version 1").click()
    page.get_by_text("Version 1 is published.").wait_for()
    version = CourseVersion.objects.get(course__slug="verifying-notes")
    assert version.status == "published"

    trainee = _saved(UserFactory())
    enrollment = EnrollmentFactory(user=trainee)
    AssignmentFactory(cohort=enrollment.cohort, course=version.course)
    context = browser.new_context(base_url=live_server.url)
    trainee_page = sign_in(context.new_page(), trainee)
    courses = trainee_page.request.get("/api/v1/me/courses/").json()["courses"]
    assert [c["title"] for c in courses] == ["Verifying AI notes"]
    case = trainee_page.request.get(f"/api/v1/cases/{item.case_id}/").json()
    assert case["title"] == "An allergy nobody documented"
    assert case["artifacts"][0]["content"]["text"] == NOTE
    assert [(i["type"], i["prompt"]) for i in case["items"]] == [("error_spans", "Select the errors in the letter.")]
    assert "key" not in case["items"][0] and case["items"][0]["spec"] == {}  # the key never reaches trainees
    context.close()


def test_an_author_draws_the_ai_boxes_on_an_image(page, sign_in, tmp_path):
    from courses import authoring
    from courses.services import course_create

    faculty = _saved(MembershipFactory(role=Role.FACULTY).user)
    draft = course_create(slug="images", title="Images", language="en", user=faculty).versions.get()
    with transaction.atomic():
        case = authoring.case_create(module=authoring.module_create(version=draft, title="Films"), title="A film")
    svg = tmp_path / "film.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">'
                   '<rect width="400" height="300" fill="#333"/></svg>')
    sign_in(page, faculty)
    # The test server does not serve media files (DEBUG is off): the browser gets them here.
    page.route("**/media/**", lambda route: route.fulfill(body=svg.read_bytes(), content_type="image/svg+xml"))
    page.goto(f"/studio/cases/{case.pk}/artifacts/new/?kind=image")
    page.get_by_label("Title").fill("Chest film")
    page.get_by_label("Image (PNG, JPEG, SVG or WebP; at most 5 MiB)").set_input_files(str(svg))
    page.get_by_label("Text alternative (what the image shows)").fill("A dark chest film")
    page.get_by_label("Yes, it is correct").check()
    page.get_by_role("button", name="Save the AI output").click()
    page.get_by_text("The AI output was added.").wait_for()
    image = page.locator("[data-box-drawer] img")
    image.wait_for()
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    scale = 400 / box["width"]
    page.mouse.move(box["x"] + 40 / scale, box["y"] + 30 / scale)
    page.mouse.down()
    page.mouse.move(box["x"] + 140 / scale, box["y"] + 130 / scale, steps=8)
    page.mouse.up()
    page.get_by_label("Box 1 label").fill("Consolidation")
    screenshot(page, "authoring-image-boxes-desktop")
    page.get_by_role("button", name="Save the AI output").click()
    page.get_by_text("The AI output was saved.").wait_for()
    artifact = Artifact.objects.get(case=case)
    (overlay,) = artifact.content["overlays"]
    assert (artifact.content["width"], artifact.content["height"]) == (400, 300)
    assert overlay["label"] == "Consolidation"
    assert abs(overlay["x"] - 40) <= 2 and abs(overlay["y"] - 30) <= 2
    assert abs(overlay["w"] - 100) <= 3 and abs(overlay["h"] - 100) <= 3


def test_an_author_imports_moodle_questions_and_previews_their_image(page, sign_in, tmp_path):
    import base64

    from courses.models import Case, MediaAsset
    from courses.services import course_create
    from tests.courses.test_moodle_gift import RED

    faculty = _saved(MembershipFactory(role=Role.FACULTY).user)
    course_create(slug="moodle-bank", title="Moodle bank", language="en", user=faculty)
    bank = tmp_path / "bank.xml"
    bank.write_text(f"""<?xml version="1.0" encoding="UTF-8"?><quiz>
      <question type="multichoice"><name><text>Which lobe</text></name>
        <questiontext format="html"><text><![CDATA[<p>Which lobe is consolidated?</p>
          <p><img src="@@PLUGINFILE@@/chest%20film.png" alt="Frontal chest film"></p>
          <p><img src="https://example.org/lateral.png" alt="Lateral film"></p>]]></text>
          <file name="chest film.png" path="/" encoding="base64">{base64.b64encode(RED).decode()}</file>
          <file name="scan.bmp" path="/" encoding="base64">Qk0=</file></questiontext>
        <single>true</single>
        <answer fraction="100"><text>Right lower lobe</text></answer>
        <answer fraction="0"><text>Left upper lobe</text></answer>
      </question></quiz>""", encoding="utf-8")
    sign_in(page, faculty)
    # The test server does not serve media files (DEBUG is off): the browser gets them here.
    page.route("**/media/**", lambda route: route.fulfill(body=RED, content_type="image/png"))
    page.goto("/studio/c/moodle-bank/questions/")
    page.get_by_label("Moodle XML (.xml), GIFT or Aiken (.gift, .txt) file").set_input_files(str(bank))
    page.get_by_label("Title of the new module").fill("Imaging bank")
    page.get_by_role("button", name="Import the questions").click()
    page.get_by_text("1 question was imported into the module “Imaging bank”.").wait_for()
    report = page.locator("#imported-media")
    assert "chest film.png: imported as media/chest-film.png" in report.inner_text()
    assert "https://example.org/lateral.png: left as a link" in report.inner_text()
    assert "scan.bmp: not imported: no imported text of the question shows it" in report.inner_text()
    screenshot(page, "authoring-moodle-import-report-desktop")
    assert_accessible(page)

    case = Case.objects.get(module__title="Imaging bank")
    page.goto(f"/studio/cases/{case.pk}/preview/")
    image = page.get_by_role("img", name="Frontal chest film")
    image.wait_for()
    assert image.get_attribute("src") == MediaAsset.objects.get(version=case.module.version).file.url
    assert page.evaluate("(img) => img.complete && img.naturalWidth", image.element_handle()) == 1
    assert page.get_by_role("link", name="Lateral film").get_attribute("href") == "https://example.org/lateral.png"
    screenshot(page, "authoring-moodle-import-preview-desktop")
    assert_accessible(page)
