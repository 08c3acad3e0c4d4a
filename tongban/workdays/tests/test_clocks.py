"""The shared clock mechanism: the workday lookup is an index search on SQLite and PostgreSQL, and the
registry runs each clock owner's recomputer with the earliest changed day."""
from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from tongban.workdays import clocks, services
from tongban.workdays.models import Day

pytestmark = pytest.mark.django_db


def test_the_workday_with_an_index_is_found_through_the_index():
    services.ensure_years(2024, 2025)
    sql, params = Day.objects.filter(is_workday=True, workday_index=300).values("date").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE workdays_day")  # statistics of this table, not what an earlier test left
            cursor.execute("SET LOCAL enable_seqscan = off")  # usable at all, whatever the table's size
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "workdays_day_by_index" in plan


def test_a_calendar_change_calls_every_registered_recomputer_with_the_earliest_changed_day(monkeypatch):
    services.ensure_years(2025, 2025)
    calls = []
    monkeypatch.setattr(clocks, "_recomputers", {"test.clock": (lambda since: calls.append(since) or 0, None)})
    services.override_day(date(2025, 10, 11), is_workday=False, holiday_name="测试")
    services.override_day(date(2025, 10, 11), is_workday=False, holiday_name="改名")  # the flag did not change
    assert calls == [date(2025, 10, 11)]
    assert clocks.recompute_all() == {"test.clock": 0} and calls[-1] is None


def test_a_clock_whose_table_does_not_exist_is_skipped(monkeypatch):
    class Missing:
        class _meta:
            db_table = "no_such_table"

    monkeypatch.setattr(clocks, "_recomputers", {"a.missing": (lambda since: 1 / 0, Missing),
                                                 "b.present": (lambda since: 3, Day)})
    assert clocks.calendar_changed(date(2025, 1, 1)) == {"b.present": 3}  # the clocks after it still run


def test_a_registered_clock_is_listed_and_run_when_the_calendar_changes(monkeypatch):
    assert "rectification.measure" in clocks.registered()  # registered by the rectification app
    monkeypatch.setattr(clocks, "_recomputers", {})
    calls = []
    clocks.register("test.b", lambda since: calls.append(("b", since)) or 2)
    clocks.register("test.a", lambda since: calls.append(("a", since)) or 1)
    assert clocks.registered() == ["test.a", "test.b"]
    assert clocks.calendar_changed(date(2025, 10, 11)) == {"test.a": 1, "test.b": 2}
    assert calls == [("a", date(2025, 10, 11)), ("b", date(2025, 10, 11))]


def test_filling_decades_into_a_table_the_planner_takes_for_empty_is_linear_on_postgresql():
    """Stale statistics (a table autovacuumed after rolled-back fills) once made the running workday index a
    nested loop that recomputed the window for every day: 10+ s at 40 years. Under a 5 s statement timeout the
    quadratic plan fails; the hash join takes well under a second."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner choice (SQLite's own plan is linear)")
    Day.objects.all().delete()
    with connection.cursor() as cursor:
        # What autovacuum leaves after many rolled-back fills: pages on disk, no live rows counted — the planner
        # then takes the table for one row whatever it holds (the statistics are rolled back with the test).
        cursor.execute("UPDATE pg_class SET reltuples = 0, relpages = 100 WHERE relname = 'workdays_day'")
        cursor.execute("SET LOCAL statement_timeout = '5s'")
    services.ensure_years(1990, 2030)
    assert Day.objects.filter(is_workday=True).order_by("-date").values_list("workday_index", flat=True)[0] > 10_000
