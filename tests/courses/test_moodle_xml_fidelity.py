"""Faithful import of Moodle XML: grades as Moodle writes them, several right answers,
numerical answers, feedback, hints, tags, ID numbers, texts (entities, code, links) and the
category tree, each rule on a small fixture written for the tests (tests/courses/fixtures/moodle_*.xml).

The fixtures hold 18 questions: 7 true/false, 6 multichoice (4 several-answer, 2 single-answer),
3 numerical and 2 descriptions, of which 3 are left out with their reason (a several-answer
one short of 100%, a numerical one with no right answer, a description in a category with no
question); ``DESCRIBED`` below adds a description with an image and a true/false question.
"""
import base64
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.models import Case, Item, MediaAsset
from courses.packages.moodle_xml import category_titles, full_marks, parse_moodle_xml
from courses.packages.serialize import version_to_package
from courses.question_export import package_sources, questions_export
from courses.question_import import questions_import
from courses.rendering import render_markdown
from courses.services import course_create
from quizzes.graders import multiple_choice, numeric, single_choice
from schools.models import Role
from tests.factories import MembershipFactory

FIXTURES = Path(__file__).parent / "fixtures"


def parsed(name):
    return parse_moodle_xml((FIXTURES / f"moodle_{name}.xml").read_bytes(), source_name=f"{name}.xml",
                            competency="VER")


def items(name):
    return {item["slug"]: item for case in parsed(name).cases for item in case["items"]}


def skipped(name):
    return {s.where: s.reason for s in parsed(name).skipped}


def notes(name, where):
    return [n.reason for n in parsed(name).notes if n.where == where]


@pytest.fixture
def draft(db):
    author = MembershipFactory(role=Role.FACULTY).user
    return course_create(slug="fidelity", title="Fidelity", language="en", user=author).versions.get()


# ---------------------------------------------------------------- grades


def test_three_answers_of_33_33333_percent_make_full_marks():
    item = items("grades")["three-thirds"]
    assert item["key"] == {"correct": ["a", "b", "c"]}  # 1/3 each and -100% for the wrong one: Vigil's defaults
    assert multiple_choice.grade(item["spec"], item["key"], {"answers": ["a", "b", "c"]}, None).score == 1.0


def test_uneven_thirds_are_stored_as_weights_that_add_up_to_exactly_1():
    weights = items("grades")["two-right-and-a-third"]["key"]["weights"]
    assert math.fsum(weights.values()) == 1.0 and weights["a"] == pytest.approx(2 / 3)


def test_right_answers_short_of_100_percent_beyond_moodles_tolerance_are_refused():
    assert skipped("grades")["question 4 (Ninety percent)"] == "the grades of the right answers add up to less than 100%"


@given(st.integers(1, 12))
def test_n_equal_grades_as_moodle_rounds_them_add_up_to_exactly_1(n):
    shares = full_marks([round(100 / n, 5) / 100] * n)
    assert math.fsum(shares) == 1.0


def test_a_single_answer_question_with_two_answers_at_100_percent_accepts_either():
    item = items("grades")["two-right-names"]
    assert item["type"] == "single_choice" and item["key"] == {"answer": "b", "also_right": ["c"]}
    scores = [single_choice.grade(item["spec"], item["key"], {"answer": o}, None).score for o in "abc"]
    assert scores == [0.0, 1.0, 1.0]


# ---------------------------------------------------------------- numerical


def test_the_right_numerical_answer_is_the_one_graded_100_percent_with_its_tolerance_element():
    key = items("numerical")["ppv"]["key"]
    assert (key["value"], key["tolerance_abs"]) == (9.2, 0.5)


def test_a_wrong_numerical_answer_moodle_exports_at_0_percent_scores_0_with_its_feedback():
    item = items("numerical")["ppv"]
    result = numeric.grade({}, item["key"], {"value": 97.5}, None)
    assert result.score == 0.0 and item["key"]["answers"][result.detail["matched"]]["feedback"] == "That is the specificity."


def test_the_star_answer_is_any_other_number_at_its_own_grade_never_the_right_one():
    key = items("numerical")["ppv"]["key"]
    assert key["answers"][-1] == {"fraction": 0, "feedback": "Draw the 2×2 table."}
    assert numeric.grade({}, key, {"value": 500}, None).score == 0.0


def test_a_partial_credit_numerical_answer_keeps_its_grade():
    key = items("numerical")["ppv"]["key"]
    assert numeric.grade({}, key, {"value": 8}, None).score == 0.5


