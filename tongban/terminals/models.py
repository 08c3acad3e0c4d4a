"""乡镇电子监察终端: each township's electronic-supervision system reports a heartbeat; silence is a fault.

    Terminal       one per township 便民服务中心 (the unit), with its own API token (stored hashed)
    TerminalFault  from the moment a terminal had been silent longer than the policy allows until it
                   reports again (open while `ended_at` is empty; at most one open per terminal)
    TerminalSettings  the policy (one row, editable in 系统管理): how many hours of silence make a fault

Seed 000 §二(八): "对各乡镇电子监察系统进行故障排查和修复，确保网络畅通" — the duty page lists the open faults
every morning (docs/terminals.md).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tongban.core.models import PolicySettingsModel, TimeStampedModel
from tongban.org.scopes import ScopedQuerySet


class TerminalSettings(PolicySettingsModel):
    """Database-editable terminal policy (one row), each value with its source."""

    silent_hours = models.PositiveSmallIntegerField(
        "静默多少小时视为故障", default=24,
        help_text="[local] 000 号文件要求对各乡镇电子监察系统“故障排查和修复，确保网络畅通”，未规定时长；"
                  "默认 24 小时：下班关机不算故障，整整一天没有心跳才算")

    class Meta:
        verbose_name = "终端设置"
        verbose_name_plural = "终端设置"

    def __str__(self) -> str:
        return "终端设置"


class Terminal(TimeStampedModel):
    unit = models.OneToOneField("org.Unit", verbose_name="所属乡镇", on_delete=models.PROTECT,
                                related_name="terminal")
    code = models.SlugField("终端编号", max_length=40, unique=True)
    name = models.CharField("终端名称", max_length=100)
    token_hash = models.CharField("令牌摘要", max_length=64, blank=True, db_index=True, editable=False,
                                  help_text="SHA-256；令牌本身只在生成时显示一次")
    token_hint = models.CharField("令牌末四位", max_length=4, blank=True, editable=False)
    token_created_at = models.DateTimeField("令牌生成时间", null=True, blank=True, editable=False)
    last_seen_at = models.DateTimeField("最近心跳", null=True, blank=True, db_index=True)
    last_address = models.GenericIPAddressField("最近心跳来源地址", null=True, blank=True)
    software_version = models.CharField("终端软件版本", max_length=40, blank=True)
    is_active = models.BooleanField("启用", default=True, help_text="停用的终端不再检查心跳")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["unit__sort_order", "code"]
        verbose_name = "电子监察终端"
        verbose_name_plural = "电子监察终端"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('terminals:list')}#terminal-{self.pk}"

    def clean(self) -> None:
        if self.unit_id and self.unit.kind.code != "township":
            raise ValidationError({"unit": "电子监察终端须登记在乡镇便民服务中心下（每个乡镇一台）。"})


class TerminalFault(models.Model):
    """A terminal silent longer than `TerminalSettings.silent_hours`: from `started_at` (its last heartbeat
    plus the allowed silence) until it reports again (`ended_at`)."""

    terminal = models.ForeignKey(Terminal, verbose_name="终端", on_delete=models.CASCADE, related_name="faults")
    silent_since = models.DateTimeField("最后一次心跳（或登记）时间")
    started_at = models.DateTimeField("故障开始", db_index=True)
    ended_at = models.DateTimeField("恢复时间", null=True, blank=True, db_index=True)
    detected_at = models.DateTimeField("发现时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "terminal__unit"

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["terminal"], condition=Q(ended_at__isnull=True),
                                               name="terminals_one_open_fault")]
        verbose_name = "终端故障"
        verbose_name_plural = "终端故障"

    def __str__(self) -> str:
        return f"{self.terminal} 故障（{self.started_at:%Y-%m-%d %H:%M}）"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
