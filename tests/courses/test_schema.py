"""docs/course-package.schema.json on its own: a valid schema that accepts valid packages."""
import yaml
from jsonschema import Draft202012Validator

from courses.packages.schema import load_schema, schema_problems

from .conftest import PACKAGES


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(load_schema())


def test_the_schema_alone_accepts_the_minimal_package():
    data = yaml.safe_load((PACKAGES / "minimal" / "course.yaml").read_text(encoding="utf-8"))

    assert schema_problems(data) == []


def test_the_schema_checks_keys_per_item_type():
    data = yaml.safe_load((PACKAGES / "minimal" / "course.yaml").read_text(encoding="utf-8"))
    data["modules"][1]["cases"][0]["items"][2]["key"]["panel"].pop("2")

    assert schema_problems(data) == [("modules[1].cases[0].items[2].key.panel.2", "this field is required")]
