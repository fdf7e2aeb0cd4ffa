"""The numeric unit: its answer parser (the shared number rules), its editor parsing and feedback."""
import pytest

from quizzes.items.base import FeedbackContext
from quizzes.items.numeric import unit

from .helpers import form

NOT_A_NUMBER = "Enter a number, such as 9.2 (digits, with a decimal point or comma)."


@pytest.mark.parametrize(("typed", "value"), [("9.2", 9.2), ("9,2", 9.2), ("−9.2", -9.2), ("1 234,5", 1234.5),
                                              ("12", 12)])
def test_an_answer_is_the_number_typed(typed, value):
    assert unit.parse_answer({}, form(value=typed)).payload == {"value": value}


def test_a_whole_number_typed_without_a_decimal_sign_stays_whole():
    assert type(unit.parse_answer({}, form(value="1 000")).payload["value"]) is int


def test_an_empty_answer_is_refused_at_the_value():
    parsed = unit.parse_answer({}, form(value="  "))
    assert parsed.payload is None and parsed.errors == {"value": ["Enter a number."]}


@pytest.mark.parametrize("typed", ["1,234.5", "about 9", "12 34", "inf"])
def test_an_unreadable_number_is_refused_at_the_value(typed):
    parsed = unit.parse_answer({}, form(value=typed))
    assert parsed.payload is None and parsed.errors == {"value": [NOT_A_NUMBER]}


def test_a_refused_number_is_shown_again_as_typed():
    assert unit.parse_answer({}, form(value="1,234.5")).values == {"value": "1,234.5"}


def test_the_editor_reads_the_value_its_tolerances_and_unit():
    spec, key, errors = unit.parse_editor(form(unit=" % ", value="9,2", tolerance_abs="0.5", tolerance_rel=""))
    assert spec == {"unit": "%"} and key == {"value": 9.2, "tolerance_abs": 0.5} and errors == {}


def test_the_editor_reads_thousands_and_the_unicode_minus():
    _spec, key, _errors = unit.parse_editor(form(value="−1 234,5"))
    assert key == {"value": -1234.5}


def test_the_editor_refuses_a_missing_value():
    _spec, key, errors = unit.parse_editor(form(value=""))
    assert key == {"value": None} and errors == {"key.value": ["this field is required"]}


def test_the_editor_refuses_a_tolerance_that_is_not_a_number():
    _spec, _key, errors = unit.parse_editor(form(value="1", tolerance_rel="5 %"))
    assert errors == {"key.tolerance_rel": ["must be a number"]}


def test_the_feedback_shows_the_answer_with_its_unit_and_the_key_with_its_tolerance():
    ctx = FeedbackContext(response=None, spec={"unit": "%"}, answer={"value": 9.25}, options={},
                          key={"value": 9.2, "tolerance_rel": 0.05}, grade=None, due=True)
    view = unit.feedback_view(ctx)
    assert view["own"] == [("Your answer", "9.25 %")]
    assert view["key"] == {"value": "9.2 %", "tolerance_abs": None, "tolerance_rel": "5%"}


def test_the_key_shows_the_values_that_earn_part_of_the_marks_but_not_the_known_wrong_ones():
    ctx = FeedbackContext(response=None, spec={"unit": "%"}, answer={"value": 8}, options={}, grade=None, due=True,
                          key={"value": 9.2, "answers": [{"value": 9, "tolerance_abs": 2, "fraction": 0.5},
                                                         {"value": 98, "fraction": 0, "feedback": "No."}]})
    assert unit.feedback_view(ctx)["key"]["partial"] == [{"value": "9 %", "tolerance_abs": 2, "percent": "50%"}]


def test_the_editor_reads_the_right_value_s_feedback_and_the_other_answers():
    _spec, key, errors = unit.parse_editor(form(**{
        "value": "9.2", "feedback": "Right.", "answers-0-value": "9", "answers-0-tolerance": "1",
        "answers-0-percent": "50", "answers-0-feedback": "Close.", "answers-1-value": "", "answers-1-feedback": "No.",
        "answers-2-value": "", "answers-2-tolerance": "", "answers-2-percent": "", "answers-2-feedback": ""}))
    assert errors == {} and key == {"value": 9.2, "feedback": "Right.", "answers": [
        {"value": 9, "tolerance_abs": 1, "fraction": 0.5, "feedback": "Close."}, {"fraction": 0, "feedback": "No."}]}


def test_the_editor_refuses_an_other_answer_s_unreadable_fields_and_keeps_them_as_typed():
    _spec, key, errors = unit.parse_editor(form(**{"value": "9.2", "answers-0-value": "nine",
                                                  "answers-0-tolerance": "±1", "answers-0-percent": "120"}))
    assert errors == {"key.answers[0].value": ["must be a number"], "key.answers[0].tolerance_abs": ["must be a number"],
                      "key.answers[0].fraction": ["must be from 0 to 100 (per cent of the marks)"]}
    assert key["answers"] == [{"value": "nine", "tolerance_abs": "±1", "fraction": 1.2}]
