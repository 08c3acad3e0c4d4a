"""The morning hand-out of the problem sheets to the leaders on duty (recorded on the jobs page, re-runnable)."""
from __future__ import annotations

from datetime import date

from tongban.jobs.registry import job
from tongban.jobs.results import register_labels
from tongban.meetings import services

register_labels({"duties": "当日坐班领导", "sent": "已分送问题清单"})


@job("meetings.hand_out_sheets", frequency="daily", title="分送领导坐班问题清单")
def hand_out_sheets(run, for_date: date) -> dict:
    return services.hand_out_sheets(for_date)
