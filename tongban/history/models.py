"""The domain event timeline: what happened to a record, with a stable code.

Field-level diffs (who changed which field from what to what) come from django-auditlog; this table
records *domain* events ("unit.moved", "measure.submitted", "job.failed") that a timeline shows.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class DomainEvent(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="记录类型")
    object_id = models.CharField("记录ID", max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    code = models.CharField("事件代码", max_length=60, db_index=True)
    message = models.CharField("说明", max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    data = models.JSONField("数据", default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        verbose_name = "业务事件"
        verbose_name_plural = "业务事件"

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
