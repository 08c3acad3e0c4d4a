"""日监测、周提醒、月通报 (seed 000 §二(一)): the loop's scheduled jobs. Each only calls a service and
is idempotent for its period, so `tongban jobs run daily --date …` may be repeated safely."""
from __future__ import annotations

from datetime import date, timedelta

from tongban.jobs.registry import job
from tongban.jobs.results import register_labels
from tongban.rectification import services

register_labels({
    "overdue": "逾期", "overdue_ongoing": "时间节点逾期", "recorded": "新记录的逾期", "units": "单位数",
    "messages": "消息数", "bulletin": "通报编号", "month": "月份", "as_of": "截至", "total": "整改措施总数",
    "verified": "已整改到位", "ongoing": "长期持续整改", "open": "未完成", "pending_signoff": "申请销号待审核",
    "verified_in_month": "当月销号", "created_in_month": "当月新增", "accountability_in_month": "当月问责",
    "overdue_units": "逾期较多的单位", "unit": "单位", "late": "补发", "published_on": "发布日期",
    "found": "提示总数", "updated": "更新", "cleared": "已不存在", "fingerprinted": "新提取特征的文件",
})


@job("rectification.detect_overdue", frequency="daily", title="整改措施逾期监测（日监测）")
def detect_overdue(run, for_date: date) -> dict:
    return services.record_overdue(for_date, progress=run.set_progress if run is not None else None)


@job("rectification.weekly_reminders", frequency="weekly", title="整改周提醒")
def weekly_reminders(run, for_date: date) -> dict:
    return services.send_weekly_reminders(for_date)


@job("rectification.monthly_bulletin", frequency="monthly", title="整改月通报")
def monthly_bulletin(run, for_date: date) -> dict:
    """Runs at the start of a month and reports on the month just ended."""
    previous_month = (for_date.replace(day=1) - timedelta(days=1)).replace(day=1)
    bulletin, created = services.publish_monthly_bulletin(previous_month)
    return {"bulletin": bulletin.pk, "month": previous_month.isoformat(), "created": created, **bulletin.summary}


@job("rectification.scan_signals", frequency="daily", title="整改提示计算（表面整改、敷衍整改、虚假整改的迹象）")
def scan_signals(run, for_date: date) -> dict:
    """Nightly, the whole ledger: the thresholds may have changed, and a file compared today may match one
    uploaded tomorrow. Idempotent (signals are keyed by kind, measure and case)."""
    from tongban.rectification.signals import scan

    return scan(progress=run.set_progress if run is not None else None)
