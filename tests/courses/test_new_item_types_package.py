"""short_answer and matching items in course packages: validated by their graders at their
paths, written in the canonical form and read back identically."""

import pytest

from courses.models import Course, Item, ItemKey
from courses.packages.errors import PackageError
from courses.packages.exporter import course_package_export
from courses.services import course_package_import

from .test_export import empty_the_database, files_of

pytestmark = pytest.mark.django_db

SHORT = {
    "slug": "aki", "type": "short_answer", "prompt": "What does AKI stand for?", "competencies": ["VER"],
    "failure_modes": [],
    "key": {"answers": [{"text": "acute kidney injury", "fraction": 1, "feedback": "Right."},
                        {"text": "*renal*", "fraction": 0.5}], "case_sensitive": True},
}
MATCHING = {
    "slug": "formulas", "type": "matching", "prompt": "Match each measure with its formula.", "competencies": ["APR"],
    "failure_modes": [],
    "spec": {"stems": [{"id": "s1", "text": "Sensitivity"}, {"id": "s2", "text": "Specificity"}],
             "choices": [{"id": "c1", "text": "TN/(TN+FP)"}, {"id": "c2", "text": "TP/(TP+FN)"},
                         {"id": "c3", "text": "TP/(TP+FP)"}]},
    "key": {"pairs": {"s1": "c2", "s2": "c1"}},
}


def add_items(*items):
    def change(data):
        data["modules"][0]["cases"][0]["items"].extend(items)
    return change


def test_a_package_with_both_types_round_trips_identically(package, edit, tmp_path):
    edit(add_items(SHORT, MATCHING))
    course_package_import(path=package, publish=True)
    course_package_export(course=Course.objects.get(), path=tmp_path / "first")
    empty_the_database()
    course_package_import(path=tmp_path / "first")
    course_package_export(course=Course.objects.get(), path=tmp_path / "second")
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")
    assert ItemKey.objects.get(item__slug="aki").answer == SHORT["key"]
    assert Item.objects.get(slug="formulas").spec == MATCHING["spec"]


def test_the_export_writes_the_keys_in_the_documented_order(package, edit, tmp_path):
    edit(add_items(SHORT))
    course_package_import(path=package)
    text = course_package_export(course=Course.objects.get(), path=tmp_path / "out").read_text(encoding="utf-8")
    assert "- text: acute kidney injury\n                  fraction: 1\n                  feedback: Right.\n" in text


@pytest.mark.parametrize(("item", "path"), [
    ({**SHORT, "key": {"answers": [{"text": "half", "fraction": 0.5}]}}, "key.answers"),
    ({**SHORT, "key": {"answers": [{"text": "a", "fraction": 2}]}}, "key.answers[0].fraction"),
    ({**MATCHING, "key": {"pairs": {"s1": "c9", "s2": "c1"}}}, "key.pairs.s1"),
    ({**MATCHING, "key": {"pairs": {"s1": "c2"}}}, "key.pairs.s2"),
])
def test_a_package_key_the_grader_refuses_is_reported_at_its_path(package, edit, item, path):
    edit(add_items(item))
    with pytest.raises(PackageError) as error:
        course_package_import(path=package)
    assert any(where.endswith(path) for where, _message in error.value.errors), error.value.errors
