"""Clocks as data: a record stores its due date, and the calendar keeps every stored due date right.

A clock is three columns on the record that owns it (a measure, later a case or a case task):

    start     DateField           the day counting starts from
    workdays  integer (or a constant)
    due       DateField, indexed  what "due today / overdue today" compares with today

    workdays == 0   due = the first workday on or after `start` (a deadline inside a holiday is due on
                    the first workday after it);
    workdays  > 0   due = the n-th workday after `start`, counting from the day after (行政许可法 §82),
                    exactly as `services.add_workdays(start, n)`.

Two things move a due date, and both rewrite it set-based, in one statement, never row by row:

1. The owner's inputs change (a deadline edited, a checkpoint reported, a case suspended): the owning
   app's service updates `start` / `workdays` and calls `update_due_dates(clock, queryset)` for the
   rows it touched, in the same transaction.
2. The calendar changes (a year filled, imported, confirmed; a day overridden): the calendar services
   call `calendar_changed(since)` with the earliest date whose workday flag or index moved, in the
   same transaction as the change. Every recomputer registered with `register()` runs. A clock due
   before `since` cannot move — the days from its start to its due date are unchanged — so only rows
   due on or after `since` (or not yet computed) are read, through the index on `due`.

This module is the ground floor: it never imports the apps that own clocks. They register in their
`AppConfig.ready()`:

    from tongban.workdays import clocks

    MEASURE_CLOCK = clocks.Clock(Measure, start="due_start", workdays="due_workdays", due="due_date")
    clocks.register("rectification.measure", lambda since: clocks.update_due_dates(MEASURE_CLOCK, since=since),
                    model=Measure)

A recomputer is called with `since=None` by `recompute_all()` (`tongban calendar clocks`): then it
rebuilds everything, its own inputs included (after a policy setting that feeds them changed).
See docs/workdays.md and docs/decisions/0003-stored-clocks.md.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection, models
from django.db.models import Q

from tongban.workdays.models import Day

Recompute = Callable[[date | None], int]

_recomputers: dict[str, tuple[Recompute, type[models.Model] | None]] = {}


@dataclass(frozen=True)
class Clock:
    """Where a model keeps one clock: the names of its start, workdays and due fields (`workdays`
    may be a constant number instead of a field)."""

    model: type[models.Model]
    start: str
    workdays: str | int
    due: str


# --- The registry ---------------------------------------------------------------------------------

def register(name: str, recompute: Recompute, *, model: type[models.Model] | None = None) -> None:
    """Register (or replace) the recomputer of one kind of clock; call it from `AppConfig.ready()`.

    `recompute(since)` rewrites the stored due dates that a calendar change on or after `since` can
    move (every one, inputs included, when `since` is None) and returns how many rows changed. With
    `model`, it is skipped while that model's table does not exist (a database migrated only as far as
    the calendar holds no such clocks).
    """
    _recomputers[name] = (recompute, model)


def registered() -> list[str]:
    return sorted(_recomputers)


def calendar_changed(since: date) -> dict[str, int]:
    """The calendar changed on or after `since`: bring every registered clock up to date.

    Called by the calendar services inside the transaction that changed the calendar, so a stored due
    date is never seen stale. Returns {clock name: rows changed}.
    """
    return {name: recompute(since) for name, recompute in _ready()}


def recompute_all() -> dict[str, int]:
    """Rebuild every registered clock from its inputs (`tongban calendar clocks`)."""
    return {name: recompute(None) for name, recompute in _ready()}


def _ready() -> list[tuple[str, Recompute]]:
    tables = None
    ready = []
    for name, (recompute, model) in sorted(_recomputers.items()):
        if model is not None:
            if tables is None:
                tables = set(connection.introspection.table_names())
            if model._meta.db_table not in tables:
                continue
        ready.append((name, recompute))
    return ready


# --- Set-based due dates --------------------------------------------------------------------------

def update_due_dates(clock: Clock, queryset: models.QuerySet | None = None, *, since: date | None = None) -> int:
    """Rewrite `clock.due` from `start` and `workdays` over the calendar in one UPDATE … FROM.

    `queryset` limits the rows (default: every row of the model); `since` further limits them to rows
    due on or after that date or not computed yet (what a calendar change on `since` can move). Only
    rows whose due date actually changes are written. A start outside the calendar's filled years
    falls back to the start itself (plus `workdays` calendar days): callers fill the years their
    dates span first (`services.ensure_years`), so this happens only outside 1990–2100.
    Returns the number of rows changed.
    """
    model = clock.model
    if queryset is None:
        queryset = model._default_manager.all()
    if since is not None:
        due_or_none = Q(**{f"{clock.due}__gte": since}) | Q(**{f"{clock.due}__isnull": True,
                                                               f"{clock.start}__isnull": False})
        queryset = queryset.filter(due_or_none)
    computed, params = computed_due_dates(clock, queryset)
    qn = connection.ops.quote_name
    table, pk, due = qn(model._meta.db_table), qn(model._meta.pk.column), _column(model, clock.due)
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    sql = f"""
        UPDATE {table} SET {due} = computed.due
        FROM ({computed}) AS computed
        WHERE {table}.{pk} = computed.pk AND {table}.{due} {differs} computed.due
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def computed_due_dates(clock: Clock, queryset: models.QuerySet | None = None) -> tuple[str, list]:
    """(SQL, params) of `SELECT pk, due` — the due date of each row of `queryset` (default: every row) from its
    `start` and `workdays` over the calendar, computed, not stored: what `update_due_dates` writes, for a
    statement that reads or inserts them (one join through the workday index, whatever the number of rows)."""
    model = clock.model
    if queryset is None:
        queryset = model._default_manager.all()
    where, where_params = "", ()
    if queryset.query.where:  # every row: no semi-join of the table with itself
        where_sql, where_params = queryset.values("pk").query.sql_with_params()
        where = f"WHERE c.{connection.ops.quote_name(model._meta.pk.column)} IN ({where_sql})"
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk = qn(model._meta.pk.column)
    start = _column(model, clock.start)
    n = f"c.{_column(model, clock.workdays)}" if isinstance(clock.workdays, str) else str(int(clock.workdays))
    if connection.vendor == "postgresql":
        fallback = f"(c.{start} + {n})"  # date + integer is a date
    else:
        fallback = f"date(c.{start}, '+' || {n} || ' days')"
    sql = f"""
            SELECT c.{pk} AS pk, COALESCE(target.{qn("date")}, {fallback}) AS due
            FROM {table} c
            LEFT JOIN {qn(Day._meta.db_table)} s ON s.{qn("date")} = c.{start}
            {_target_join("target", "s", n)}
            {where}"""
    return sql, list(where_params)


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _target_join(target: str, start: str, n: str) -> str:
    """The workday a clock of `n` workdays from the calendar row `start` is due on: n workdays on from the
    start's index; for n = 0, the start itself when it is a workday, else the next workday (a non-workday
    shares the index of the workday before it). The one rule behind both `update_due_dates` and `due_dates`."""
    qn = connection.ops.quote_name
    index = qn("workday_index")
    return f"""LEFT JOIN {qn(Day._meta.db_table)} {target}
                   ON {target}.{index} = {start}.{index} + CASE WHEN {n} > 0 THEN {n} WHEN {start}.is_workday THEN 0 ELSE 1 END
                  AND {target}.is_workday"""


