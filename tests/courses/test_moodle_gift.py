"""Importing Moodle XML and GIFT questions into a draft, with what was left out and why."""
import io

import pytest
from django.test import Client
from django.urls import reverse

from cohorts.models import Role
from courses import authoring
from courses.models import Case, Item, ItemKey, Module
from courses.packages.errors import PackageError
from courses.packages.gift import parse_gift
from courses.packages.moodle_xml import html_to_text, parse_moodle_xml
from courses.services import course_create
from tests.factories import MembershipFactory
from training.api_errors import ApplicationError

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
    assert by_type["multiple_choice"]["key"] == {"correct": ["a", "b"], "weights": {"a": 0.5, "b": 0.5, "c": -1}}
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
    assert items["sepsis-bundle"]["rationale"] == "Check the lactate first."
    assert [o["text"] for o in items["sepsis-bundle"]["spec"]["options"]] == ["Reassess in an hour", "Start now"]
    assert items["concerns"]["type"] == "multiple_choice" and items["concerns"]["key"]["correct"] == ["a", "b"]
    assert items["invented-references"]["key"] == {"answer": "a"}
    assert items["ppv"]["key"] == {"value": 9.2, "tolerance_abs": 0.5} and "PPV {in %} at 2% prevalence?" == items["ppv"]["prompt"]
    assert items["range"]["key"] == {"value": 2, "tolerance_abs": 1}
    assert items["essay"]["type"] == "free_text"


def test_gift_says_what_was_not_imported_and_where():
    parsed = parse_gift(GIFT.encode(), source_name="bank.gift", competency="OVS")
    reasons = [f"{s.where}: {s.reason}" for s in parsed.skipped]
    assert any("line 20 (Matching)" in r and "matching questions are not supported" in r for r in reasons)
    assert any("Short" in r and "short-answer" in r for r in reasons)
    assert any("description" in r.lower() and "no answer block" in r for r in reasons)
    assert any("line 26 (Broken)" in r and "no closing }" in r for r in reasons)


def test_html_is_turned_into_markdown():
    text, images = html_to_text("<p>One <em>two</em></p><ul><li>a</li><li>b</li></ul><img src='x.png'><script>x</script>")
    assert text == "One *two*\n\n- a\n- b" and images == 1


def test_imported_questions_land_in_a_new_module_of_the_draft(draft):
    parsed = parse_moodle_xml(MOODLE, source_name="bank.xml", competency="APR")
    report = authoring.questions_import(version=draft, parsed=parsed, module_title="From Moodle")
    assert report.imported == 5 and report.module.title == "From Moodle"
    assert Item.objects.filter(case__module=report.module).count() == 5
    assert ItemKey.objects.filter(item__case__module=report.module, item__type="numeric").get().answer["value"] == 9.2
    assert len(report.skipped) == 3


def test_imported_questions_can_join_an_existing_module(draft):
    module = authoring.module_create(version=draft, title="Existing")
    authoring.case_create(module=module, title="Sepsis scores")
    report = authoring.questions_import(version=draft, module=module,
                                        parsed=parse_gift(GIFT.encode(), source_name="bank.gift", competency="OVS"))
    assert report.module == module
    assert sorted(Case.objects.filter(module=module).values_list("slug", flat=True)) == ["reliance", "sepsis-scores"]


def test_a_file_with_nothing_importable_changes_nothing(draft):
    parsed = parse_gift(b"::Only::Match them {=a -> 1 =b -> 2}", source_name="x.gift", competency="OVS")
    with pytest.raises(ApplicationError):
        authoring.questions_import(version=draft, parsed=parsed)
    assert not Module.objects.filter(version=draft).exists()


def test_the_import_page_reports_what_was_left_out(draft, author):
    client = Client()
    client.force_login(author)
    upload = io.BytesIO(GIFT.encode())
    upload.name = "bank.gift"
    response = client.post(reverse("studio:questions-import", args=[draft.course.slug]),
                           {"file": upload, "competency": "OVS", "module_title": "GIFT bank"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 questions were imported" in page and "matching questions are not supported" in page
    assert Module.objects.filter(version=draft, title="GIFT bank").exists()


def test_the_import_page_refuses_a_broken_file(draft, author):
    client = Client()
    client.force_login(author)
    upload = io.BytesIO(b"<quiz><oops>")
    upload.name = "bank.xml"
    response = client.post(reverse("studio:questions-import", args=[draft.course.slug]),
                           {"file": upload, "competency": "OVS"})
    assert response.status_code == 400 and "not valid XML" in response.content.decode()
    assert not Module.objects.filter(version=draft).exists()
