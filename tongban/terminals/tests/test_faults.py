"""The fault scan: silent longer than the policy → one open fault, until the terminal reports again;
running the scan again changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.terminals import services
from tongban.terminals.models import Terminal, TerminalFault, TerminalSettings

pytestmark = pytest.mark.django_db


def _registered_days_ago(terminal, days: int) -> None:
    Terminal.objects.filter(pk=terminal.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_a_terminal_silent_longer_than_the_setting_gets_one_fault_however_often_the_scan_runs(terminals):
    now = timezone.now()
    services.record_heartbeat(terminals.chengguan, at=now - timedelta(hours=25))
    services.record_heartbeat(terminals.wangcun, at=now - timedelta(hours=23))
    first = services.detect_faults(now)
    assert first == {"faults_opened": 1, "faults_closed": 0, "faults_open": 1}
    assert services.detect_faults(now) == {"faults_opened": 0, "faults_closed": 0, "faults_open": 1}
    assert services.detect_faults(now + timedelta(minutes=15))["faults_opened"] == 0
    fault = TerminalFault.objects.get()
    assert fault.terminal_id == terminals.chengguan.pk
    assert fault.started_at == fault.silent_since + timedelta(hours=24)


def test_a_never_heard_terminal_is_silent_since_it_was_registered(terminals):
    _registered_days_ago(terminals.chengguan, 2)
    assert services.detect_faults()["faults_opened"] == 1  # 王村乡's terminal was registered just now


def test_the_threshold_is_the_database_setting(terminals):
    now = timezone.now()
    services.record_heartbeat(terminals.chengguan, at=now - timedelta(hours=3))
    services.record_heartbeat(terminals.wangcun, at=now - timedelta(hours=1))
    assert services.detect_faults(now)["faults_opened"] == 0
    TerminalSettings.objects.filter(pk=TerminalSettings.load().pk).update(silent_hours=2)
    assert services.detect_faults(now)["faults_opened"] == 1


def test_the_scan_closes_a_fault_whose_terminal_reported_since_and_does_not_reopen_it(terminals):
    now = timezone.now()
    services.record_heartbeat(terminals.chengguan, at=now - timedelta(hours=30))
    _registered_days_ago(terminals.wangcun, 0)
    services.detect_faults(now)
    # the heartbeat's own write of last_seen_at, as if its fault update had been lost
    Terminal.objects.filter(pk=terminals.chengguan.pk).update(last_seen_at=now)
    assert services.detect_faults(now) == {"faults_opened": 0, "faults_closed": 1, "faults_open": 0}
    assert TerminalFault.objects.get().ended_at == now
    assert services.detect_faults(now + timedelta(hours=1)) == {"faults_opened": 0, "faults_closed": 0, "faults_open": 0}


def test_a_terminal_silent_again_after_recovering_gets_a_second_fault(terminals):
    now = timezone.now()
    services.record_heartbeat(terminals.chengguan, at=now - timedelta(hours=60))
    services.detect_faults(now - timedelta(hours=30))
    services.record_heartbeat(terminals.chengguan, at=now - timedelta(hours=26))
    services.detect_faults(now)
    assert list(TerminalFault.objects.order_by("started_at").values_list("ended_at", flat=True)) == [
        now - timedelta(hours=26), None]


def test_one_open_fault_per_terminal_is_held_by_the_database(terminals):
    from django.db import IntegrityError, transaction

    now = timezone.now()
    TerminalFault.objects.create(terminal=terminals.chengguan, silent_since=now, started_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        TerminalFault.objects.create(terminal=terminals.chengguan, silent_since=now, started_at=now)


def test_the_daily_job_runs_the_scan_and_is_recorded(terminals):
    from tongban.jobs.services import run_job

    _registered_days_ago(terminals.chengguan, 2)
    run = run_job("terminals.detect_faults", timezone.localdate(), trigger="manual")
    assert run.result["faults_opened"] == 1
    assert TerminalFault.objects.filter(ended_at__isnull=True).count() == 1


def test_the_scans_result_labels_leave_other_jobs_labels_alone():
    from tongban.jobs.results import label

    assert (label("faults_opened"), label("faults_open")) == ("新发现的故障", "仍在故障的终端")
    assert (label("open"), label("created"), label("month")) == ("未完成", "新建", "月份")  # rectification's, common
