"""The multiple_choice unit: its answer parser, its editor parsing and analysis."""
from quizzes.items.multiple_choice import unit

from .helpers import form

SPEC = {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]}


def test_an_answer_is_the_ticked_options_in_their_order():
    assert unit.parse_answer(SPEC, form(answers=["c", "a"])).payload == {"answers": ["c", "a"]}


def test_ticking_nothing_is_an_answer():
    parsed = unit.parse_answer(SPEC, form())
    assert parsed.payload == {"answers": []} and parsed.errors == {}


def test_the_editor_reads_the_right_options_and_their_weights():
    spec, key, errors = unit.parse_editor(form(**{
        "options-0-text": "A", "options-0-correct": "on", "options-0-weight": "0,5",
        "options-1-text": "B", "options-1-weight": "−1", "options-2-text": "C", "options-2-correct": "on",
    }))
    assert [o["id"] for o in spec["options"]] == ["a", "b", "c"]
    assert key == {"correct": ["a", "c"], "weights": {"a": 0.5, "b": -1}} and errors == {}


def test_the_editor_leaves_the_weights_out_when_none_is_given():
    _spec, key, _errors = unit.parse_editor(form(**{"options-0-text": "A", "options-0-correct": "on",
                                                    "options-1-text": "B"}))
    assert key == {"correct": ["a"]}


def test_the_editor_refuses_a_weight_that_is_not_a_number_at_its_option():
    _spec, _key, errors = unit.parse_editor(form(**{"options-0-text": "A", "options-1-text": "B",
                                                    "options-1-weight": "heavy"}))
    assert errors == {"key.weights.b": ["must be a number"]}


def test_the_analysis_counts_each_ticked_option():
    assert unit.analysis_options(SPEC, {"correct": ["a", "c"]}) == [("a", "A", True), ("b", "B", False),
                                                                      ("c", "C", True)]
    assert unit.chosen(SPEC, {"answers": ["a", 3, "b"]}) == ["a", "b"]
