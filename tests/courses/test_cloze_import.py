"""Cloze (Moodle ``multianswer``) questions, from Moodle XML or a cloze text file, become a case
each whose items are their gaps, with nothing of the cloze syntax left in any text.

Fixtures (tests/courses/fixtures/): cloze.xml (4 multianswer questions, 15 gaps: NUMERICAL,
NM, MULTICHOICE, MCV, MCS, MCH, MRH, MRS, SA, SAC, MW, lowercase sa, and 3 refused: REGEXP,
CALCULATED, a SHORTANSWER with no 100% answer), cloze.txt (one question, 5 gaps: MULTICHOICE,
MC, SHORTANSWER, NUMERICAL, MULTIRESPONSE), cloze_titled.txt (two questions: SA, MCH, NM) and
cloze_in_gift.gift (a GIFT file with one cloze question among GIFT ones)."""
import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Item, MediaAsset
from courses.packages.cloze import GAP_START
from courses.packages.moodle_xml import parse_moodle_xml
from courses.question_import import question_file_parse, questions_import
from courses.services import course_create
from schools.models import Role
from tests.factories import MembershipFactory

FIXTURES = Path(__file__).parent / "fixtures"


def parsed_xml():
    return parse_moodle_xml((FIXTURES / "cloze.xml").read_bytes(), source_name="cloze.xml", competency="VER")


def case_titled(parsed, title: str) -> dict:
    return next(case for case in parsed.cases if case["title"] == title)


def items_of(title: str) -> dict:
    return {item["slug"]: item for item in case_titled(parsed_xml(), title)["items"]}


def parsed_file(name: str):
    return question_file_parse(data=(FIXTURES / name).read_bytes(), name=name, competency="VER")


def reasons(lines, where: str) -> list[str]:
    return [line.reason for line in lines if line.where == where]


# ---------------------------------------------------------------- Moodle XML


def test_each_multianswer_question_becomes_a_case_of_its_own_after_the_category_cases():
    assert [case["title"] for case in parsed_xml().cases] == ["Sepsis", "Sepsis screen", "Escapes"]


def test_the_vignette_is_the_text_with_each_gap_numbered():
    assert case_titled(parsed_xml(), "Sepsis screen")["vignette"] == (
        "A heart rate of (1) per minute and a temperature of (2) °C meet (3) SIRS criteria.\n\n"
        "The AI tool flagged **(4)** and proposed (5).\n\n"
        "Name the score: (6); the organ that fails first here: (7).\n\n"
        "![ECG strip](media/ecg.png)"
    )


def test_each_gap_becomes_an_item_of_the_type_it_embeds():
    assert [(slug, item["type"]) for slug, item in items_of("Sepsis screen").items()] == [
        ("gap-1", "numeric"), ("gap-2", "numeric"), ("gap-3", "single_choice"), ("gap-4", "single_choice"),
        ("gap-5", "multiple_choice"), ("gap-6", "short_answer"), ("gap-7", "short_answer"),
    ]


def test_an_item_prompt_names_its_gap_and_quotes_the_line_it_is_in():
    assert items_of("Sepsis screen")["gap-6"]["prompt"] == (
        "Gap (6): Name the score: (6); the organ that fails first here: (7).")


def test_no_text_of_an_imported_cloze_case_holds_gap_syntax():
    for case in parsed_xml().cases:
        texts = [case["vignette"]] + [item["prompt"] for item in case["items"]] + [
            option["text"] for item in case["items"] for option in item.get("spec", {}).get("options", [])]
        assert not any(GAP_START.search(text) or "{" in text for text in texts)


def test_a_numerical_gap_keeps_its_value_and_tolerance():
    assert items_of("Sepsis screen")["gap-1"]["key"] == {"value": 112, "tolerance_abs": 2}


def test_a_numerical_gap_reads_a_decimal_comma():
    assert items_of("Sepsis screen")["gap-2"]["key"] == {"value": 38.5}


def test_a_numerical_gap_reports_its_dropped_partial_answer():
    assert "answers with partial credit were dropped" in reasons(
        parsed_xml().notes, "question 3 (Sepsis screen), gap (1)")


def test_a_multichoice_gap_has_its_right_answer_as_the_key():
    gap = items_of("Sepsis screen")["gap-3"]
    assert [o["text"] for o in gap["spec"]["options"]] == ["two", "one", "three"] and gap["key"] == {"answer": "a"}


def test_a_short_answer_gap_keeps_its_grades_and_feedback():
    assert items_of("Sepsis screen")["gap-7"]["key"] == {"answers": [
        {"text": "kidney", "fraction": 1}, {"text": "renal", "fraction": 1}, {"text": "liver", "fraction": 0.3333333}]}


