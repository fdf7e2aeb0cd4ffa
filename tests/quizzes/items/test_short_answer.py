"""The short answer unit: its answer parser, its editor parsing and its feedback."""
from types import SimpleNamespace

from quizzes.items.base import FeedbackContext
from quizzes.items.short_answer import unit

from .helpers import form

KEY = {"answers": [{"text": "AKI", "fraction": 1, "feedback": "Right."},
                   {"text": "*renal*", "fraction": 0.5, "feedback": "Name the acute form."}]}


def test_an_answer_is_the_text_typed():
    assert unit.parse_answer({}, form(text=" AKI ")).payload == {"text": " AKI "}


def test_a_blank_answer_is_refused_at_the_text():
    parsed = unit.parse_answer({}, form(text="  "))
    assert parsed.payload is None and parsed.errors == {"text": ["Type your answer."]}


def test_a_too_long_answer_is_refused_and_shown_again():
    parsed = unit.parse_answer({}, form(text="a" * 1001))
    assert parsed.payload is None and list(parsed.errors) == ["text"] and parsed.values == {"text": "a" * 1001}


def test_the_editor_reads_answers_with_marks_in_percent_and_feedback():
    spec, key, errors = unit.parse_editor(form(**{
        "answers-0-text": " AKI ", "answers-0-percent": "", "answers-0-feedback": "Right.",
        "answers-1-text": "*renal*", "answers-1-percent": "50", "answers-1-feedback": "",
        "answers-2-text": "", "answers-2-percent": "", "answers-2-feedback": "",
        "case_sensitive": "on",
    }))
    assert spec == {} and errors == {} and key == {"answers": [
        {"text": "AKI", "fraction": 1, "feedback": "Right."}, {"text": "*renal*", "fraction": 0.5},
    ], "case_sensitive": True}


def test_the_editor_reads_a_third_of_the_marks():
    _spec, key, _errors = unit.parse_editor(form(**{"answers-0-text": "a", "answers-0-percent": "33,33333"}))
    assert key["answers"][0]["fraction"] == 0.333333


def test_the_editor_refuses_marks_that_are_not_a_number_at_the_answer_s_path():
    _spec, _key, errors = unit.parse_editor(form(**{"answers-0-text": "a", "answers-0-percent": "half"}))
    assert errors == {"key.answers[0].fraction": ["must be a number"]}


def test_the_key_summary_lists_the_accepted_answers():
    assert unit.key_summary({}, {**KEY, "case_sensitive": True}, "") == [
        "Accepted: AKI (100%)", "Accepted: *renal* (50%)", "Case must match."]


def test_the_feedback_shows_the_answer_and_no_key_before_it_is_due():
    ctx = FeedbackContext(response=None, spec={}, answer={"text": "renal failure"}, options={}, key=None,
                          grade=SimpleNamespace(detail={"matched": 1}), due=False)
    assert unit.feedback_view(ctx) == {"own": [("Your answer", "renal failure")]}


def test_the_feedback_when_due_shows_every_accepted_answer_and_the_matched_one_s_feedback():
    ctx = FeedbackContext(response=None, spec={}, answer={"text": "renal failure"}, options={}, key=KEY,
                          grade=SimpleNamespace(detail={"matched": 1}), due=True)
    key = unit.feedback_view(ctx)["key"]
    assert key["matched_feedback"] == "Name the acute form."
    assert [(r["text"], r["percent"], r["matched"]) for r in key["rows"]] == [("AKI", "100%", False),
                                                                              ("*renal*", "50%", True)]
