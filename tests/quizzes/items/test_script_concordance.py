"""The script_concordance unit: its answer parser, its editor parsing and analysis."""
import pytest

from quizzes.items.script_concordance import unit

from .helpers import form


@pytest.mark.parametrize(("posted", "value"), [("-2", -2), ("−1", -1), ("0", 0), ("+1", 1), ("2", 2)])
def test_an_answer_is_a_point_of_the_scale(posted, value):
    assert unit.parse_answer({}, form(value=posted)).payload == {"value": value}


def test_no_point_chosen_is_refused_at_the_value():
    parsed = unit.parse_answer({}, form())
    assert parsed.payload is None and parsed.errors == {"value": ["Choose a point on the scale."]}


@pytest.mark.parametrize("posted", ["likely", "1.5"])
def test_a_point_that_is_not_a_whole_number_is_refused(posted):
    parsed = unit.parse_answer({}, form(value=posted))
    assert parsed.errors == {"value": ["Choose a point from -2 to +2 on the scale."]}


def test_the_editor_reads_the_hypothesis_and_the_panel_with_missing_votes_as_zero():
    spec, key, errors = unit.parse_editor(form(hypothesis=" Sepsis ", new_information="CRP is 3",
                                               panel_m2="1", panel_p1="4", panel_p2="2"))
    assert spec == {"hypothesis": "Sepsis", "new_information": "CRP is 3"}
    assert key == {"panel": {"-2": 1, "-1": 0, "0": 0, "1": 4, "2": 2}} and errors == {}


def test_the_editor_refuses_votes_that_are_not_whole_at_their_point():
    _spec, key, errors = unit.parse_editor(form(panel_p1="1.5"))
    assert key["panel"]["1"] == 0 and errors == {"key.panel.1": ["must be a whole number"]}


def test_the_analysis_counts_points_against_the_panel_s_modal_answer():
    options = unit.analysis_options({}, {"panel": {"-2": 0, "-1": 1, "0": 0, "+1": 4, "2": 4}})
    assert [(option_id, is_key) for option_id, _text, is_key in options] == [
        ("-2", False), ("-1", False), ("0", False), ("+1", True), ("+2", True)]
    assert unit.chosen({}, {"value": 1}) == ["+1"] and unit.chosen({}, {"value": 0}) == ["0"]
