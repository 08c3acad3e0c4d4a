"""The case clocks' daily jobs; each only calls a service and is idempotent for its day."""
from __future__ import annotations

from datetime import date

from tongban.cases.services import deadlines
from tongban.jobs.registry import job
from tongban.jobs.results import register_labels

register_labels({"warned": "受理期限提醒", "deemed": "视为受理", "reminded": "容缺补齐提醒", "missed": "容缺逾期未补"})


@job("cases.intake_deadlines", frequency="daily", title="受理期限监测（行政许可法第三十二条）")
def intake_deadlines(run, for_date: date) -> dict:
    return deadlines.intake_deadlines(for_date)


@job("cases.pending_deadlines", frequency="daily", title="容缺材料补齐期限监测")
def pending_deadlines(run, for_date: date) -> dict:
    return deadlines.pending_deadlines(for_date)
