"""One row per (job, period): the claim that makes a job run at most once for its day, week or month."""
from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse

from tongban.core.models import ProgressModel
from tongban.jobs.choices import RUN_STATUS_COLORS, RunStatus, Trigger
from tongban.jobs.registry import get_job
from tongban.org.scopes import ScopedQuerySet


class JobRun(ProgressModel):
    """A run belongs to no unit: county-wide scopes (and superusers) see every run, others none.

    `period_key` is the day for daily jobs and the first workday of the week / month for weekly /
    monthly ones, so the unique (job, period_key) pair is what "done for this period" means.
    """

    job = models.CharField("任务", max_length=100)
    period_key = models.DateField("周期")
    status = models.CharField("状态", max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("运行次数", default=1)
    result = models.JSONField("结果", default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField("错误信息", blank=True)
    trigger = models.CharField("触发方式", max_length=20, choices=Trigger.choices, default=Trigger.SCHEDULE)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="触发人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    # Set by `services.run_job` on the record it returns: what that call did (an `Outcome`).
    outcome: str = ""

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["job", "period_key"], name="jobs_jobrun_one_per_period")]
        indexes = [models.Index(fields=["status", "-started_at"], name="jobs_jobrun_status")]
        verbose_name = "任务运行记录"
        verbose_name_plural = "任务运行记录"

    def __str__(self) -> str:
        return f"{self.title}（{self.period_key.isoformat()}）"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def title(self) -> str:
        spec = get_job(self.job)
        return spec.title if spec else self.job

    @property
    def status_color(self) -> str:
        return RUN_STATUS_COLORS.get(self.status, "secondary")

    @property
    def is_running(self) -> bool:
        return self.status == RunStatus.RUNNING

    @property
    def is_pending(self) -> bool:
        """Queued or running: the page keeps polling it."""
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

