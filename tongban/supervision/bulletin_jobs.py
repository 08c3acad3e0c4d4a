"""The daily job that publishes the 电子监察月通报: on the first working day of a month (or the first run after
it, should the worker have missed that day) it generates the previous month's bulletin and keeps it; every
other day it has nothing to do. Imported from apps.py (the engine's own jobs live in jobs.py)."""
from __future__ import annotations

from datetime import date

from django.conf import settings

from tongban.jobs import schedule
from tongban.jobs.registry import SkipJob, job
from tongban.jobs.results import register_labels
from tongban.supervision import bulletin
from tongban.supervision.reports import Month

register_labels({"bulletin_file": "通报文件"})  # "month" and "created" have their labels already


@job("supervision.monthly_bulletin", frequency="daily", title="电子监察月通报（每月第一个工作日）")
def monthly_bulletin(run, for_date: date) -> dict:
    first_workday = schedule.first_workday(schedule.period_days("monthly", for_date))
    if first_workday is None or for_date < first_workday:
        raise SkipJob("本月第一个工作日才生成上月的通报")
    month = Month.of(for_date).previous()
    if bulletin.stored_path(month).is_file():
        raise SkipJob(f"{month.label}的通报已生成")
    path, created = bulletin.publish(month, for_date)
    return {"month": month.key, "bulletin_file": str(path.relative_to(settings.MEDIA_ROOT)), "created": created}
