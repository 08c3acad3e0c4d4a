"""Exports too large to build during a request: a record the page polls, and the file when it is done."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from tongban.core.models import ProgressModel, TimeStampedModel


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导出中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "导出失败"


class ExportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExportQuerySet:
        """An export is its requester's own: it holds what their scope showed them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(by=user)


class Export(ProgressModel, TimeStampedModel):
    """One export run by the worker (`documents.exports`): progress while it runs, a download after."""

    kind = models.CharField("导出类型", max_length=60)
    title = models.CharField("名称", max_length=200)
    file_name = models.CharField("文件名", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.CASCADE,
                           related_name="+")
    status = models.CharField("状态", max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    path = models.CharField("文件", max_length=300, blank=True, help_text="MEDIA_ROOT 下的相对路径")
    rows = models.PositiveIntegerField("行数", default=0)
    error = models.TextField("错误", blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "导出"
        verbose_name_plural = "导出"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:export", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.SUCCEEDED, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        return 100 if self.status == ExportStatus.SUCCEEDED else super().percent
