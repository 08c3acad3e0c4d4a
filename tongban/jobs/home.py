"""The jobs' section of the 工作台: runs that failed and were not run again, for those who may run jobs."""
from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.jobs.choices import RunStatus
from tongban.jobs.models import JobRun

SHOWN = 5
RECENT_DAYS = 30


def failed_runs(request, today: date) -> HomeContent | None:
    if not request.user.has_perm("jobs.run_job"):
        return None
    failed = JobRun.objects.visible_to(request.user).filter(
        status=RunStatus.FAILED, period_key__gte=today - timedelta(days=RECENT_DAYS)).order_by("-period_key", "-pk")
    return HomeContent(failed.count(), {"runs": list(failed[:SHOWN])},
                       more_link=reverse("jobs:list") + f"?status={RunStatus.FAILED}")


def register_sections() -> None:
    register(HomeSection(
        "jobs.failed", "运行失败的定时任务", "jobs/home/_failed.html", failed_runs,
        empty=f"近 {RECENT_DAYS} 天内运行失败、还没有重新运行成功的定时任务会出现在这里（逾期监测、周提醒、月通报、邮件摘要等）。"
              "眼下全部正常。",
        order=70, icon="bi-exclamation-triangle",
    ))
