"""The fault scan as a daily job (recorded on the jobs page, re-runnable by date); the Huey worker also runs
the same service every quarter of an hour (`tasks.py`), so a fault is listed within minutes of the limit."""
from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from tongban.jobs.registry import job
from tongban.jobs.results import register_labels
from tongban.terminals import services

register_labels({"faults_opened": "新发现的故障", "faults_closed": "已恢复的故障", "faults_open": "仍在故障的终端"})


@job("terminals.detect_faults", frequency="daily", title="乡镇电子监察终端故障检查")
def detect_faults(run, for_date: date) -> dict:
    """As of now for today; for a past day, as of that day's end (a missed day run by hand)."""
    if for_date >= timezone.localdate():
        return services.detect_faults()
    return services.detect_faults(timezone.make_aware(datetime.combine(for_date, time.max)))
