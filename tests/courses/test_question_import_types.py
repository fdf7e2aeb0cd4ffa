"""Short-answer and matching questions of GIFT and Moodle XML files become short_answer and
matching items, with their grades, case sensitivity and per-answer feedback; the fixtures
(tests/courses/fixtures/short_answer_matching.*) hold 7 short-answer questions (5 GIFT, 2 Moodle XML)
and 5 matching ones (3 GIFT, 2 Moodle XML), of which 1 short answer and 2 matching are refused, each with its reason."""
from pathlib import Path

import pytest

from courses.models import Item, ItemKey
from courses.packages.gift import parse_gift
from courses.packages.moodle_xml import parse_moodle_xml
from courses.question_import import questions_import
from courses.services import course_create
from quizzes.graders import grader_for
from schools.models import Role
from tests.factories import MembershipFactory

FIXTURES = Path(__file__).parent / "fixtures"


def gift_items():
    parsed = parse_gift((FIXTURES / "short_answer_matching.gift").read_bytes(), source_name="kidney.gift",
                        competency="VER")
    return {item["slug"]: item for case in parsed.cases for item in case["items"]}, parsed


def xml_items():
    parsed = parse_moodle_xml((FIXTURES / "short_answer_matching.xml").read_bytes(), source_name="kidney.xml",
                              competency="VER")
    return {item["slug"]: item for case in parsed.cases for item in case["items"]}, parsed


def test_gift_short_answers_keep_their_order_grades_and_feedback():
    items, _parsed = gift_items()
    aki = items["aki"]
    assert aki["type"] == "short_answer" and aki["rationale"] == "AKI is defined by KDIGO."
    assert aki["key"] == {"answers": [
        {"text": "acute kidney injury", "fraction": 1, "feedback": "Right."},
        {"text": "*renal*", "fraction": 0.5, "feedback": "Name the acute form."},
        {"text": "*", "fraction": 0, "feedback": "Think of the creatinine."},
    ]}


def test_gift_equal_answers_without_a_tilde_are_all_accepted():
    items, _parsed = gift_items()
    assert items["two-names"]["key"] == {"answers": [{"text": "hallucination", "fraction": 1},
                                                     {"text": "confabulation", "fraction": 1}]}


def test_a_gift_missing_word_short_answer_keeps_the_blank_in_its_prompt():
    items, _parsed = gift_items()
    assert items["blank"]["prompt"] == "The KDIGO stage with creatinine 3× baseline is stage _____ of AKI."


def test_a_gift_escaped_star_stays_a_literal_star():
    items, _parsed = gift_items()
    assert items["escaped"]["key"]["answers"][0]["text"] == "\\*"


def test_gift_matching_has_its_stems_in_order_and_choices_alphabetically_with_the_distractor():
    items, _parsed = gift_items()
    formulas = items["formulas"]
    assert [s["text"] for s in formulas["spec"]["stems"]] == ["Sensitivity", "Specificity",
                                                              "Positive *predictive* value"]
    assert [c["text"] for c in formulas["spec"]["choices"]] == [
        "FP / (FP + TN)", "TN / (TN + FP)", "TP / (TP + FN)", "TP / (TP + FP)"]
    assert formulas["key"] == {"pairs": {"s1": "c3", "s2": "c2", "s3": "c4"}}


def test_gift_matching_stems_may_share_an_answer():
    items, _parsed = gift_items()
    shared = items["shared"]
    assert shared["spec"]["choices"] == [{"id": "c1", "text": "ACE inhibitor"}, {"id": "c2", "text": "ARB"}]
    assert shared["key"] == {"pairs": {"s1": "c1", "s2": "c1", "s3": "c2"}}


def test_gift_says_why_a_short_answer_or_matching_question_was_left_out():
    _items, parsed = gift_items()
    reasons = {s.where.split("(")[1].rstrip(")"): s.reason for s in parsed.skipped}
    assert reasons == {"One pair": "it has fewer than two sub-questions to match",
                       "No full marks": "no answer is graded 100%, so no answer gets full marks"}


def test_moodle_short_answers_keep_fractions_within_moodle_s_precision_and_feedback():
    items, _parsed = xml_items()
    aki = items["aki"]
    assert aki["prompt"] == "What does **AKI** stand for?"
    assert aki["key"] == {"answers": [
        {"text": "acute kidney injury", "fraction": 1, "feedback": "Right."},
        {"text": "*renal <failure>*", "fraction": 0.3333333, "feedback": "Name the acute form."},
    ]}


def test_moodle_usecase_makes_a_short_answer_case_sensitive():
    items, _parsed = xml_items()
    assert items["gene"]["key"] == {"answers": [{"text": "BRCA1", "fraction": 1}], "case_sensitive": True}


def test_moodle_matching_keeps_html_stems_and_a_blank_sub_question_as_a_distractor():
    items, parsed = xml_items()
    formulas = items["formulas"]
    assert [s["text"] for s in formulas["spec"]["stems"]] == ["Sensitivity", "*Specificity*"]
    assert [c["text"] for c in formulas["spec"]["choices"]] == ["TN / (TN + FP)", "TP / (TP + FN)", "TP / (TP + FP)"]
    assert formulas["key"] == {"pairs": {"s1": "c2", "s2": "c1"}}
    notes = [n.reason for n in parsed.notes if "Formulas" in n.where]
    assert notes == ["the feedback for right, partly right and wrong answers was dropped",
                     "the sub-questions are shown in the written order: Vigil does not shuffle them"]


def test_moodle_matching_with_one_sub_question_is_left_out_with_the_reason():
    _items, parsed = xml_items()
    assert [(s.where, s.reason) for s in parsed.skipped] == [
        ("question 5 (One sub-question)", "it has fewer than two sub-questions to match")]


@pytest.mark.parametrize("items", [gift_items, xml_items], ids=["gift", "moodle-xml"])
def test_every_imported_key_is_valid_for_its_grader(items):
    for item in items()[0].values():
        assert grader_for(item["type"]).validate_key(item.get("spec", {}), item["key"], None) == []


def test_an_imported_short_answer_grades_as_moodle_would():
    aki = xml_items()[0]["aki"]
    grade = grader_for("short_answer").grade({}, aki["key"], {"text": " Chronic RENAL <failure> "}, None)
    assert grade.score == pytest.approx(1 / 3, abs=1e-6)


@pytest.mark.django_db
def test_imported_short_answers_and_matching_land_in_the_draft():
    author = MembershipFactory(role=Role.FACULTY).user
    draft = course_create(slug="kidney", title="Kidney", language="en", user=author).versions.get()
    report = questions_import(version=draft, parsed=gift_items()[1], module_title="GIFT")
    assert report.imported == 6
    assert sorted(Item.objects.filter(case__module=report.module).values_list("type", flat=True)) == [
        "matching", "matching", "short_answer", "short_answer", "short_answer", "short_answer"]
    key = ItemKey.objects.get(item__slug="aki", item__case__module=report.module)
    assert key.answer["answers"][1] == {"text": "*renal*", "fraction": 0.5, "feedback": "Name the acute form."}
