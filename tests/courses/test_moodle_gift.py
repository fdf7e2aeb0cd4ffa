"""Importing Moodle XML and GIFT questions into a draft, with what was left out and why;
the images Moodle questions embed become media of the draft, shown where Moodle showed them."""
import base64
import io
import struct
import zlib

import pytest
from django.test import Client
from django.urls import reverse

from schools.models import Role
from courses import authoring
from courses.authoring import ArtifactInput
from courses.models import Case, Item, ItemKey, MediaAsset, Module
from courses.packages import media as package_media
from courses.packages.errors import PackageError
from courses.packages.exporter import course_package_export
from courses.packages.gift import parse_gift
from courses.services import course_package_import
from courses.packages.moodle_xml import html_to_text, parse_moodle_xml
from courses.question_import import questions_import
from courses.rendering import render_markdown
from courses.services import course_create
from tests.factories import MembershipFactory
from training.errors import ApplicationError

pytestmark = pytest.mark.django_db

MOODLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Default/Sepsis scores</text></category></question>
  <question type="multichoice">
    <name><text>Sepsis bundle</text></name>
    <questiontext format="html"><text><![CDATA[<p>The AI says <strong>start</strong> the bundle. Do you?</p>]]></text></questiontext>
    <generalfeedback format="html"><text>Check lactate first.</text></generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>Reassess in an hour</text></answer>
    <answer fraction="0"><text>Start now</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Model card concerns</text></name>
    <questiontext format="html"><text>Which concerns apply?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>Subgroup gap</text></answer>
    <answer fraction="50"><text>Few dark-skin images</text></answer>
    <answer fraction="-100"><text>Too slow</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Hallucination</text></name>
    <questiontext format="plain_text"><text>LLMs can invent references.</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="numerical">
    <name><text>PPV</text></name>
    <questiontext format="html"><text>PPV at 2% prevalence?</text></questiontext>
    <answer fraction="100"><text>9.2</text><tolerance>0.5</tolerance></answer>
    <units><unit><multiplier>1</multiplier><unit_name>%</unit_name></unit></units>
  </question>
  <question type="essay">
    <name><text>Critique</text></name>
    <questiontext format="html"><text>Critique the answer.</text></questiontext>
    <defaultgrade>4</defaultgrade>
    <graderinfo format="html"><text>Names the subgroup gap.</text></graderinfo>
  </question>
  <question type="matching">
    <name><text>Match them</text></name>
    <questiontext format="html"><text>Match.</text></questiontext>
  </question>
  <question type="multichoice">
    <name><text>No right answer</text></name>
    <questiontext format="html"><text>Which?</text></questiontext>
    <single>true</single>
    <answer fraction="0"><text>A</text></answer>
    <answer fraction="0"><text>B</text></answer>
  </question>
  <question type="numerical">
    <name><text>Not a number</text></name>
    <questiontext format="html"><text>How many?</text></questiontext>
    <answer fraction="100"><text>many</text></answer>
  </question>
</quiz>
"""

GIFT = """// A comment
$CATEGORY: $course$/top/Reliance

::Sepsis bundle::The AI says start the bundle. Do you? {
  =Reassess in an hour#Right.
  ~Start now#The lactate is normal.
  ####Check the lactate first.
}

::Concerns::Which concerns apply? {~%50%Subgroup gap ~%50%Few dark-skin images ~%-100%Too slow}

::Invented references::LLMs can invent references.{TRUE}

