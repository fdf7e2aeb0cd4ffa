"""A model's columns for a statement written by hand, on the one hot path that needs one
(the grading task's locked read: ``quizzes.to_grade``, a join with ``FOR UPDATE`` and an
aggregate that a queryset cannot say in one statement).

Compiling a queryset to SQL costs the ORM 0.3–1.5 ms of CPU each time, more than sending
the statement and reading its row (``bench/profile_grading.py``). ``Columns(model, alias)``
gives a model's concrete columns as a SELECT list under a table alias, and builds the
instance back from a row (each field's converters, then ``Model.from_db``, as the ORM does);
None where a LEFT JOIN found no row. A queryset that only needs compiling once is
``training.compiled.CompiledQuery``'s job.
"""
from collections.abc import Sequence

from django.db.models import Model


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

