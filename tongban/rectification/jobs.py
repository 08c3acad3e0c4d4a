"""日监测、周提醒、月通报 (seed 000 §二(一)): the loop's scheduled jobs. Each only calls a service and
is idempotent for its period, so `tongban jobs run daily --date …` may be repeated safely."""
from __future__ import annotations

from datetime import date, timedelta

from tongban.jobs.registry import job
from tongban.rectification import services


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