::PPV::PPV \\{in %\\} at 2% prevalence? {#9.2:0.5}

::Range::A value between 1 and 3 {#1..3}

::Essay::Critique the answer. {}

::Matching::Match them. {=a -> 1 =b -> 2}

::Short::Name the failure mode. {=hallucination =HAL}

A description without answers.

::Broken::Unclosed {=a ~b
"""


@pytest.fixture
def author(db):
    user = MembershipFactory(role=Role.FACULTY).user
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def draft(author):
    return course_create(slug="imports", title="Imports", language="en", user=author).versions.get()


def test_moodle_questions_become_items_of_each_type():
    parsed = parse_moodle_xml(MOODLE, source_name="bank.xml", competency="APR")
    (case,) = parsed.cases
    assert case["title"] == "Sepsis scores"
    by_type = {item["type"]: item for item in case["items"]}
    assert set(by_type) == {"single_choice", "multiple_choice", "numeric", "free_text"}
    single = case["items"][0]
    assert single["prompt"] == "The AI says **start** the bundle. Do you?"
    assert single["key"] == {"answer": "a"} and single["rationale"] == "Check lactate first."
    assert by_type["multiple_choice"]["key"] == {"correct": ["a", "b"]}  # 50, 50, -100: the default weights
    assert by_type["numeric"]["key"] == {"value": 9.2, "tolerance_abs": 0.5}
    assert by_type["numeric"]["spec"] == {"unit": "%"}
    assert by_type["free_text"]["key"]["criteria"] == [{"id": "criterion-1", "text": "Names the subgroup gap.", "points": 4}]
    truefalse = case["items"][2]
    assert truefalse["spec"]["options"][0]["text"] == "True" and truefalse["key"] == {"answer": "a"}


def test_moodle_says_what_was_not_imported_and_why():
    parsed = parse_moodle_xml(MOODLE, source_name="bank.xml", competency="APR")
    reasons = {s.where: s.reason for s in parsed.skipped}
    assert "matching are not supported" in reasons["question 7 (Match them)"]
    assert "no answer is graded 100%" in reasons["question 8 (No right answer)"]
    assert "many is not a number" in reasons["question 9 (Not a number)"]


@pytest.mark.parametrize(("data", "fragment"), [
    (b"<quiz><question>", "not valid XML (line 1"),
    (b"<html></html>", "root element must be <quiz>"),
    (b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz>&a;</quiz>', "DOCTYPE"),
])
def test_a_broken_moodle_file_is_refused_with_the_reason(data, fragment):
    with pytest.raises(PackageError) as error:
        parse_moodle_xml(data, source_name="bad.xml", competency="APR")
    assert fragment in error.value.errors[0][1]


def test_gift_questions_become_items_of_each_type():
    parsed = parse_gift(GIFT.encode(), source_name="bank.gift", competency="OVS")
    (case,) = parsed.cases
    assert case["title"] == "Reliance"
    items = {item["slug"]: item for item in case["items"]}
    assert items["sepsis-bundle"]["key"] == {"answer": "a"}
    assert items["sepsis-bundle"]["rationale"] == ("Check the lactate first.\n\n- **Reassess in an hour**: Right.\n"
                                                   "- **Start now**: The lactate is normal.")
    assert [o["text"] for o in items["sepsis-bundle"]["spec"]["options"]] == ["Reassess in an hour", "Start now"]
    assert items["concerns"]["type"] == "multiple_choice" and items["concerns"]["key"]["correct"] == ["a", "b"]
    assert items["invented-references"]["key"] == {"answer": "a"}
    assert items["ppv"]["key"] == {"value": 9.2, "tolerance_abs": 0.5} and "PPV {in %} at 2% prevalence?" == items["ppv"]["prompt"]
    assert items["range"]["key"] == {"value": 2, "tolerance_abs": 1}
    assert items["essay"]["type"] == "free_text"
    assert items["matching"]["type"] == "matching" and items["short"]["type"] == "short_answer"


def test_gift_says_what_was_not_imported_and_where():
    parsed = parse_gift(GIFT.encode(), source_name="bank.gift", competency="OVS")
    reasons = [f"{s.where}: {s.reason}" for s in parsed.skipped]
    assert any("line 24" in n.where and "became the vignette of the case Reliance" in n.reason for n in parsed.notes)
    assert any("line 26 (Broken)" in r and "no closing }" in r for r in reasons)


def test_gift_reports_the_images_of_html_texts_it_cannot_bring():
    text = '::Scan::[html]<p>What does <img src="@@PLUGINFILE@@/cxr.png"> show?</p>{=Consolidation ~Nothing}\n'
    parsed = parse_gift(text.encode(), source_name="bank.gift", competency="OVS")
    assert len(parsed.cases[0]["items"]) == 1  # the question itself is imported
    assert any("Scan" in n.where and "images were not imported" in n.reason for n in parsed.notes)


def test_html_is_turned_into_markdown():
    text, images = html_to_text("<p>One <em>two</em></p><ul><li>a</li><li>b</li></ul><img src='x.png'><script>x</script>")
    assert text == "One *two*\n\n- a\n- b" and images == 1


def test_imported_questions_land_in_a_new_module_of_the_draft(draft):
    parsed = parse_moodle_xml(MOODLE, source_name="bank.xml", competency="APR")
    report = questions_import(version=draft, parsed=parsed, module_title="From Moodle")
    assert report.imported == 5 and report.module.title == "From Moodle"
    assert Item.objects.filter(case__module=report.module).count() == 5
    assert ItemKey.objects.filter(item__case__module=report.module, item__type="numeric").get().answer["value"] == 9.2
    assert len(report.skipped) == 3


def test_imported_questions_can_join_an_existing_module(draft):
    module = authoring.module_create(version=draft, title="Existing")
    authoring.case_create(module=module, title="Sepsis scores")
    report = questions_import(version=draft, module=module,
                              parsed=parse_gift(GIFT.encode(), source_name="bank.gift", competency="OVS"))
    assert report.module == module
    assert sorted(Case.objects.filter(module=module).values_list("slug", flat=True)) == ["reliance", "sepsis-scores"]


def test_a_file_with_nothing_importable_changes_nothing(draft):
    parsed = parse_gift(b"::Only::Match them {=a -> 1}", source_name="x.gift", competency="OVS")
    with pytest.raises(ApplicationError):
        questions_import(version=draft, parsed=parsed)
    assert not Module.objects.filter(version=draft).exists()


def post_questions(author, draft, data: bytes, name: str, **fields):
    """The import page's answer to ``data`` uploaded as ``name`` by ``author``."""
    client = Client()
    client.force_login(author)
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("studio:questions-import", args=[draft.course.slug]), {"file": upload, **fields})


def test_the_import_page_reports_what_was_left_out(draft, author):
    response = post_questions(author, draft, GIFT.encode(), "bank.gift", competency="OVS", module_title="GIFT bank")
    assert response.status_code == 200
    page = response.content.decode()
    assert "8 questions were imported" in page and "no closing }" in page
    assert Module.objects.filter(version=draft, title="GIFT bank").exists()


def test_the_import_page_refuses_a_broken_file(draft, author):
    response = post_questions(author, draft, b"<quiz><oops>", "bank.xml", competency="OVS")
    assert response.status_code == 400 and "not valid XML" in response.content.decode()
    assert not Module.objects.filter(version=draft).exists()


# ---------------------------------------------------------------- images of Moodle questions


def png(rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid 1×1 PNG of one colour, made here."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb)))
            + chunk(b"IEND", b""))


RED, BLUE = png(), png((20, 40, 220))


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def question(name: str, text: str, files: str = "", feedback: str = "", answers: str = "") -> str:
    answers = answers or '<answer fraction="100"><text>Yes</text></answer><answer fraction="0"><text>No</text></answer>'
    return f"""<question type="multichoice"><name><text>{name}</text></name>
      <questiontext format="html"><text><![CDATA[{text}]]></text>{files}</questiontext>
      <generalfeedback format="html"><text><![CDATA[{feedback}]]></text></generalfeedback>
      <single>true</single>{answers}</question>"""


def embedded(name: str, content: bytes | str) -> str:
    data = content if isinstance(content, str) else b64(content)
    return f'<file name="{name}" path="/" encoding="base64">{data}</file>'


def quiz(*questions: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><quiz>'
            '<question type="category"><category><text>$course$/top/Imaging</text></category></question>'
            + "".join(questions) + "</quiz>").encode()


def imported(draft, data: bytes):
    return questions_import(version=draft, parsed=parse_moodle_xml(data, source_name="bank.xml",
                                                                competency="VER"))


def item(slug: str) -> Item:
    return Item.objects.select_related("key").get(slug=slug)


def test_an_embedded_image_becomes_media_of_the_draft_shown_with_its_alt_text(draft):
    report = imported(draft, quiz(question(
        "Film", '<p>Look at the film:</p><p><img src="@@PLUGINFILE@@/film.png" alt="Frontal chest film"></p>',
        embedded("film.png", RED),
    )))
    asset = MediaAsset.objects.get(version=draft)
    assert (asset.path, asset.content_type, asset.size) == ("media/film.png", "image/png", len(RED))
    with asset.file.open("rb") as stored:
        assert stored.read() == RED
    assert item("film").prompt == "Look at the film:\n\n![Frontal chest film](media/film.png)"
    assert report.imported == 1 and report.skipped == [] and report.notes == []
    assert [(line.name, line.status, line.path) for line in report.media] == [("film.png", "imported", "media/film.png")]
    assert report.media_imported == 1 and report.media_skipped == 0


def test_images_in_the_feedback_and_the_answers_are_imported_too(draft):
    imported(draft, quiz(question(
        "Where", "Which film shows it?", feedback='<img src="@@PLUGINFILE@@/key.png">',
        answers=f'<answer fraction="100" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png" alt="Film A">]]>'
                f'</text>{embedded("a.png", RED)}</answer>'
                f'<answer fraction="0" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png" alt="Film B">]]>'
                f'</text>{embedded("a.png", BLUE)}</answer>',
    ).replace("</generalfeedback>", embedded("key.png", png((0, 160, 0))) + "</generalfeedback>")))
    where = item("where")
    assert where.key.rationale == "![key.png](media/key.png)"
    # Each answer has its own files in Moodle: the same name in two answers is two files.
    assert [o["text"] for o in where.spec["options"]] == ["![Film A](media/a.png)", "![Film B](media/a-2.png)"]
    assert sorted(MediaAsset.objects.filter(version=draft).values_list("path", flat=True)) == [
        "media/a-2.png", "media/a.png", "media/key.png",
    ]


def test_url_encoded_names_are_found_and_the_file_name_is_the_alt_text(draft):
    report = imported(draft, quiz(question(
        "Scan", '<p>Read <img src="@@PLUGINFILE@@/my%20scan%20%281%29.png?time=1700000000"> first.</p>',
        embedded("my scan (1).png", RED),
    )))
    assert item("scan").prompt == "Read ![my scan (1).png](media/my-scan-1.png) first."
    assert MediaAsset.objects.get(version=draft).path == "media/my-scan-1.png"
    assert [(line.name, line.status) for line in report.media] == [("my scan (1).png", "imported")]


def test_the_same_file_in_two_questions_is_stored_once(draft):
    report = imported(draft, quiz(
        question("One", '<img src="@@PLUGINFILE@@/ecg.png" alt="ECG">', embedded("ecg.png", RED)),
        question("Two", '<img src="@@PLUGINFILE@@/same.png" alt="Same ECG">', embedded("same.png", RED)),
    ))
    assert MediaAsset.objects.filter(version=draft).count() == 1
    assert item("one").prompt == "![ECG](media/ecg.png)" and item("two").prompt == "![Same ECG](media/ecg.png)"
    assert report.media_imported == 1 and len(report.media) == 2


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("broken.png", "iVBORw0K!!not base64", "its base64 content is broken"),
    ("notes.pdf", b64(b"%PDF-1.4 a document"), "unsupported file type .pdf (accepted: PNG, JPEG, SVG, WebP)"),
    ("fake.png", b64(b"GIF89a"), "the file's content is not image/png"),
    ("large.png", b64(RED), f"file is {len(RED)} bytes; at most 64 are accepted (5 MiB)"),
])
def test_a_file_that_cannot_be_media_is_reported_and_the_question_still_imported(
        draft, monkeypatch, name, content, reason):
    monkeypatch.setattr(package_media, "MAX_BYTES", 64)  # a file of an XML file under 5 MiB is smaller still
    report = imported(draft, quiz(question(
        "Scan", f'<p>The scan <img src="@@PLUGINFILE@@/{name}" alt="scan"> shows a mass.</p>', embedded(name, content),
    )))
    assert report.imported == 1 and report.skipped == []
    assert item("scan").prompt == "The scan shows a mass."
    assert [(line.where, line.name, line.status, line.reason) for line in report.media] == [
        ("question 2 (Scan)", name, "skipped", reason),
    ]
    assert report.media_imported == 0 and report.media_skipped == 1
    assert not MediaAsset.objects.filter(version=draft).exists()


