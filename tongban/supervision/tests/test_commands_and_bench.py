"""The scan by hand (`tongban supervision scan`), the daily job through the real job runner, and both benches
at a small size (their figures are the commands' business, not the tests')."""
from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tongban.supervision.models import Clock, Urge

pytestmark = pytest.mark.django_db


def scan_json(day: str) -> dict:
    out = StringIO()
    call_command("supervision", "scan", "--date", day, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_scan_command_prints_date_scanned_changed_and_a_second_run_changes_nothing(accepted):
    accepted(date(2025, 9, 26))
    assert scan_json("2025-09-26")["date"] == "2025-09-26"
    first = scan_json("2025-10-13")
    assert set(first) == {"date", "scanned", "changed"} and first["scanned"] >= first["changed"] > 0
    assert scan_json("2025-10-13")["changed"] == 0
    assert Urge.objects.count() == 2


def test_the_scan_command_speaks_chinese(accepted):
    accepted(date(2025, 9, 26))
    out = StringIO()
    call_command("supervision", "scan", "--date", "2025-10-09", stdout=out)
    assert "扫描时钟" in out.getvalue() and "新督办单 2 张" in out.getvalue()
    with pytest.raises(CommandError, match="日期“2025-13-01”无效"):
        call_command("supervision", "scan", "--date", "2025-13-01")


def test_the_daily_job_runs_the_scan_once_per_day(accepted):
    from tongban.jobs.services import run_job

    accepted(date(2025, 9, 26))
    run_job("supervision.daily_scan", date(2025, 9, 26), trigger="manual")
    run = run_job("supervision.daily_scan", date(2025, 10, 9), trigger="manual")
    assert run.result["urges"] == 2 and run.result["changed"] > 0
    assert run_job("supervision.daily_scan", date(2025, 10, 9), trigger="manual").result == run.result
    forced = run_job("supervision.daily_scan", date(2025, 10, 9), trigger="manual", force=True)
    assert forced.result["changed"] == 0 and forced.result["urges"] == 0
    assert Clock.objects.filter(card="yellow").count() == 2


def test_the_supervision_bench_agrees_with_its_reference_and_leaves_nothing_behind():
    from tongban.supervision.bench import run_supervision_bench

    report = run_supervision_bench(400, units=3, log=lambda text: None)
    assert report["same_counts"] is True
    assert report["cases"] == 400 and report["clocks"] == 800
    assert min(report["scan_seconds"], report["reference_seconds"], report["incremental_seconds"]) >= 0
    assert report["bench_cases_left"] == 0 and not Clock.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_committed_supervision_bench_agrees_deletes_its_rows_and_restores_the_repeat_rule():
    """`--committed` commits the load and the first scan (vacuumed on PostgreSQL), times the days in a rolled-back
    transaction and deletes its own rows: nothing of it may stay in the database."""
    from django.utils import timezone

    from tongban.cases.models import Case, CaseEvent, Suspension
    from tongban.supervision.bench import run_supervision_bench
    from tongban.supervision.models import Card, ClockEvent, ScanRun, SupervisionSettings

    policy = SupervisionSettings.load()
    policy.repeat_yellow_cards = 3
    policy.save()
    report = run_supervision_bench(300, units=2, committed=True, log=lambda text: None)
    assert report["same_counts"] is True and report["committed"] is True and report["clocks"] == 600
    assert report["changed_full"] > 0 and report["scanned_incremental"] >= report["changed_incremental"] > 0
    for model in (Case, CaseEvent, Suspension, Clock, ClockEvent, Card, ScanRun):
        assert not model.objects.exists(), model
    assert SupervisionSettings.load().repeat_yellow_cards == 3
    with pytest.raises(RuntimeError, match="scratch database"):
        ScanRun.objects.create(on=date(2025, 1, 2), started_at=timezone.now())
        run_supervision_bench(10, units=1, committed=True, log=lambda text: None)


def test_the_supervision_bench_prints_the_issues_json_keys():
    out = StringIO()
    call_command("bench", "supervision", "--cases", "150", "--units", "2", "--json", stdout=out, stderr=StringIO())
    assert set(json.loads(out.getvalue())) == {"cases", "scan_seconds", "reference_seconds", "ratio", "same_counts",
                                              "incremental_seconds"}


def test_the_duedates_bench_gives_the_calendar_tables_answers_and_the_naive_loops_alike():
    out = StringIO()
    call_command("bench", "duedates", "--cases", "600", "--sample", "120", "--json", stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    assert report["cases"] == 600 and report["same_answers"] is True and report["speedup"] > 0


def test_the_naive_loop_knows_the_holidays():
    from tongban.supervision.bench import naive_due

    assert naive_due(date(2025, 9, 26), 5) == date(2025, 10, 10)
    assert naive_due(date(2025, 10, 1), 0) == date(2025, 10, 9)
