"""A model's columns for a statement written by hand (``training.rows``): instances built as
the ORM builds them."""
import pytest
from django.db import connection

from courses.models import Artifact, Item
from tests.factories import ArtifactFactory, ItemFactory
from training.rows import Columns

pytestmark = pytest.mark.django_db


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