def test_an_image_on_the_web_stays_a_link_and_is_reported(draft):
    url = "https://example.org/images/cxr (portable).png"
    report = imported(draft, quiz(question("Web", f'<p>See <img src="{url}" alt="Portable film"></p>')))
    assert item("web").prompt == "See [Portable film](https://example.org/images/cxr%20%28portable%29.png)"
    assert [(line.name, line.status) for line in report.media] == [(url, "linked")]
    assert not MediaAsset.objects.exists()
    html = render_markdown(item("web").prompt)
    assert "<img" not in html and 'href="https://example.org/images/cxr%20%28portable%29.png"' in html


def test_a_file_the_text_shows_but_the_question_does_not_embed_is_reported(draft):
    report = imported(draft, quiz(question(
        "Missing", '<p>Compare <img src="@@PLUGINFILE@@/left.png"> and <img src="@@PLUGINFILE@@/right.png"></p>',
        embedded("left.png", RED) + embedded("unused.png", BLUE),
    )))
    assert item("missing").prompt == "Compare ![left.png](media/left.png) and"
    assert [(line.name, line.status, line.reason) for line in report.media] == [
        ("left.png", "imported", ""),
        ("right.png", "skipped", "the question shows this file but the Moodle file does not contain it"),
        ("unused.png", "skipped", "no imported text of the question shows it"),
    ]
    assert list(MediaAsset.objects.values_list("path", flat=True)) == ["media/left.png"]


