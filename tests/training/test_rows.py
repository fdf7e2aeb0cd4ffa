"""Statements compiled once per process (``training.rows``): the ORM's own SQL run again with
each call's values, instances built as the ORM builds them."""
import pytest
from django.db import connection

from courses.models import Artifact, Item
from tests.factories import ArtifactFactory, ItemFactory
from training.rows import Columns, Compiled

pytestmark = pytest.mark.django_db


def items_of_case(*, case_id: int):
    return Item.objects.filter(case_id=case_id).order_by("position")


def test_a_compiled_query_gives_what_its_queryset_gives_for_each_calls_values():
    first, second = ItemFactory(spec={"options": [{"id": "a", "text": "A"}]}), ItemFactory()
    compiled = Compiled(items_of_case)
    for item in (first, second):
        found = compiled.run(case_id=item.case_id)
        expected = list(items_of_case(case_id=item.case_id))
        assert [(i.pk, i.spec, i.tags, i._state.adding, i._state.db) for i in found] == [
            (i.pk, i.spec, i.tags, False, "default") for i in expected]


def test_a_query_that_selects_other_models_is_refused():
    with pytest.raises(ValueError, match="own columns only"):
        Compiled(lambda *, case_id: items_of_case(case_id=case_id).select_related("case")).run(case_id=1)


def test_a_value_the_orm_would_change_on_its_way_to_the_sql_is_refused():
    with pytest.raises(ValueError, match=r"\['slug'\] do not reach the SQL"):
        Compiled(lambda *, slug: Item.objects.filter(slug=slug)).run(slug=1)


def test_columns_build_none_for_a_row_a_left_join_did_not_find():
    item = ItemFactory()  # no artifact
    columns = Columns(Artifact, "a")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql(connection)} FROM courses_item i LEFT JOIN {columns.table(connection)} "
                       "ON a.id = i.artifact_id WHERE i.id = %s", [item.pk])
        assert columns.load(connection, cursor.fetchone()) is None


def test_columns_build_the_instance_with_its_fields_converted():
    artifact = ArtifactFactory(content={"text": "Note."}, ai_correct=True)
    columns = Columns(Artifact, "a")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql(connection)} FROM {columns.table(connection)} WHERE a.id = %s",
                       [artifact.pk])
        loaded = columns.load(connection, cursor.fetchone())
    assert (loaded.pk, loaded.content, loaded.ai_correct, loaded.case_id) == (
        artifact.pk, {"text": "Note."}, True, artifact.case_id)