def due_date_joins(start: str, workdays: Sequence[str]) -> tuple[list[str], str]:
    """`due_dates` as SQL to put in a caller's own SELECT: (the due-date columns, the LEFT JOINs) for clocks
    that start on the calendar row aliased `start`, each clock's workdays an SQL expression (a literal, or a
    column of another table of the SELECT)."""
    qn = connection.ops.quote_name
    joins = "\n".join(_target_join(f"t{i}", start, n) for i, n in enumerate(workdays))
    return [f"t{i}.{qn('date')}" for i in range(len(workdays))], joins


def due_dates(start: date, workdays: Sequence[int]) -> list[date | None]:
    """The due dates of clocks that all start on `start`, one for each number of workdays, in one SELECT
    over the calendar — what `update_due_dates` would store for a row with this start (a new record's
    clocks written with its INSERT instead of an UPDATE afterwards). None where the calendar has no row
    for the start or the target (the caller fills the years, `services.ensure_years`, and asks again, or
    falls back as `update_due_dates` does)."""
    if not workdays:
        return []
    qn = connection.ops.quote_name
    columns, joins = due_date_joins("s", [str(int(n)) for n in workdays])
    sql = f"SELECT {', '.join(columns)} FROM {qn(Day._meta.db_table)} s {joins} WHERE s.{qn('date')} = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [start])
        row = cursor.fetchone()
    if row is None:
        return [None] * len(workdays)
    return [value if value is None or isinstance(value, date) else date.fromisoformat(value) for value in row]