def test_a_skipped_question_reports_no_media_and_stores_none(draft):
    report = imported(draft, quiz(
        question("Kept", "Plain question"),
        question("No key", '<img src="@@PLUGINFILE@@/x.png">', embedded("x.png", RED),
                 answers='<answer fraction="0"><text>A</text></answer><answer fraction="0"><text>B</text></answer>'),
    ))
    assert report.imported == 1 and [s.where for s in report.skipped] == ["question 3 (No key)"]
    assert report.media == [] and not MediaAsset.objects.exists()


def test_a_question_left_out_for_want_of_its_only_image_says_why(draft):
    report = imported(draft, quiz(
        question("Kept", "Plain question"),
        question("Only a picture", '<img src="@@PLUGINFILE@@/x.gif">', embedded("x.gif", b"GIF89a")),
    ))
    assert [(s.where, s.reason) for s in report.skipped] == [(
        "question 3 (Only a picture)",
        "the question text is empty (x.gif: unsupported file type .gif (accepted: PNG, JPEG, SVG, WebP))",
    )]


def test_a_path_the_draft_uses_for_other_bytes_is_renamed_and_the_same_bytes_reused(draft):
    authoring.media_upload(version=draft, name="film.png", content=BLUE)
    authoring.media_upload(version=draft, name="known.png", content=RED)
    report = imported(draft, quiz(
        question("Other", '<img src="@@PLUGINFILE@@/film.png" alt="Film">', embedded("film.png", png((1, 2, 3)))),
        question("Known", '<img src="@@PLUGINFILE@@/copy.png" alt="Copy">', embedded("copy.png", RED)),
    ))
    assert item("other").prompt == "![Film](media/film-2.png)"
    assert item("known").prompt == "![Copy](media/known.png)"
    assert sorted(MediaAsset.objects.filter(version=draft).values_list("path", flat=True)) == [
        "media/film-2.png", "media/film.png", "media/known.png",
    ]
    assert [line.path for line in report.media] == ["media/film-2.png", "media/known.png"]


