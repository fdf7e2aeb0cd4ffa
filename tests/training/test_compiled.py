"""Querysets compiled once (training.compiled): the same instances as the queryset gives,
one counted query per call, and a queryset that cannot be compiled once refused."""
import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from courses.models import Item
from quizzes.models import Attempt, Response
from tests.factories import ArtifactFactory, AttemptFactory, CaseFactory, ItemFactory, ResponseFactory
from training.compiled import CompiledQuery


def items_with_artifact(item_id, module_id):
    return (Item.objects.select_related("case", "artifact").only("id", "spec", "artifact__content", "case__module_id")
            .filter(pk=item_id, case__module_id=module_id).order_by())


@pytest.fixture
def items(db):
    case = CaseFactory()
    artifact = ArtifactFactory(case=case, content={"text": "An AI note.", "spans": [1, 2]})
    return ItemFactory(case=case, artifact=artifact, spec={"decide_first": True, "n": 1}), ItemFactory(case=case)


def test_it_gives_what_the_queryset_gives_related_objects_and_json_included(items):
    compiled = CompiledQuery(items_with_artifact, "item_id", "module_id")
    for item in items:
        [got] = compiled(item_id=item.pk, module_id=item.case.module_id)
        [want] = items_with_artifact(item.pk, item.case.module_id)
        assert (got.pk, got.spec, got.case.module_id, got.artifact_id) == (want.pk, want.spec, want.case.module_id, want.artifact_id)
        assert got.get_deferred_fields() == want.get_deferred_fields()
        assert (got.artifact and got.artifact.content) == (want.artifact and want.artifact.content)
    assert items[0].spec == {"decide_first": True, "n": 1}  # a dict from the JSON column, not its text


def test_it_sets_the_annotations_of_the_queryset(db):
    attempt = AttemptFactory()
    answered, unanswered = ResponseFactory(attempt=attempt).item, ItemFactory(case__module=attempt.module)

    def with_answer(attempt_id, module_id):
        return Item.objects.filter(case__module_id=module_id).annotate(
            answered=Exists(Response.objects.filter(attempt_id=attempt_id, item_id=OuterRef("pk")))).order_by("pk")

    got = CompiledQuery(with_answer, "attempt_id", "module_id")(attempt_id=attempt.pk, module_id=attempt.module_id)
    assert [(i.pk, i.answered) for i in got] == [(answered.pk, True), (unanswered.pk, False)]


def test_each_call_runs_its_own_ids_and_no_row_is_an_empty_list(items, django_assert_num_queries):
    compiled = CompiledQuery(items_with_artifact, "item_id", "module_id")
    first, second = items
    elsewhere = CaseFactory().module_id
    with django_assert_num_queries(3):  # each call is one counted query
        assert [i.pk for i in compiled(item_id=first.pk, module_id=first.case.module_id)] == [first.pk]
        assert [i.pk for i in compiled(item_id=second.pk, module_id=second.case.module_id)] == [second.pk]
        assert compiled(item_id=first.pk, module_id=elsewhere) == []


def test_the_queryset_is_built_once(items):
    built = []

    def build(item_id, module_id):
        built.append((item_id, module_id))
        return items_with_artifact(item_id, module_id)

    compiled = CompiledQuery(build, "item_id", "module_id")
    for item in items:
        compiled(item_id=item.pk, module_id=item.case.module_id)
    assert len(built) == 1


def test_a_parameter_the_sql_holds_twice_takes_the_calls_value_in_both_places(items):
    def about(item_id):
        return Item.objects.filter(Q(pk=item_id) | Q(artifact_id=item_id)).order_by("pk")

    twice = CompiledQuery(about, "item_id")
    for value in (items[0].artifact_id, items[1].pk):
        assert [i.pk for i in twice(item_id=value)] == [i.pk for i in about(value)]


def test_a_parameter_the_sql_does_not_hold_is_refused(db):
    unused = CompiledQuery(lambda item_id, module_id: Item.objects.filter(pk=item_id), "item_id", "module_id")
    with pytest.raises(ValueError, match="does not hold module_id"):
        unused(item_id=1, module_id=2)


def test_a_value_the_orm_changes_on_its_way_to_the_sql_is_refused(db):
    as_text = CompiledQuery(lambda slug: Item.objects.filter(slug=slug), "slug")
    with pytest.raises(ValueError, match="does not hold slug"):
        as_text(slug=1)


def test_other_parameter_names_or_values_that_are_not_ids_are_refused(db):
    compiled = CompiledQuery(lambda attempt_id: Attempt.objects.filter(pk=attempt_id), "attempt_id")
    with pytest.raises(TypeError, match="exactly"):
        compiled(pk=1)
    with pytest.raises(TypeError, match="must be an int"):
        compiled(attempt_id="1 OR 1=1")


def test_a_values_queryset_is_refused(db):
    values = CompiledQuery(lambda attempt_id: Attempt.objects.filter(pk=attempt_id).values("id"), "attempt_id")
    with pytest.raises(TypeError, match="plain model querysets"):
        values(attempt_id=1)


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_postgresql_prepares_the_statement_once_for_every_call(items):
    compiled = CompiledQuery(items_with_artifact, "item_id", "module_id")
    for item in items * 3:
        assert [i.pk for i in compiled(item_id=item.pk, module_id=item.case.module_id)] == [item.pk]
    parts = compiled._compiled.sql.split("%s")  # as psycopg sends it: $1, $2…
    assert parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1)) in prepared_statements()


def test_where_the_connection_keeps_no_prepared_statement_none_is_prepared(items):
    compiled = CompiledQuery(items_with_artifact, "item_id", "module_id")
    connection.ensure_connection()
    connection.connection.prepare_threshold = None  # as behind pgbouncer (training/settings.py)
    try:
        before = prepared_statements()
        assert [i.pk for i in compiled(item_id=items[0].pk, module_id=items[0].case.module_id)] == [items[0].pk]
        assert prepared_statements() == before
    finally:
        connection.connection.prepare_threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
