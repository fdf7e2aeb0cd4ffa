"""The single_choice unit: its answer parser, its editor parsing, its feedback and analysis."""
from quizzes.items.base import FeedbackContext
from quizzes.items.single_choice import unit

from .helpers import form

CBM = {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "certainty": True}


def test_an_answer_is_the_chosen_option():
    assert unit.parse_answer({}, form(answer="b")).payload == {"answer": "b"}


def test_a_certainty_is_read_as_a_whole_number():
    assert unit.parse_answer(CBM, form(answer="b", certainty="3")).payload == {"answer": "b", "certainty": 3}


def test_a_certainty_posted_for_an_item_without_cbm_is_passed_on_for_the_grader_to_judge():
    assert unit.parse_answer({}, form(answer="a", certainty="2")).payload == {"answer": "a", "certainty": 2}


def test_no_option_chosen_is_refused_at_the_answer():
    parsed = unit.parse_answer({}, form())
    assert parsed.payload is None and parsed.errors == {"answer": ["Choose an answer."]}


def test_a_missing_certainty_is_refused_when_the_item_asks_for_one():
    parsed = unit.parse_answer(CBM, form(answer="a"))
    assert parsed.payload is None and parsed.errors == {"certainty": ["Say how sure you are of your answer."]}


def test_a_certainty_that_is_not_a_number_is_refused():
    parsed = unit.parse_answer(CBM, form(answer="a", certainty="very"))
    assert parsed.errors == {"certainty": ["Choose a certainty of 1, 2 or 3."]}


def test_a_refused_form_keeps_what_was_posted():
    assert unit.parse_answer(CBM, form(answer="a", certainty="very")).values == {"answer": "a", "certainty": "very"}


def test_the_editor_gives_blank_option_ids_the_first_free_letters():
    spec, key, errors = unit.parse_editor(form(**{
        "options-0-id": "", "options-0-text": "Yes", "options-1-id": "a", "options-1-text": "No", "answer": "0",
    }))
    assert spec == {"options": [{"id": "b", "text": "Yes"}, {"id": "a", "text": "No"}]}
    assert key == {"answer": "b"} and errors == {}


def test_the_editor_reads_certainty_based_marking():
    spec, _key, _errors = unit.parse_editor(form(**{
        "options-0-text": "Yes", "options-1-text": "No", "answer": "1", "certainty": "on",
    }))
    assert spec["certainty"] is True


def test_the_editor_ignores_blank_option_rows():
    spec, key, _errors = unit.parse_editor(form(**{
        "options-0-text": "Yes", "options-1-text": " ", "options-2-text": "No", "answer": "2",
    }))
    assert [o["text"] for o in spec["options"]] == ["Yes", "No"] and key == {"answer": "b"}


def test_the_editor_refuses_a_key_without_the_right_option():
    _spec, key, errors = unit.parse_editor(form(**{"options-0-text": "Yes", "options-1-text": "No"}))
    assert key == {} and errors == {"key.answer": ["mark the right option"]}


def test_the_feedback_shows_the_chosen_option_s_label():
    ctx = FeedbackContext(response=None, spec={}, answer={"answer": "b"}, options={"b": "Bee"}, key=None, grade=None,
                          due=False)
    assert unit.feedback_view(ctx) == {"own": [("Your answer", "Bee")]}


def test_the_feedback_shows_the_key_once_due():
    ctx = FeedbackContext(response=None, spec={}, answer={"answer": "a"}, options={"a": "A", "b": "Bee"},
                          key={"answer": "b"}, grade=None, due=True)
    assert unit.feedback_view(ctx)["key"] == {"answer": "Bee"}


def test_the_analysis_counts_the_chosen_option_against_the_key():
    assert unit.analysis_options(CBM, {"answer": "b"}) == [("a", "A", False), ("b", "B", True)]
    assert unit.chosen(CBM, {"answer": "b"}) == ["b"]


def test_the_key_names_the_other_right_options_too():
    ctx = FeedbackContext(response=None, spec={}, answer={"answer": "a"}, options={"a": "A", "b": "Bee", "c": "Sea"},
                          key={"answer": "b", "also_right": ["c"]}, grade=None, due=True)
    assert unit.feedback_view(ctx)["key"] == {"answer": "Bee", "also_right": ["Sea"]}


def test_the_analysis_counts_every_right_option_as_the_key():
    spec = {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]}
    assert unit.analysis_options(spec, {"answer": "b", "also_right": ["c"]}) == [
        ("a", "A", False), ("b", "B", True), ("c", "C", True)]


def test_the_key_summary_names_the_other_right_options_and_each_options_feedback():
    spec = {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]}
    assert unit.key_summary(spec, {"answer": "b", "also_right": ["c"], "feedback": {"a": "Too late."}}, "") == [
        "Right answer: b. B", "Also right: c. C", "Feedback when a. A is chosen: Too late."]


def test_the_editor_reads_each_option_s_feedback_and_the_options_right_as_well():
    _spec, key, errors = unit.parse_editor(form(**{
        "options-0-text": "Adrenaline", "options-0-feedback": "No.\r\nIt is the other one.",
        "options-1-text": "Noradrenaline", "options-2-text": "Norepinephrine", "options-2-also_right": "on",
        "options-2-feedback": "  ", "answer": "1"}))
    assert key == {"answer": "b", "also_right": ["c"], "feedback": {"a": "No.\nIt is the other one."}} and not errors


def test_the_editor_keeps_an_option_row_with_only_feedback_so_its_missing_text_is_reported():
    spec, _key, _errors = unit.parse_editor(form(**{"options-0-text": "Yes", "options-1-feedback": "Why?",
                                                   "answer": "0"}))
    assert spec["options"] == [{"id": "a", "text": "Yes"}, {"id": "b", "text": ""}]