def test_the_imported_draft_exports_and_reimports_with_its_media(draft, tmp_path):
    imported(draft, quiz(question(
        "Film", '<p><img src="@@PLUGINFILE@@/film.png" alt="Chest film"></p>', embedded("film.png", RED),
        feedback='<img src="@@PLUGINFILE@@/film.png">',
    ).replace("</generalfeedback>", embedded("film.png", RED) + "</generalfeedback>")))
    case = Case.objects.get(module__version=draft)
    authoring.artifact_create(case=case, data=ArtifactInput(  # what an author adds before publishing
        title="AI report", kind="text", content={"text": "No consolidation."}, ai_correct=True, failure_modes=[],
    ))
    file = course_package_export(course=draft.course, path=tmp_path / "first")
    assert (tmp_path / "first" / "media" / "film.png").read_bytes() == RED
    assert "![Chest film](media/film.png)" in file.read_text(encoding="utf-8")
    version = course_package_import(path=tmp_path / "first", publish=True)
    (asset,) = MediaAsset.objects.filter(version=version)
    assert (asset.path, asset.size) == ("media/film.png", len(RED))
    again = Item.objects.get(case__module__version=version)
    assert again.prompt == "![Chest film](media/film.png)"
    assert ItemKey.objects.get(item=again).rationale == "![film.png](media/film.png)"
    course_package_export(course=draft.course, path=tmp_path / "second")
    assert (tmp_path / "second" / "course.yaml").read_bytes() == file.read_bytes()


