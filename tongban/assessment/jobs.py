"""The assessment's jobs: on the first working day of a month, score the previous month; every day, lock the
months whose objection window has passed (with no objection pending)."""
from __future__ import annotations

from datetime import date

from tongban.jobs.registry import job


@job("assessment.score_month", frequency="monthly", title="效能考核月度评分（上月）")
def score_previous_month(run, for_date: date) -> dict:
    from tongban.assessment import services
    from tongban.supervision.reports import Month

    from tongban.assessment.models import Scheme

    month = Month.of(for_date).previous()
    if not Scheme.objects.filter(valid_from__lte=month.first).exists():
        return {"month": month.key, "skipped": "没有在用的考核方案"}
    assessment, created = services.score_month(month, for_date)
    return {"month": month.key, "created": created, "sheets": assessment.sheets.count()}


@job("assessment.lock_due", frequency="daily", title="效能考核申诉期满锁定")
def lock_due(run, for_date: date) -> dict:
    from tongban.assessment import services

    return {"locked": services.lock_due(for_date)}
