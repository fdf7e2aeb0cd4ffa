"""Querysets compiled to SQL once per process, then run with other ids.

On the answer submit, the hot path of an exam, the web process spent more CPU building
three small lookups and compiling their SQL (filters, joins, an ``EXISTS``, select_related)
than PostgreSQL spent running them (``bench/README.md``, issue 16). ``CompiledQuery`` keeps
the SQL the ORM writes for a queryset, so the rule it states stays written once, in the
ORM, where it is, and each call only executes that SQL with the ids of the request and
builds the model instances as the queryset would have (deferred fields, select_related,
annotations, the fields' converters). On PostgreSQL the statement is also prepared, once per
connection, so that PostgreSQL does not plan it again at every call either (not behind
pgbouncer, whose transaction mode cannot keep prepared statements: training/settings.py).

    attempt_lookup = CompiledQuery(
        lambda attempt_id, trainee_id: Attempt.objects.filter(pk=attempt_id, trainee_id=trainee_id),
        "attempt_id", "trainee_id",
    )
    attempt_lookup(attempt_id=7, trainee_id=3)  # -> [Attempt] or []

``build`` is called once, with a stand-in integer for each named parameter; the SQL it
compiles to must hold each stand-in among its parameters, as given, once or more (checked
then; an expression that folds a value into the SQL text, or changes it on its way, is
refused). Nothing else in the queryset may change between calls: no ``timezone.now()``,
setting or language read while building it (they would be frozen at the first call). The queryset's shape must not
depend on the values: a lookup with two shapes is two compiled queries. Values are ids
(integers); querysets with prefetches, ``values()`` or other iterables are refused. Every
call goes through Django's cursor, so it is counted, logged and wrapped like any query.
"""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

try:
    from psycopg import Cursor

    class _PreparingCursor(Cursor):
        """psycopg's cursor that binds on the server, every statement prepared."""

        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True, **kwargs)
except ImportError:  # pragma: no cover - without psycopg 3 (SQLite), Django's own cursor
    _PreparingCursor = None

# Stand-ins for the ids while compiling (that queryset is never run): distinct, and inside the
# range of a 32-bit positive integer field, as Django turns an out-of-range id into an empty query.
_STANDIN = 2_000_000_000


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    positions: tuple[tuple[str, int], ...]
    model: type[Model]
    init_list: list[str]
    fields: slice
    converters: list[tuple[int, tuple[list, Any]]]
    related_populators: list
    annotations: list[tuple[str, int]]


class CompiledQuery:
    """A queryset built by ``build(**ids)``, compiled once per process; call it with the ids."""

    def __init__(self, build: Callable[..., QuerySet], *names: str, using: str = DEFAULT_DB_ALIAS):
        if not names or len(set(names)) != len(names):
            raise ValueError("CompiledQuery needs distinct parameter names.")
        self.build = build
        self.names = frozenset(names)
        self._names = names
        self.using = using
        self._compiled: _Compiled | None = None

    def __call__(self, **ids: int) -> list[Model]:
        if ids.keys() != self.names:
            raise TypeError(f"CompiledQuery takes exactly {sorted(self.names)}, not {sorted(ids)}.")
        compiled = self._compiled or self._compile()
        params = list(compiled.params)
        for name, position in compiled.positions:
            value = ids[name]
            if type(value) is not int:
                raise TypeError(f"{name} must be an int, not {type(value).__name__}.")
            params[position] = value
        connection = connections[self.using]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return [self._instance(compiled, row, connection) for row in rows]

    def _instance(self, compiled: _Compiled, row: tuple, connection) -> Model:
        # As django.db.models.query.ModelIterable does with the rows of its compiler.
        if compiled.converters:
            row = list(row)
            for position, (converters, expression) in compiled.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        obj = compiled.model.from_db(self.using, compiled.init_list, row[compiled.fields])
        for populator in compiled.related_populators:
            populator.populate(row, obj)
        for attr, position in compiled.annotations:
            setattr(obj, attr, row[position])
        return obj

    def _compile(self) -> _Compiled:
        standins = {name: _STANDIN + i for i, name in enumerate(self._names)}
        queryset = self.build(**standins)
        if (queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups
                or queryset._known_related_objects):
            raise TypeError("CompiledQuery runs plain model querysets only (no values(), prefetches or known objects).")
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        if compiler.has_extra_select:
            raise TypeError("CompiledQuery does not run querysets with extra().")
        positions = []
        for name, standin in standins.items():
            found = [i for i, p in enumerate(params) if type(p) is int and p == standin]
            if not found:
                raise ValueError(
                    f"The SQL of this queryset does not hold {name} among its parameters as given; "
                    "it cannot be compiled once for all values.")
            positions.extend((name, i) for i in found)
        klass_info = compiler.klass_info
        select = compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        converters = compiler.get_converters([s[0] for s in select[:compiler.col_count]])
        compiled = _Compiled(
            sql=sql, params=tuple(params), positions=tuple(positions), model=klass_info["model"],
            init_list=[f[0].target.attname for f in select[start:end]], fields=slice(start, end),
            converters=list(converters.items()),
            related_populators=get_related_populators(klass_info, select, self.using),
            annotations=list(compiler.annotation_col_map.items()),
        )
        self._compiled = compiled
        return compiled



def _cursor(connection):
    """Django's cursor; on PostgreSQL, when the connection may keep prepared statements
    (all but behind pgbouncer: training/settings.py), one that binds the values on the server
    and has the statement prepared, so that PostgreSQL plans it once per connection instead
    of at every call. Wrapped as Django wraps its own: counted, logged, errors translated."""
    if connection.vendor != "postgresql" or _PreparingCursor is None:
        return connection.cursor()
    connection.close_if_health_check_failed()  # as connection.cursor() does first
    connection.ensure_connection()
    connection.validate_thread_sharing()
    if connection.connection.prepare_threshold is None:
        return connection.cursor()
    cursor = _PreparingCursor(connection.connection)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
