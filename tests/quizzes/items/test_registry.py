"""The registry of item-type units: every type has one, and every unit has the same interface."""
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import get_template

from courses.models import Item
from quizzes import graders, items
from quizzes.items import ANSWER_FIELDS, ITEM_TYPES, ItemUnit, unit_for, units
from quizzes.items.base import FeedbackContext, FormContext, ParsedAnswer

ROOT = Path(__file__).resolve().parents[3]
INTERFACE = (
    "type", "grader", "answer_fields", "widget_template", "key_template", "needs_artifact", "artifact_kinds",
    "distractors", "marked_by_faculty", "validate_key", "validate_answer", "grade", "grading_answer",
    "parse_answer", "read_answer", "parse_unaided", "parse_editor", "key_summary", "form_view", "feedback_view",
    "analysis_options", "chosen", "accepted_ai", "analysis_spans",
)
MUST_OVERRIDE = ("read_answer", "parse_editor", "feedback_view")


def test_every_item_type_of_the_model_has_a_unit():
    assert set(ITEM_TYPES) == set(Item.Type.values)


def test_the_units_are_those_of_the_graders_in_the_same_order():
    assert ITEM_TYPES == graders.ITEM_TYPES


@pytest.mark.parametrize("item_type", Item.Type.values)
def test_a_unit_is_found_by_its_type(item_type):
    assert unit_for(item_type).type == item_type


def test_a_unit_is_found_by_the_model_s_choice():
    assert unit_for(Item.Type.NUMERIC) is unit_for("numeric")


@pytest.mark.parametrize("item_type", ["essay", "", None, 3])
def test_an_unknown_type_has_no_unit(item_type):
    with pytest.raises(ValueError, match="unknown item type"):
        unit_for(item_type)


@pytest.mark.parametrize("unit", units(), ids=str)
def test_each_unit_lives_in_the_module_named_after_its_type(unit):
    assert getattr(items, unit.type).unit is unit


@pytest.mark.parametrize("unit", units(), ids=str)
def test_each_unit_names_the_pure_grader_of_its_type(unit):
    assert unit.grader is graders.grader_for(unit.type)


@pytest.mark.parametrize("unit", units(), ids=str)
def test_each_unit_exposes_the_same_interface(unit):
    assert isinstance(unit, ItemUnit)
    assert [name for name in INTERFACE if not hasattr(unit, name)] == []


@pytest.mark.parametrize("unit", units(), ids=str)
def test_each_unit_implements_its_parsers_and_presenter(unit):
    assert [name for name in MUST_OVERRIDE if getattr(type(unit), name) is getattr(ItemUnit, name)] == []


@pytest.mark.parametrize("unit", units(), ids=str)
def test_each_unit_s_templates_exist(unit):
    get_template(unit.widget_template)
    if unit.key_template is not None:
        get_template(unit.key_template)


@pytest.mark.parametrize("unit", units(), ids=str)
def test_each_unit_reads_at_least_one_answer_field(unit):
    assert unit.answer_fields and set(unit.answer_fields) <= set(ANSWER_FIELDS)


def test_the_answer_fields_are_those_the_trainee_forms_post():
    assert set(ANSWER_FIELDS) == {"answer", "answers", "certainty", "value", "text", "decision", "confidence", "spans", "pairs"}


@pytest.mark.parametrize("unit", units(), ids=str)
def test_each_unit_parses_an_empty_form_into_errors_not_an_exception(unit):
    from tests.quizzes.items.helpers import form

    parsed = unit.parse_answer({}, form())
    assert isinstance(parsed, ParsedAnswer) and (parsed.payload is None) == bool(parsed.errors)


@pytest.mark.parametrize("unit", units(), ids=str)
def test_each_unit_parses_an_empty_editor_into_a_spec_and_a_key(unit):
    from tests.quizzes.items.helpers import form

    spec, key, errors = unit.parse_editor(form())
    assert isinstance(spec, dict) and isinstance(key, dict) and isinstance(errors, dict)


def test_the_contexts_of_the_presenters_are_exported():
    assert items.FeedbackContext is FeedbackContext and items.FormContext is FormContext


def test_the_graders_still_import_no_django():
    code = "import sys, quizzes.graders; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}).returncode == 0
