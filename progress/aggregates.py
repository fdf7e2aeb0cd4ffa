"""The running sums a grade moves, written in the grade's own transaction: the trainee's
measure counters, module progress, and trend rows (per day answered, and after each module
completed before).

Each is an upsert (``INSERT … ON CONFLICT DO UPDATE SET col = col + excluded.col``), so
concurrent gradings of one trainee add up instead of overwriting each other. A regrade
passes the difference new − old, so the sums stay exact without rereading any response.

On PostgreSQL the upserts of one grade travel as one statement (data-modifying ``WITH``
clauses, which PostgreSQL runs exactly once each, on one snapshot): one round trip instead
of four, the larger part of their cost; the grading's own writes (the grade's row, the
response's state) ride in the same statement (``grade_applied(writes=…)``). SQLite runs them
one after the other; the rows they write are the same, since none reads what another writes
(the after-module upsert reads the completions of the other modules, which this grade does
not change).
"""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection
from django.utils import timezone

from .models import (
    RELIANCE_TREND_COUNTERS,
    TREND_COUNTERS,
    AnswerAfterModule,
    AnswerDay,
    MeasureCounter,
    ModuleProgress,
    trend_column,
)

Statement = tuple[str, list]
# (trainee id, course id, module slug, answered at, contribution) of one final grade.
FinalGradeRow = tuple[int, int, str, datetime, dict | None]


def _counters(*, trainee_id: int, course_id: int, deltas: dict[str, float]) -> Statement | None:
    """Every named counter of the trainee in the course, created at 0 when new."""
    if not deltas:
        return None
    table = MeasureCounter._meta.db_table
    rows = sorted(deltas.items())  # rows in a fixed order, so two gradings lock alike
    sql = (
        f"INSERT INTO {table} (trainee_id, course_id, name, value) VALUES "
        + ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        + f" ON CONFLICT (trainee_id, course_id, name) DO UPDATE SET value = {table}.value + excluded.value"
    )
    return sql, [p for name, v in rows for p in (trainee_id, course_id, name, float(v))]


def _trend_deltas(deltas: dict[str, float]) -> list[tuple[str, str, float]]:
    return [(n, trend_column(n), float(deltas[n])) for n in TREND_COUNTERS if deltas.get(n)]


