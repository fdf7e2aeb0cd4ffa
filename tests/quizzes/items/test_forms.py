"""quizzes.forms, the trainee pages' entry: each item is parsed by the unit of its type."""
from quizzes import forms
from tests.factories import ItemFactory

from .helpers import form


def test_an_answer_is_parsed_by_the_unit_of_the_item_s_type():
    item = ItemFactory.build(type="numeric", spec={})
    assert forms.parse_answer(item, form(value="−9,2")).payload == {"value": -9.2}


def test_an_item_without_a_spec_is_parsed_as_an_empty_one():
    item = ItemFactory.build(type="single_choice", spec=None)
    assert forms.parse_answer(item, form(answer="a")).payload == {"answer": "a"}


def test_an_unaided_answer_is_parsed_for_a_decide_first_item():
    item = ItemFactory.build(type="reliance_decision", spec={"decide_first": True})
    assert forms.parse_unaided(item, form(answer="wait")).payload == {"answer": "wait"}


def test_service_errors_land_on_the_fields_the_units_read():
    placed = forms.place_errors({"answer.confidence": ["too high"], "answer.spans[2].label": ["no such mode"],
                                 "answer.colour": ["unknown field"]})
    assert placed.fields == {"confidence": ["too high"]} and placed.spans == {2: {"label": ["no such mode"]}}
    assert placed.general == ["colour: unknown field"]
