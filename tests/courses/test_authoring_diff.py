"""The diff between two versions: added, removed, changed (with the fields, keys included), moved."""
import copy
from pathlib import Path

import pytest
import yaml

from courses.diff import document_diff, version_diff
from courses.models import ItemKey
from courses.services import course_version_create_draft
from tests.factories import UserFactory

MINIMAL = yaml.safe_load((Path(__file__).parent / "packages" / "minimal" / "course.yaml").read_text(encoding="utf-8"))


def _changes(new: dict) -> dict:
    return {(c.level, c.path): c for c in document_diff(MINIMAL, new)}


def test_identical_documents_have_no_change():
    assert document_diff(MINIMAL, copy.deepcopy(MINIMAL)) == []


def test_a_changed_key_names_the_field_with_both_values():
    new = copy.deepcopy(MINIMAL)
    new["modules"][1]["cases"][0]["items"][0]["key"] = {"answer": "rul"}
    change = _changes(new)[("item", "appraising-tools/portable-film/which-lobe")]
    assert change.status == "changed"
    assert [(f.name, f.old, f.new) for f in change.fields] == [("key", {"answer": "rll"}, {"answer": "rul"})]


def test_added_removed_and_moved_rows():
    new = copy.deepcopy(MINIMAL)
    module = new["modules"][0]
    module["lessons"] = []
    module["cases"].append({**copy.deepcopy(module["cases"][0]), "slug": "copy"})
    new["modules"][1]["cases"].reverse()
    changes = _changes(new)
    assert changes[("lesson", "verifying-text/why-llms-hallucinate")].status == "removed"
    assert changes[("case", "verifying-text/copy")].status == "added"
    assert changes[("case", "appraising-tools/portable-film")].status == "moved"


def test_course_fields_are_compared():
    new = {**copy.deepcopy(MINIMAL), "title": "Renamed"}
    change = _changes(new)[("course", "")]
    assert [(f.name, f.new) for f in change.fields] == [("title", "Renamed")]


@pytest.mark.django_db
def test_version_diff_reads_two_stored_versions(published):
    draft = course_version_create_draft(course=published.course, user=UserFactory())
    ItemKey.objects.filter(item__case__module__version=draft, item__slug="ppv").update(answer={"value": 9.5})
    (change,) = version_diff(old=published, new=draft)
    assert change.path == "appraising-tools/portable-film/ppv" and change.fields[0].name == "key"