def test_a_sac_gap_is_case_sensitive():
    assert items_of("Sepsis screen")["gap-6"]["key"]["case_sensitive"] is True


def test_a_sa_gap_ignores_case():
    assert "case_sensitive" not in items_of("Sepsis screen")["gap-7"]["key"]


def test_a_multiresponse_gap_with_vigils_default_grades_has_no_weights():
    assert items_of("Sepsis screen")["gap-5"]["key"] == {"correct": ["a", "b"]}


def test_a_multiresponse_gap_of_equal_answers_gets_moodles_grades():
    assert items_of("Escapes")["gap-3"]["key"] == {"correct": ["a", "b"], "weights": {"a": 0.5, "b": 0.5, "c": -0.5}}


def test_escaped_tilde_and_brace_and_html_entities_are_literal_in_options():
    assert [o["text"] for o in items_of("Escapes")["gap-1"]["spec"]["options"]] == ["café", "tea ~ milk", "}"]


def test_escaped_brace_and_hash_are_literal_in_a_short_answer_and_its_feedback():
    assert items_of("Escapes")["gap-2"]["key"]["answers"] == [{"text": "a}b", "fraction": 1, "feedback": "it has a # sign"}]


def test_a_gap_type_written_in_lowercase_is_read():
    assert items_of("Escapes")["gap-5"]["key"] == {"answers": [{"text": "lower", "fraction": 1}]}


def test_the_general_feedback_is_the_rationale_of_every_gap():
    assert {item["rationale"] for item in items_of("Sepsis screen").values()} == {"SIRS needs *two* criteria."}


def test_competency_tags_of_the_question_apply_to_every_gap():
    assert {tuple(item["competencies"]) for item in items_of("Sepsis screen").values()} == {("APR",)}


def test_a_gap_of_an_unknown_type_is_skipped_with_its_place():
    assert reasons(parsed_xml().skipped, "question 4 (Escapes), gap 5 of 7 (shown as […])") == [
        "gaps of type REGEXP are not supported (supported: MULTICHOICE, MULTIRESPONSE, SHORTANSWER, NUMERICAL "
        "and their variants)"]


def test_a_skipped_gap_is_shown_as_a_blank_and_the_others_keep_counting():
    assert case_titled(parsed_xml(), "Escapes")["vignette"].endswith(
        "Unknown: […]. Never right: […]. Lowercase: (5).")


def test_a_gap_with_no_full_marks_answer_is_skipped_with_the_reason():
    assert reasons(parsed_xml().skipped, "question 4 (Escapes), gap 6 of 7 (shown as […])") == [
        "no answer is graded 100%, so no answer gets full marks"]


def test_a_multianswer_question_without_gaps_is_skipped():
    assert reasons(parsed_xml().skipped, "question 5 (No gaps)") == [
        "it has no gap such as {1:MULTICHOICE:=right~wrong}"]


def test_a_multianswer_question_none_of_whose_gaps_can_be_imported_is_skipped():
    assert reasons(parsed_xml().skipped, "question 6 (Only unknown)") == ["none of its gaps could be imported"]


def test_unequal_gap_weights_are_reported_as_not_kept():
    assert reasons(parsed_xml().notes, "question 3 (Sepsis screen)") == [
        "the weights of its gaps ((1) 2, (2) 1, (3) 1, (4) 1, (5) 1, (6) 1, (7) 1) were not kept: each item counts "
        "the same"]


def test_a_shuffled_gap_is_noted_as_not_shuffled():
    assert reasons(parsed_xml().notes, "question 4 (Escapes), gap (1)") == [
        "its answers are shown in the written order: Vigil does not shuffle them"]


def test_dropped_feedback_of_choice_answers_is_noted():
    assert "the feedback of its answers was dropped" in reasons(parsed_xml().notes, "question 3 (Sepsis screen), gap (3)")


@pytest.fixture
def author(db):
    return MembershipFactory(role=Role.FACULTY).user


@pytest.fixture
def draft(author):
    return course_create(slug="cloze", title="Cloze", language="en", user=author).versions.get()


def test_the_gaps_are_written_to_the_draft_as_items_of_one_case(draft):
    report = questions_import(version=draft, parsed=parsed_xml())
    assert report.imported == 13
    assert list(Item.objects.filter(case__title="Sepsis screen").order_by("position").values_list("slug", flat=True)) == [
        f"gap-{n}" for n in range(1, 8)]


def test_an_image_of_the_cloze_text_becomes_media_of_the_draft(draft):
    report = questions_import(version=draft, parsed=parsed_xml())
    assert list(MediaAsset.objects.filter(version=draft).values_list("path", flat=True)) == ["media/ecg.png"]
    assert [(line.where, line.status) for line in report.media] == [("question 3 (Sepsis screen)", "imported")]


