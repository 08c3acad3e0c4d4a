"""The inbox: one row per message per recipient, and the record of weekly email digests sent."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class NotificationQuerySet(models.QuerySet):
    """A message is seen by its recipient only, whatever their role (the scope layer's contract)."""

    def visible_to(self, user) -> NotificationQuerySet:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True, help_text="站内地址，如 /rectification/measures/12/")
    code = models.CharField("消息类型", max_length=60, blank=True, db_index=True)
    dedupe_key = models.CharField("去重键", max_length=200, null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=Q(dedupe_key__isnull=False),
                name="notifications_one_per_dedupe_key",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notifications_inbox")]
        verbose_name = "消息"
        verbose_name_plural = "消息"

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailDigest(models.Model):
    """A weekly digest emailed to one user: at most one per user per week, even if the job re-runs."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="+"
    )
    period_key = models.DateField("周期")
    message_count = models.PositiveIntegerField("未读消息数")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        ordering = ["-period_key", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "period_key"], name="notifications_one_digest_per_period")
        ]
        verbose_name = "邮件摘要"
        verbose_name_plural = "邮件摘要"

    def __str__(self) -> str:
        return f"{self.recipient}（{self.period_key}）"