def test_the_right_numerical_answers_feedback_is_kept():
    assert items("numerical")["ppv"]["key"]["feedback"] == "Right: few positives are true."


def test_the_unit_of_multiplier_1_is_kept_and_the_others_reported_dropped():
    assert items("numerical")["dose"]["spec"] == {"unit": "mg"}
    assert notes("numerical", "question 3 (Dose)") == ["the units g (× 0.001) were dropped: the answer is a number in mg"]


def test_a_wrong_star_answer_without_feedback_is_left_out_of_the_key():
    assert items("numerical")["dose"]["key"] == {"value": 1050}


def test_a_tolerance_that_is_not_a_number_is_refused_with_its_value():
    data = (b'<quiz><question type="numerical"><name><text>T</text></name><questiontext><text>How many?</text>'
            b'</questiontext><answer fraction="100"><text>3</text><tolerance>2~</tolerance></answer></question></quiz>')
    (reason,) = [s.reason for s in parse_moodle_xml(data, source_name="t.xml", competency="VER").skipped]
    assert reason == "the tolerance 2~ of the answer 3 is not a number"


def test_a_numerical_question_whose_only_answer_is_a_wrong_star_is_refused():
    assert skipped("numerical")["question 4 (Only wrong)"] == "no answer is graded 100%, so there is no right answer"


# ---------------------------------------------------------------- feedback, hints, tags, ID number, penalty


def test_per_answer_feedback_of_a_single_choice_is_kept_and_empty_feedback_left_out():
    assert items("feedback_extras")["lactate"]["key"]["feedback"] == {
        "a": "Yes: it is in the *hour-1* bundle.", "b": "Not for sepsis."}


def test_per_answer_feedback_of_true_false_is_kept():
    assert items("feedback_extras")["fluids"]["key"]["feedback"] == {"a": "Per the guideline.",
                                                                    "b": "Check the guideline again."}


def test_per_answer_feedback_of_a_several_answer_question_is_kept():
    assert items("feedback_extras")["pressors"]["key"]["feedback"]["c"] == "A diuretic."


def test_general_feedback_is_the_rationale():
    assert items("feedback_extras")["lactate"]["rationale"] == "Lactate guides **resuscitation**."


def test_hints_are_kept_as_markdown_in_order():
    assert items("feedback_extras")["lactate"]["hints"] == ["Think of the **bundle**.", "Which value falls with fluids?"]


def test_tags_are_kept_and_taxonomy_tags_still_give_the_competencies():
    item = items("feedback_extras")["lactate"]
    assert item["tags"] == ["sepsis", "week 1"] and item["competencies"] == ["VER"]


def test_the_id_number_is_kept():
    assert items("feedback_extras")["lactate"]["idnumber"] == "SEP-001"


def test_a_penalty_for_further_tries_is_reported_dropped():
    assert ("the penalty of 33.33% for each further try was dropped (Vigil grades one try)"
            in notes("feedback_extras", "question 2 (Lactate)"))


def test_a_penalty_of_0_is_not_reported():
    assert notes("feedback_extras", "question 4 (Pressors)") == []


def test_imported_feedback_hints_tags_and_id_number_are_stored_and_exported_in_the_package(draft):
    questions_import(version=draft, parsed=parsed("feedback_extras"), module_title="Feedback")
    item = Item.objects.get(slug="lactate")
    assert (item.tags, item.idnumber, item.key.hints) == (["sepsis", "week 1"], "SEP-001",
                                                         ["Think of the **bundle**.", "Which value falls with fluids?"])
    exported = version_to_package(draft)["modules"][0]["cases"][0]["items"][0]
    assert (exported["tags"], exported["idnumber"], exported["key"]["feedback"]["b"]) == (
        ["sepsis", "week 1"], "SEP-001", "Not for sepsis.")


def test_vigil_to_moodle_xml_to_vigil_keeps_feedback_hints_tags_id_numbers_and_numeric_answers():
    originals = {**items("feedback_extras"), **items("numerical"), **items("grades")}
    package = {"modules": [{"slug": "m", "title": "M", "cases": [
        {"slug": "c", "title": "C", "artifacts": [], "items": list(originals.values())}]}]}
    content = questions_export(package_sources(package), fmt="moodle-xml", read=lambda path: None).content
    back = {i["slug"]: i for case in parse_moodle_xml(content, source_name="back.xml", competency="VER").cases
            for i in case["items"]}
    keep = ("type", "prompt", "spec", "key", "rationale", "hints", "tags", "idnumber", "competencies")
    assert {s: {k: i.get(k) for k in keep} for s, i in back.items()} == {
        s: {k: i.get(k) for k in keep} for s, i in originals.items()}


