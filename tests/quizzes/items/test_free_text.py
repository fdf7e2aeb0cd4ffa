"""The free_text unit: its answer parser and its editor parsing."""
from quizzes.items.free_text import unit

from .helpers import form


def test_an_answer_is_the_text_with_unix_line_ends():
    assert unit.parse_answer({}, form(text="First.\r\nSecond.")).payload == {"text": "First.\nSecond."}


def test_a_blank_answer_is_refused_at_the_text():
    parsed = unit.parse_answer({}, form(text=" \r\n "))
    assert parsed.payload is None and parsed.errors == {"text": ["Write your answer."]}


def test_the_editor_reads_the_criteria_with_their_points_and_look_for_groups():
    spec, key, errors = unit.parse_editor(form(**{
        "max_words": "150", "auto": "on",
        "criteria-0-id": "", "criteria-0-text": "Names the error", "criteria-0-points": "1,5",
        "criteria-0-look_for": "allergy | allergic\npenicillin",
        "criteria-1-id": "fix", "criteria-1-text": "Proposes a fix", "criteria-1-points": "1", "criteria-1-look_for": "",
    }))
    assert spec == {"max_words": 150, "auto": True}
    assert key == {"criteria": [
        {"id": "criterion-1", "text": "Names the error", "points": 1.5, "look_for": [["allergy", "allergic"], ["penicillin"]]},
        {"id": "fix", "text": "Proposes a fix", "points": 1},
    ]} and errors == {}


def test_the_editor_refuses_a_criterion_without_points():
    _spec, _key, errors = unit.parse_editor(form(**{"criteria-0-text": "Names the error", "criteria-0-points": ""}))
    assert errors == {"key.criteria[0].points": ["this field is required"]}


def test_the_editor_refuses_a_word_limit_that_is_not_whole():
    _spec, _key, errors = unit.parse_editor(form(max_words="12.5"))
    assert errors == {"spec.max_words": ["must be a whole number"]}


def test_a_confirmed_grade_is_kept_by_a_regrade():
    assert unit.marked_by_faculty is True
