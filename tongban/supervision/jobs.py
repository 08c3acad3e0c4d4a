"""电子监察的日监测: the scan, then 督办单, escalation and measures; idempotent for its day, so
`tongban jobs run supervision.daily_scan --date …` may be repeated safely."""
from __future__ import annotations

from datetime import date

from tongban.jobs.registry import job
from tongban.jobs.results import register_labels
from tongban.supervision import services

register_labels({"scanned": "扫描时钟数", "changed": "状态变化数", "full": "全量扫描", "urges": "新督办单",
                 "escalated": "督办升级", "measures": "新开整改措施", "skipped": "跳过"})


@job("supervision.daily_scan", frequency="daily", title="电子监察日扫描（临期、超期、亮牌、督办）")
def daily_scan(run, for_date: date) -> dict:
    return services.daily(for_date)