# ---------------------------------------------------------------- texts


def prompt(slug):
    return items("texts")[slug]["prompt"]


def test_entities_render_as_the_characters_the_author_wrote():
    html = render_markdown(prompt("entities"))
    assert "Iterable&lt;Item&gt; may be lazy &amp; fast" in html and "<Item>" not in html


def test_an_escaped_entity_stays_visible_as_written():
    assert "write &amp;lt; for &lt;." in render_markdown(prompt("entities"))


def test_pre_keeps_its_whitespace_as_a_code_block():
    assert "<pre><code>def f(x):\n    if x:\n        return x &lt; 1\n\n    return None\n</code></pre>" in (
        render_markdown(prompt("code")))


def test_inline_code_is_kept_as_a_code_span():
    assert "`x < 1`" in prompt("code") and "<code>x &lt; 1</code>" in render_markdown(prompt("code"))


def test_a_web_link_is_kept_as_a_markdown_link():
    assert "[the **guide**](https://example.org/sepsis%20guide)" in prompt("links")


def test_a_link_to_an_embedded_image_becomes_a_link_to_the_imported_media():
    result = parsed("texts")
    assert "[the chart](media/chart-one.png)" in prompt("links") and "media/chart-one.png" in result.files


def test_a_link_to_an_embedded_audio_file_keeps_its_text_and_reports_why_the_file_is_not_imported():
    (line,) = [m for m in parsed("texts").media if m.name == "heart.mp3"]
    assert "listen to the murmur and" in prompt("links")
    assert (line.status, line.reason) == ("skipped", "unsupported file type .mp3 (accepted: PNG, JPEG, SVG, WebP)")


def test_a_script_link_keeps_only_its_text():
    assert prompt("links").endswith("and ignore this.")


def test_a_plain_text_question_shows_its_angle_brackets():
    assert "List&lt;String&gt;" in render_markdown(prompt("plain"))


# ---------------------------------------------------------------- category tree and descriptions


def test_leaf_categories_of_the_same_name_under_different_parents_stay_apart():
    titles = [case["title"] for case in parsed("categories").cases]
    assert titles == ["Cardiology / Week 1", "Neurology / Week 1"]


def test_the_part_every_category_shares_is_left_out_of_the_case_titles_and_named():
    assert category_titles([["Sepsis", "Week 1"], ["Sepsis", "Week 2"], ["Sepsis", "Week 2", "Day 1"]]) == (
        ["Week 1", "Week 2", "Week 2 / Day 1"], "Sepsis")


def test_a_description_becomes_the_vignette_of_its_categorys_case():
    result = parsed("categories")
    assert result.cases[0]["vignette"] == "A 64-year-old man with **chest pain**."
    assert [n.reason for n in result.notes if n.where == "question 2 (Intro)"] == [
        "a description: imported as the vignette of the case Cardiology / Week 1"]


def test_a_description_in_a_category_without_questions_is_reported_skipped():
    assert "has no question to make a case" in skipped("categories")["question 7 (Orphan)"]


PNG_BASE64 = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(32)).decode()
DESCRIBED = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Imaging/Chest</text></category></question>
  <question type="description"><name><text>Film</text></name>
    <questiontext format="html"><text><![CDATA[<p>The film: <img src="@@PLUGINFILE@@/cxr.png" alt="Chest film"></p>]]></text>
      <file name="cxr.png" path="/" encoding="base64">{PNG_BASE64}</file>
    </questiontext></question>
  <question type="truefalse"><name><text>Effusion</text></name>
    <questiontext format="html"><text>Is there an effusion?</text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
</quiz>""".encode()


def test_the_image_of_a_description_joins_the_draft_with_its_case(draft):
    questions_import(version=draft, parsed=parse_moodle_xml(DESCRIBED, source_name="imaging.xml", competency="VER"))
    case = Case.objects.get(module__version=draft, title="Chest")
    assert case.vignette == "The film: ![Chest film](media/cxr.png)"
    assert list(MediaAsset.objects.filter(version=draft).values_list("path", flat=True)) == ["media/cxr.png"]


def test_a_new_module_is_named_by_the_category_every_question_shares(draft):
    report = questions_import(version=draft, parsed=parse_moodle_xml(DESCRIBED, source_name="imaging.xml",
                                                                     competency="VER"))
    assert report.module.title == "Imaging"
