"""Aiken question files: recognised by their content, imported as single-choice items, and
each malformed question reported with its line (courses.packages.aiken)."""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courses.models import Item, Module
from courses.packages.aiken import looks_like_aiken, parse_aiken
from courses.packages.errors import PackageError
from courses.question_import import question_file_parse
from courses.rendering import render_markdown
from courses.services import course_create
from schools.models import Role
from tests.courses.test_moodle_gift import post_questions
from tests.factories import MembershipFactory

FIXTURES = Path(__file__).parent / "fixtures"
BANK = (FIXTURES / "aiken" / "bank.txt").read_bytes()
MALFORMED = (FIXTURES / "aiken" / "malformed.txt").read_bytes()


def parse(data: bytes):
    return parse_aiken(data, source_name="bank.txt", competency="OVS")


@pytest.fixture
def author(db):
    return MembershipFactory(role=Role.FACULTY).user


@pytest.fixture
def draft(author):
    return course_create(slug="aiken", title="Aiken", language="en", user=author).versions.get()


def test_aiken_questions_become_single_choice_items():
    (case,) = parse(BANK).cases
    first = case["items"][0]
    assert [i["type"] for i in case["items"]] == ["single_choice"] * 3
    assert first["key"] == {"answer": "b"} and first["spec"]["options"][1]["text"] == (
        "Its confidence matches how often it is right")


def test_options_may_end_with_a_parenthesis_and_the_text_span_lines():
    second = parse(BANK).cases[0]["items"][1]
    assert second["prompt"] == "A model flags sepsis in a patient with a normal lactate.\nWhat do you do first?"
    assert [o["text"] for o in second["spec"]["options"]][0] == "Start the bundle at once"


def test_the_plain_text_shows_as_written():
    third = parse(BANK).cases[0]["items"][2]
    assert "Iterable&lt;Item&gt;" in render_markdown(third["prompt"])


@pytest.mark.parametrize("reason", [
    "line 3: ANSWER comes after fewer than two options",
    "line 8: the answer C is not one of the options A, B",
    "line 13: an ANSWER: line was expected after the options, not more text",
    "the file ends before its ANSWER: line",
])
def test_each_malformed_question_is_reported_with_its_line(reason):
    parsed = parse(MALFORMED)
    assert any(reason in s.reason for s in parsed.skipped)


def test_the_well_formed_question_of_a_malformed_file_is_imported():
    parsed = parse(MALFORMED)
    assert [i["prompt"] for c in parsed.cases for i in c["items"]] == ["A good question"]


def test_an_option_before_any_question_is_reported_with_its_line():
    parsed = parse(b"A. Orphan\nB. Option\nANSWER: A\n")
    assert parsed.skipped[0].where == "line 1" and "before any question text" in parsed.skipped[0].reason


@pytest.mark.parametrize("name", ["bank.txt", "bank.gift", ""])
def test_an_aiken_file_is_recognised_by_its_content(name):
    parsed = question_file_parse(data=BANK, name=name, competency="OVS")
    assert parsed.count == 3 and parsed.skipped == []


@pytest.mark.parametrize("path", sorted((FIXTURES / "gift").glob("*.gift")), ids=lambda p: p.name)
def test_gift_files_are_not_taken_for_aiken(path):
    assert not looks_like_aiken(path.read_bytes())


def test_an_aiken_file_in_windows_1252_is_converted():
    data = "Quel est le « bon » choix de l’IA ?\nA. Café\nB. Thé\nANSWER: A\n".encode("cp1252")
    parsed = parse(data)
    assert parsed.cases[0]["items"][0]["spec"]["options"][0]["text"] == "Café"
    assert "Windows-1252" in parsed.notes[0].reason


def post(author, draft, data: bytes, name: str):
    return post_questions(author, draft, data, name, competency="OVS", module_title="Aiken bank")


def test_the_import_page_imports_an_aiken_file(author, draft):
    response = post(author, draft, BANK, "bank.txt")
    assert response.status_code == 200 and "3 questions were imported" in response.content.decode()
    module = Module.objects.get(version=draft, title="Aiken bank")
    assert Item.objects.filter(case__module=module, type="single_choice").count() == 3


def test_the_import_page_names_the_lines_of_a_file_with_nothing_importable(author, draft):
    response = post(author, draft, b"Lonely question\nA. Only option\nANSWER: A\n", "bad.txt")
    page = response.content.decode()
    assert response.status_code == 400 and "line 3: ANSWER comes after fewer than two options" in page
    assert not Module.objects.filter(version=draft).exists()


AIKEN_ALPHABET = st.sampled_from(["A. ", "B) ", "C. ", "ANSWER: ", "ANSWER:", "\n", "\n\n", "text", "?", " ", "A", "B"])


@settings(max_examples=300, deadline=None)
@given(st.lists(AIKEN_ALPHABET, max_size=40).map("".join))
def test_any_text_is_imported_or_refused_with_a_reason(text):
    try:
        parsed = parse(text.encode())
    except PackageError as exc:
        assert exc.errors
        return
    assert all(s.reason for s in parsed.skipped)
    assert all(item["type"] == "single_choice" for case in parsed.cases for item in case["items"])


def test_a_moodle_xml_file_with_a_byte_order_mark_is_not_taken_for_gift_or_aiken():
    data = b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?><quiz></quiz>'
    parsed = question_file_parse(data=data, name="bank.txt", competency="OVS")
    assert parsed.count == 0 and parsed.skipped == []  # read as Moodle XML: an empty quiz
