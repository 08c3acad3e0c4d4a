"""The inbox: one row per message per recipient, and the record of weekly email digests sent."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tongban.core.models import TimeStampedModel
from tongban.notifications.choices import DELIVERY_STATUS_COLORS, ChannelKind, DeliveryStatus
from tongban.org.scopes import ScopedQuerySet


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


class Channel(TimeStampedModel):
    """Where a unit's people read messages besides the inbox and email: a 企业微信 or 钉钉 group robot, or an
    SMS gateway. Configured per unit; every message to a person of the unit is also posted there (robots:
    once per message, mentioning the people by phone; SMS: to the people's phones)."""

    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="message_channels")
    kind = models.CharField("渠道", max_length=20, choices=ChannelKind.choices)
    name = models.CharField("名称", max_length=60, blank=True, help_text="如：审批中心工作群")
    url = models.URLField("地址", max_length=500,
                          help_text="群机器人的 Webhook 地址，或短信网关的接口地址（地址中的 key 也按密钥保管）")
    secret = models.CharField("密钥", max_length=200, blank=True,
                              help_text="钉钉机器人的加签密钥，或短信网关的令牌；保存后只显示末四位")
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["unit__path", "kind", "pk"]
        verbose_name = "消息渠道"
        verbose_name_plural = "消息渠道"

    def __str__(self) -> str:
        return f"{self.unit}：{self.name or self.get_kind_display()}"

    @property
    def masked_url(self) -> str:
        """The address without its key: https://qyapi…/send?key=••••3f2a."""
        return mask_url(self.url)

    @property
    def masked_secret(self) -> str:
        return mask(self.secret)


class ChannelDelivery(models.Model):
    """One message to one channel: written with the inbox message, sent by the worker after the commit, retried
    by a job when the channel fails (never in the request that notified)."""

    channel = models.ForeignKey(Channel, verbose_name="渠道", on_delete=models.CASCADE, related_name="deliveries")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    phones = models.JSONField("手机号", default=list, blank=True)
    dedupe_key = models.CharField("去重键", max_length=200, null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    last_error = models.TextField("最近一次错误", blank=True)
    next_attempt_at = models.DateTimeField("下次发送时间", default=timezone.now)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "dedupe_key"], condition=Q(dedupe_key__isnull=False),
                                    name="notifications_one_delivery_per_dedupe_key"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notifications_delivery_due")]
        verbose_name = "渠道消息"
        verbose_name_plural = "渠道消息"

    def __str__(self) -> str:
        return self.title

    @property
    def status_color(self) -> str:
        return DELIVERY_STATUS_COLORS.get(self.status, "secondary")


def mask(secret: str) -> str:
    """Only the last four characters of a secret are ever shown back: ••••3f2a."""
    if not secret:
        return ""
    return "••••" + secret[-4:] if len(secret) > 8 else "••••"


def mask_url(url: str) -> str:
    """An address with its query values (access_token=…, key=…) masked; the host and path stay readable."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url or "")
    if not parts.query:
        return url
    query = "&".join(f"{name}={mask(value)}" for name, value in parse_qsl(parts.query, keep_blank_values=True))
    return parts._replace(query=query).geturl()