def test_a_package_whose_text_shows_a_missing_media_file_is_refused(package, edit):
    from courses.packages.errors import PackageError

    def show_missing(data):
        data["modules"][0]["cases"][0]["items"][0]["prompt"] += "\n\n![A film](media/absent.png)"

    edit(show_missing)
    with pytest.raises(PackageError) as error:
        course_package_import(path=package)
    assert ("modules[0].cases[0].items[0].prompt", "file media/absent.png not found in the package") in error.value.errors


def test_markdown_shows_the_version_media_and_nothing_from_elsewhere():
    text = '![Film](media/film.png) ![Gone](media/gone.png) ![Web](https://example.org/x.png) <img src="https://e.org/t.gif">'
    html = render_markdown(text, {"media/film.png": "/media/courses/abc.png"})
    assert '<img alt="Film" src="/media/courses/abc.png">' in html
    assert "Gone" in html and "media/gone.png" not in html
    assert '<a href="https://example.org/x.png" rel="noopener noreferrer">Web</a>' in html
    assert "e.org/t.gif" not in html
    assert "<img" not in render_markdown("![Film](media/film.png)")  # without the version's media: its alt text


def test_the_import_page_lists_the_media_of_each_question(draft, author):
    response = post_questions(author, draft, quiz(
        question("Film", '<img src="@@PLUGINFILE@@/film.png" alt="Film">', embedded("film.png", RED)),
        question("Broken", 'Which lobe? <img src="@@PLUGINFILE@@/bad.png">', embedded("bad.png", "@@@")),
    ), "bank.xml", competency="VER", module_title="Imaging bank")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 questions were imported" in page and "1 image was added to the draft's media." in page
    assert "question 2 (Film)" in page and "film.png: imported as media/film.png" in page
    assert "question 3 (Broken)" in page and "bad.png: not imported: its base64 content is broken" in page


def test_the_preview_shows_the_imported_image(draft, author):
    imported(draft, quiz(question(
        "Film", '<p><img src="@@PLUGINFILE@@/film.png" alt="Chest film"></p>', embedded("film.png", RED),
        answers=f'<answer fraction="100" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/film.png" alt="This film">]]>'
                f'</text>{embedded("film.png", RED)}</answer><answer fraction="0"><text>Another</text></answer>',
    )))
    client = Client()
    client.force_login(author)
    page = client.get(reverse("studio:preview", args=[Case.objects.get().pk])).content.decode()
    url = MediaAsset.objects.get().file.url
    assert f'<img alt="Chest film" src="{url}">' in page and f'<img alt="This film" src="{url}">' in page


def test_a_moodle_file_may_exceed_5_mib_since_it_carries_its_images_but_not_50():
    padding = b"<!--" + b"x" * (6 * 1024 * 1024) + b"-->"
    big = MOODLE.replace(b"<quiz>", b"<quiz>" + padding, 1)
    assert len(parse_moodle_xml(big, source_name="bank.xml", competency="APR").cases) > 0
    with pytest.raises(PackageError) as error:
        parse_moodle_xml(b" " * (50 * 1024 * 1024 + 1), source_name="huge.xml", competency="APR")
    assert "50 MiB" in error.value.errors[0][1]


def test_an_embedded_svg_with_a_namespaced_script_is_reported_and_not_stored(draft):
    svg = b'<svg xmlns:x="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>'
    report = imported(draft, quiz(question(
        "Scan", '<p>The scan <img src="@@PLUGINFILE@@/scan.svg" alt="scan"> shows a mass.</p>', embedded("scan.svg", svg),
    )))
    [line] = report.media
    assert line.status == "skipped" and "the element <script>" in line.reason
    assert not MediaAsset.objects.filter(version=draft).exists()