# ---------------------------------------------------------------- text files


def test_a_cloze_text_file_is_read_as_cloze_not_gift():
    (case,) = parsed_file("cloze.txt").cases
    assert [item["type"] for item in case["items"]] == [
        "single_choice", "single_choice", "short_answer", "numeric", "multiple_choice"]


def test_a_cloze_text_file_keeps_its_lines_in_the_vignette():
    (case,) = parsed_file("cloze.txt").cases
    assert case["vignette"] == (
        "Select the state each city is in.\nSan Francisco: (1)\nTucson: (2)\nThe capital of France is (3)\n"
        "Pi to two decimals is (4); tick the prime numbers: (5).")


def test_a_cloze_text_file_question_is_named_from_its_first_words():
    (case,) = parsed_file("cloze.txt").cases
    assert case["title"] == "Select the state each city is in. San…"


def test_an_item_whose_gap_stands_at_the_end_of_a_line_quotes_that_line():
    (case,) = parsed_file("cloze.txt").cases
    assert case["items"][1]["prompt"] == "Gap (2): Tucson: (2)"


def test_a_numerical_gap_of_a_text_file_keeps_its_tolerance():
    (case,) = parsed_file("cloze.txt").cases
    assert case["items"][3]["key"] == {"value": 3.14, "tolerance_abs": 0.005}


def test_titles_split_a_cloze_text_file_into_questions():
    assert [(case["title"], len(case["items"])) for case in parsed_file("cloze_titled.txt").cases] == [
        ("Kidney", 2), ("Heart", 1)]


def test_a_cloze_question_among_gift_ones_becomes_a_case_of_its_own():
    gift, cloze = parsed_file("cloze_in_gift.gift").cases
    assert [item["slug"] for item in gift["items"]] == ["plain-gift"]
    assert (cloze["title"], cloze["vignette"], cloze["items"][0]["type"]) == (
        "Cloze line", "The capital of France is (1).", "short_answer")


def test_an_html_cloze_text_is_made_markdown():
    parsed = question_file_parse(data=b"<p>The <b>marker</b> is {1:SA:=creatinine}.</p>", name="c.txt",
                                 competency="VER")
    assert parsed.cases[0]["vignette"] == "The **marker** is (1)."


def test_a_gap_the_text_does_not_show_still_gets_a_prompt_naming_it():
    parsed = question_file_parse(data=b'<p title="{1:SA:=hidden}">Shown {1:SA:=seen}.</p>', name="c.txt",
                                 competency="VER")
    assert [item["prompt"] for item in parsed.cases[0]["items"]] == ["Gap (1)", "Gap (2): Shown (2)."]


def test_a_gap_in_a_long_line_quotes_only_the_sentences_around_it():
    sentences = [f"Sentence {n} is here to make this line longer than it should be." for n in range(1, 9)]
    sentences[4] = "The marker is {1:SA:=creatinine}."
    parsed = question_file_parse(data=" ".join(sentences).encode(), name="c.txt", competency="VER")
    assert parsed.cases[0]["items"][0]["prompt"] == (
        "Gap (1): Sentence 4 is here to make this line longer than it should be. The marker is (1). "
        "Sentence 6 is here to make this line longer than it should be.")


def test_windows_line_ends_of_a_cloze_text_file_are_read_as_line_ends():
    parsed = question_file_parse(data=b"First line\r\nThe marker is {1:SA:=creatinine}.\r\n", name="c.txt",
                                 competency="VER")
    assert parsed.cases[0]["vignette"] == "First line\nThe marker is (1)."


def test_the_studio_import_page_imports_a_cloze_text_file(draft, author):
    client = Client()
    client.force_login(author)
    upload = io.BytesIO((FIXTURES / "cloze.txt").read_bytes())
    upload.name = "cities.txt"
    response = client.post(reverse("studio:questions-import", args=[draft.course.slug]),
                           {"file": upload, "competency": "VER", "module_title": "Cloze"})
    assert response.status_code == 200
    assert list(Item.objects.filter(case__module__title="Cloze").order_by("position").values_list("type", flat=True)) == [
        "single_choice", "single_choice", "short_answer", "numeric", "multiple_choice"]


def test_a_nameless_multianswer_question_is_titled_by_its_first_words_and_its_web_image_reported_once():
    parsed = parse_moodle_xml(
        b'<quiz><question type="multianswer"><name><text></text></name><questiontext format="html"><text>'
        b'<![CDATA[<p>The marker of AKI is {1:SA:=creatinine}.</p><img src="https://example.org/a.png">]]>'
        b'</text></questiontext></question></quiz>', source_name="c.xml", competency="VER")
    assert parsed.cases[0]["title"] == "The marker of AKI is …."
    assert [line.status for line in parsed.media] == ["linked"]
