"""The response a grading task grades, read and locked in one statement (a selector of
``quizzes.services.response_grade``).

What the ORM would read as ``select_for_update(of=("self",)).select_related("item__key",
"item__artifact", "item__case", "attempt", "grade")`` plus the item's competency codes,
with the grade's bounded lock wait, in one statement written once per process: compiling
that queryset cost the worker more CPU than the rest of the grade (``bench/profile_grading.py``).
Nothing is cached but the SQL: every grade reads the key and the ground truth as they are in
the database, so a key fix or a ground-truth fix counts from the next grade on.

On PostgreSQL the statement also sets the transaction's ``lock_timeout`` (``set_config(…,
true)``, as ``SET LOCAL`` does) before it waits for the row: the SELECT list is computed below
the row lock, so the wait for the lock is bounded by it, and every later statement of the
transaction too. Other databases (SQLite in development) lock nothing and read the codes in
a second query.
"""
from django.db import connection

from courses.models import Artifact, Case, Item, ItemKey
from training.rows import Columns

from .models import Attempt, Grade, Response

# How long a grade waits for a row lock (a review or regrade holding it); past that
# PostgreSQL raises OperationalError, which the task retries with backoff.
LOCK_WAIT = "10s"

_PARTS = [
    Columns(Response, "r"), Columns(Attempt, "t"), Columns(Item, "i"), Columns(Case, "c"),
    Columns(Artifact, "a"), Columns(ItemKey, "k"), Columns(Grade, "g"),
]
_SQL: dict[str, str] = {}


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _sql() -> str:
    sql = _SQL.get(connection.alias)
    if sql is None:
        r, t, i, c, a, k, g = _PARTS
        postgres = connection.vendor == "postgresql"
        through = Item.competencies.through
        # The codes are the through table's competency ids: a competency's primary key is its code.
        codes = (
            f", ARRAY(SELECT x.{connection.ops.quote_name(Item.competencies.field.m2m_reverse_name())} "
            f"FROM {connection.ops.quote_name(through._meta.db_table)} x "
            f"WHERE x.{connection.ops.quote_name(Item.competencies.field.m2m_column_name())} = i.{_column(Item, 'id')} "
            "ORDER BY 1)"
        ) if postgres else ""
        sql = (
            f"SELECT {'set_config(%s, %s, true), ' if postgres else ''}"
            + ", ".join(part.sql(connection) for part in _PARTS) + codes
            + f" FROM {r.table(connection)}"
            f" JOIN {t.table(connection)} ON t.{_column(Attempt, 'id')} = r.{_column(Response, 'attempt')}"
            f" JOIN {i.table(connection)} ON i.{_column(Item, 'id')} = r.{_column(Response, 'item')}"
            f" JOIN {c.table(connection)} ON c.{_column(Case, 'id')} = i.{_column(Item, 'case')}"
            f" LEFT JOIN {a.table(connection)} ON a.{_column(Artifact, 'id')} = i.{_column(Item, 'artifact')}"
            f" LEFT JOIN {k.table(connection)} ON k.{_column(ItemKey, 'item')} = i.{_column(Item, 'id')}"
            f" LEFT JOIN {g.table(connection)} ON g.{_column(Grade, 'response')} = r.{_column(Response, 'id')}"
            f" WHERE r.{_column(Response, 'id')} = %s"
            + (" FOR UPDATE OF r" if postgres else "")
        )
        _SQL[connection.alias] = sql
    return sql


def response_to_grade(*, response_id: int) -> tuple[Response, list[str]] | None:
    """The response locked for its grading, with its item (key, artifact, case), attempt and
    grade loaded as ``select_related`` loads them, and the item's competency codes; None if
    there is no such response. Call it inside the grading's transaction."""
    postgres = connection.vendor == "postgresql"
    params = ["lock_timeout", LOCK_WAIT, response_id] if postgres else [response_id]
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    at = 1 if postgres else 0
    loaded = []
    for part in _PARTS:
        loaded.append(part.load(connection, row, at))
        at += len(part)
    response, attempt, item, case, artifact, key, grade = loaded
    Response.attempt.field.set_cached_value(response, attempt)
    Response.item.field.set_cached_value(response, item)
    Item.case.field.set_cached_value(item, case)
    Item.artifact.field.set_cached_value(item, artifact)
    Item.key.related.set_cached_value(item, key)
    if key is not None:
        ItemKey.item.field.set_cached_value(key, item)
    Response.grade.related.set_cached_value(response, grade)
    if grade is not None:
        Grade.response.field.set_cached_value(grade, response)
    if postgres:
        codes = list(row[at])
    else:
        codes = list(Item.competencies.through.objects.filter(item_id=item.pk).values_list("competency__code", flat=True))
    return response, codes
