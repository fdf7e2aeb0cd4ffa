"""Statements without the ORM's compiler, for the few hot paths that run the same statement
many times a second (the grading task: ``quizzes.to_grade``, ``xapi.emit.enabled_lrs``).

Compiling a queryset to SQL costs the ORM 0.3–1.5 ms of CPU each time, more than sending
the statement and reading its row (``bench/profile_grading.py``). Two tools let a hot path
pay that once per process, and still get model instances as the ORM builds them:

- ``Columns(model, alias)``: a model's concrete columns as a SELECT list under a table
  alias, and the instance built back from a row (each field's converters, then
  ``Model.from_db``, as the ORM does); None where a LEFT JOIN found no row;
- ``Compiled(build)``: the queryset ``build(**markers)`` compiled once per database
  connection, the markers standing for its parameters, then run with each call's values.
  The SQL is the ORM's own, so it says exactly what the queryset says.
"""
from collections.abc import Callable, Sequence
from threading import Lock

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet


class Columns:
    """The concrete columns of ``model`` under ``alias``, and the instance built from them."""

    def __init__(self, model: type[Model], alias: str):
        self.model, self.alias = model, alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self._pk = next(i for i, f in enumerate(self.fields) if f.primary_key)
        self._converters: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self, connection) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def table(self, connection) -> str:
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def _converters_for(self, connection) -> list:
        converters = self._converters.get(connection.alias)
        if converters is None:
            converters = []
            for i, f in enumerate(self.fields):
                col = f.get_col(self.alias)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if found:
                    converters.append((i, col, found))
            self._converters[connection.alias] = converters
        return converters

    def load(self, connection, row: Sequence, start: int = 0) -> Model | None:
        """The instance of ``row[start:start + len(self)]``; None when its primary key is NULL."""
        values = list(row[start:start + len(self.fields)])
        if values[self._pk] is None:
            return None
        for i, col, converters in self._converters_for(connection):
            for converter in converters:
                values[i] = converter(values[i], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


class Compiled:
    """A queryset of one model's rows compiled once per connection, then run with new values.

    ``build`` takes keyword arguments (the values that change from call to call) and returns
    a queryset selecting the model's own columns (no ``select_related``, annotations or
    ``only``); it is called once with markers, integers nothing else is, and the SQL is kept
    with the places of the markers among its parameters. ``run(**values)`` sends that SQL
    with the values in their places. Only integer values: a marker must reach the SQL as it
    is given (a primary or foreign key, a count).
    """

    _MARKER = -1_734_000_000

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[str, tuple[str, list, dict[int, str], Columns]] = {}
        self._lock = Lock()

    def _compile(self, alias: str, names: Sequence[str]):
        markers = {name: self._MARKER - i for i, name in enumerate(sorted(names))}
        qs = self.build(**markers)
        compiler = qs.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        columns = Columns(qs.model, alias=qs.model._meta.db_table)
        selected = [col.target for col, _sql, _alias in compiler.select]
        if selected != columns.fields or compiler.klass_info.get("related_klass_infos"):
            raise ValueError(f"{qs.model.__name__}: a compiled query selects the model's own columns only")
        by_marker = {v: k for k, v in markers.items()}
        places = {i: by_marker[p] for i, p in enumerate(params) if type(p) is int and p in by_marker}
        missing = set(markers) - set(places.values())
        if missing:
            raise ValueError(f"{qs.model.__name__}: parameters {sorted(missing)} do not reach the SQL as given")
        return sql, list(params), places, columns

    def run(self, *, using: str = DEFAULT_DB_ALIAS, **values: int) -> list[Model]:
        connection = connections[using]
        compiled = self._compiled.get(connection.alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(connection.alias, self._compile(connection.alias, list(values)))
        sql, params, places, columns = compiled
        params = list(params)
        for i, name in places.items():
            params[i] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [columns.load(connection, row) for row in cursor.fetchall()]