def _answer_day(*, trainee_id: int, course_id: int, module_slug: str, answered_at: datetime,
                deltas: dict[str, float]) -> Statement | None:
    """The trend row of the day the trainee answered (in the site's time zone)."""
    moved = _trend_deltas(deltas)
    if not moved:
        return None
    table = AnswerDay._meta.db_table
    columns = [c for _n, c, _v in moved]
    sql = (
        f"INSERT INTO {table} (trainee_id, course_id, module_slug, day, {', '.join(columns)}) "
        f"VALUES (%s, %s, %s, %s, {', '.join(['%s'] * len(columns))}) "
        "ON CONFLICT (trainee_id, course_id, module_slug, day) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    )
    day = connection.ops.adapt_datefield_value(timezone.localdate(answered_at))
    return sql, [trainee_id, course_id, module_slug, day, *(v for _n, _c, v in moved)]


def _after_module(*, trainee_id: int, course_id: int, module_slug: str, answered_at: datetime,
                  deltas: dict[str, float]) -> Statement | None:
    """The after-module rows of a decision on an AI output: one per module the trainee had
    completed when answering, other than the decision's own module."""
    moved = [(c, v) for n, c, v in _trend_deltas(deltas) if n in RELIANCE_TREND_COUNTERS]
    if not moved:
        return None
    table = AnswerAfterModule._meta.db_table
    columns = [c for c, _v in moved]
    # SQLite needs the WHERE for ON CONFLICT after INSERT … SELECT to parse.
    sql = (
        f"INSERT INTO {table} (trainee_id, course_id, module_course_id, module_slug, {', '.join(columns)}) "
        f"SELECT trainee_id, %s, course_id, module_slug, {', '.join(['%s'] * len(columns))} "
        f"FROM {ModuleProgress._meta.db_table} WHERE trainee_id = %s AND completed_at IS NOT NULL "
        "AND completed_at <= %s AND NOT (course_id = %s AND module_slug = %s) "
        "ON CONFLICT (trainee_id, module_course_id, module_slug, course_id) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    )
    return sql, [course_id, *(v for _c, v in moved), trainee_id,
                 connection.ops.adapt_datetimefield_value(answered_at), course_id, module_slug]


def _progress(*, trainee_id: int, course_id: int, module_slug: str, graded_delta: int, score_delta: float,
              at: datetime, items_total: int | None = None) -> Statement:
    """The trainee's progress in the module; ``items_total`` when an attempt starts (the
    module's size in the version taken), left as it is by grading."""
    table = ModuleProgress._meta.db_table
    total_update = "items_total = excluded.items_total, " if items_total is not None else ""
    # PostgreSQL checks the CHECK constraints of the proposed row before it looks for the
    # conflict, so a regrade's negative delta must not be inserted as such: the inserted
    # values are floored at 0 and the deltas themselves are added by the UPDATE.
    sql = (
        f"INSERT INTO {table} (trainee_id, course_id, module_slug, items_total, items_graded, score_sum, "
        f"started_at, last_activity_at, completed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL) "
        f"ON CONFLICT (trainee_id, course_id, module_slug) DO UPDATE SET {total_update}"
        f"items_graded = {table}.items_graded + %s, "
        f"score_sum = {table}.score_sum + %s, last_activity_at = excluded.last_activity_at, "
        f"completed_at = CASE WHEN {table}.completed_at IS NULL AND {table}.items_total > 0 "
        f"AND {table}.items_graded + %s >= {table}.items_total "
        f"THEN excluded.last_activity_at ELSE {table}.completed_at END"
    )
    when = connection.ops.adapt_datetimefield_value(at)
    return sql, [trainee_id, course_id, module_slug, items_total or 0, max(graded_delta, 0), max(score_delta, 0.0),
                 when, when, graded_delta, score_delta, graded_delta]


def _execute(statements: list[Statement | None]) -> tuple | None:
    """Run the statements (as one on PostgreSQL); the row the last one returns, if it returns one."""
    statements = [s for s in statements if s is not None]
    if not statements:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *first, (last_sql, _last_params) = statements
            sql = "WITH " + ", ".join(f"w{i} AS ({s})" for i, (s, _p) in enumerate(first)) + " " + last_sql
            cursor.execute(sql, [p for _s, params in statements for p in params])
        else:
            for sql, params in statements:
                cursor.execute(sql, params)
        return cursor.fetchone() if cursor.description else None


def grade_applied(*, trainee_id: int, course_id: int, module_slug: str, answered_at: datetime,
                  deltas: dict[str, float], at: datetime, writes: Sequence[Statement] = ()) -> tuple | None:
    """Move every running sum of the trainee by a grade's counter deltas (new − old).

    ``writes``: the caller's own statements of the same grade (the grade's row, the
    response's), sent with the sums, in the same statement on PostgreSQL, the last of them
    last; returns the row that last one returns (an INSERT's ``RETURNING``), if any. None of
    them may read what another writes: on PostgreSQL they all see the same snapshot.
    """
    where = {"trainee_id": trainee_id, "course_id": course_id, "module_slug": module_slug}
    statements = [
        _counters(trainee_id=trainee_id, course_id=course_id, deltas=deltas),
        _answer_day(**where, answered_at=answered_at, deltas=deltas),
        _after_module(**where, answered_at=answered_at, deltas=deltas),
    ]
    if deltas.get("items.n") or deltas.get("items.score"):
        statements.append(_progress(**where, graded_delta=int(deltas.get("items.n", 0)),
                                    score_delta=deltas.get("items.score", 0.0), at=at))
    return _execute([*statements, *writes])


def progress_touch(*, trainee_id: int, course_id: int, module_slug: str, items_total: int, at: datetime) -> None:
    """Record that a trainee started (or resumed) a module, without a grade."""
    _execute([_progress(trainee_id=trainee_id, course_id=course_id, module_slug=module_slug, graded_delta=0,
                        score_delta=0.0, at=at, items_total=items_total)])


def trend_rows_rebuild(*, final_grades: Iterable[FinalGradeRow]) -> tuple[int, int]:
    """Recompute every trend row from the final grades given (the caller's transaction):
    after a restore of grades or a change of the site's time zone, since days are local days.

    ``final_grades`` yields (trainee id, course id, module slug, answered at, contribution):
    progress does not read grades itself, so grading stays the only app that knows them.
    Returns the (answer-day, after-module) row counts.
    """
    completed = defaultdict(list)
    for trainee_id, course_id, slug, done in ModuleProgress.objects.filter(completed_at__isnull=False).values_list(
            "trainee_id", "course_id", "module_slug", "completed_at"):
        completed[trainee_id].append((course_id, slug, done))
    days = defaultdict(lambda: defaultdict(float))
    after = defaultdict(lambda: defaultdict(float))
    reliance = set(RELIANCE_TREND_COUNTERS)
    for trainee_id, course_id, slug, answered_at, contribution in final_grades:
        moved = {n: v for n in TREND_COUNTERS if (v := (contribution or {}).get(n))}
        if not moved:
            continue
        day = days[(trainee_id, course_id, slug, timezone.localdate(answered_at))]
        for name, value in moved.items():
            day[trend_column(name)] += value
        if not reliance & moved.keys():
            continue
        for module_course_id, module_slug, done in completed.get(trainee_id, ()):
            if done <= answered_at and not (module_course_id == course_id and module_slug == slug):
                row = after[(trainee_id, course_id, module_course_id, module_slug)]
                for name in reliance & moved.keys():
                    row[trend_column(name)] += moved[name]
    AnswerDay.objects.all().delete()
    AnswerAfterModule.objects.all().delete()
    AnswerDay.objects.bulk_create(
        [AnswerDay(trainee_id=t, course_id=c, module_slug=s, day=d, **cols) for (t, c, s, d), cols in days.items()],
        batch_size=2000,
    )
    AnswerAfterModule.objects.bulk_create(
        [AnswerAfterModule(trainee_id=t, course_id=c, module_course_id=mc, module_slug=ms, **cols)
         for (t, c, mc, ms), cols in after.items()],
        batch_size=2000,
    )
    return len(days), len(after)
