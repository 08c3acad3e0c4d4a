"""电子监察 (issue 11): every clock of a case and of its department tasks, its state, cards and 督办.

    cases.Case / CaseTask ──(scan: set-based sync)──▶ Clock   one row per (case, kind) and per task
                                                        │       start, workdays ─(calendar)─▶ due_date
                                                        │       state 正常 / 临期 / 超期 / 暂停 / 结束, card
                                                        ├──▶ ClockEvent   every change of state or card
                                                        └──▶ Card ──▶ Urge (督办单) ──▶ UrgeEscalation
    SupervisionSettings (one row) and EscalationStep (rows): the policy, each value with its source.
    MeasureOpening: one rectification measure per unit and month (source: 超期办件).

The clocks are supervision's own table (the promised limit copied from the case, the statutory one computed
here), kept by the daily scan (`clocks.scan`) in a fixed number of statements whatever the number of cases.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tongban.core.models import PolicySettingsModel, TimeStampedModel
from tongban.org.scopes import ScopedQuerySet
from tongban.supervision.choices import (
    Audience,
    CardColor,
    CardReason,
    ClockKind,
    ClockPhase,
    ClockState,
    MeasureTrigger,
    UrgeStatus,
)


class SupervisionSettings(PolicySettingsModel):
    """The region's supervision policy (one row, edited in 系统管理); every default names its source
    (../shared/RULES.md, 电子监察). Changing a threshold makes the next scan a full one."""

    warn_workdays = models.PositiveSmallIntegerField(
        "临期预警（到期前工作日）", default=1,
        help_text="到期前 N 个工作日起为临期、亮黄牌。来源：各地电子监察通行做法为到期前 1 个工作日（有的地方 2 日）[local]")
    red_after_workdays = models.PositiveSmallIntegerField(
        "超期红牌线（超期工作日数超过）", default=1,
        help_text="超期首日黄牌，超期超过 N 个工作日亮红牌。来源：电子监察“逾期或逾期超过 N 日亮红牌”[local]")
    repeat_yellow_cards = models.PositiveSmallIntegerField(
        "重复亮牌（单位当月黄牌数）", default=3,
        help_text="同一单位当月已有 N 张黄牌时，再亮的黄牌改为红牌；0 为不启用。来源：电子监察“重复发生亮红牌”[local][unconfirmed]")
    urge_reply_workdays = models.PositiveSmallIntegerField(
        "督办答复期限（工作日）", default=2,
        help_text="督办单发出后 N 个工作日内答复。来源：本地规定 [local][unconfirmed]")
    measure_trigger = models.CharField(
        "开整改措施的条件", max_length=20, choices=MeasureTrigger.choices, default=MeasureTrigger.RED_CARD,
        help_text="每个单位每月至多一项整改措施（来源：超期办件），不是一件一项，台账才读得下去。来源：issue 11")
    measure_deadline_workdays = models.PositiveSmallIntegerField(
        "整改措施完成时限（工作日）", default=15,
        help_text="自开措施之日起。来源：整改时限各地 5—15 个工作日（RULES.md 好差评整改，如遂宁 15 个工作日）[local]")

    class Meta:
        verbose_name = "电子监察设置"
        verbose_name_plural = "电子监察设置"

    def __str__(self) -> str:
        return "电子监察设置"


class EscalationStep(TimeStampedModel):
    """督办升级: a 督办单 unanswered `after_workdays` past its current deadline climbs to this level (the
    previous level being `level - 1`), speaks to `audience` and gets a new deadline. Rows, so a region
    changes the ladder without code (RULES.md: 提醒 → 警示 → 红色通报, each only when the previous went
    unanswered)."""

    level = models.PositiveSmallIntegerField("级别", unique=True, help_text="1 为第一次升级；督办单发出时为 0 级")
    name = models.CharField("名称", max_length=20)
    after_workdays = models.PositiveSmallIntegerField("答复期限过后（工作日）", default=0,
                                                      help_text="0：答复期限过后的第一个工作日即升级")
    audience = models.CharField("通知谁", max_length=20, choices=Audience.choices)
    reply_workdays = models.PositiveSmallIntegerField("新的答复期限（工作日）", default=1)
    publish = models.BooleanField("列入月通报", default=False, help_text="红色通报在月通报中公开并扣考核分")
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        ordering = ["level"]
        verbose_name = "督办升级规则"
        verbose_name_plural = "督办升级规则"

    def __str__(self) -> str:
        return f"{self.level} 级：{self.name}"


class ClockQuerySet(ScopedQuerySet):
    pass


class Clock(models.Model):
    """One clock of a case (承诺时限, 法定时限, §44 出件时限), of a department task (审查承诺时限) or of one step of a
    task (环节时限: one clock per step, so a late step keeps its own record when the next one starts)."""

    kind = models.CharField("时限类型", max_length=20, choices=ClockKind.choices)
    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.CASCADE, related_name="supervision_clocks")
    task = models.ForeignKey("cases.CaseTask", verbose_name="子办件", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="supervision_clocks", db_index=False)  # (task, kind) is unique: indexed
    step = models.ForeignKey("cases.TaskStep", verbose_name="办理环节", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="supervision_clocks", db_index=False)  # (step, kind) is unique: indexed
    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    # Inputs (copied from the case by the scan) and the due date over the calendar (workdays.clocks).
    phase = models.CharField("计时", max_length=10, choices=ClockPhase.choices, default=ClockPhase.RUN)
    start = models.DateField("计时起点", null=True, blank=True)
    workdays = models.PositiveSmallIntegerField("时限（工作日，含已结束的特别程序）", default=0)
    due_date = models.DateField("到期日", null=True, blank=True)
    # What the scan found.
    state = models.CharField("状态", max_length=20, choices=ClockState.choices, default=ClockState.NORMAL)
    card = models.CharField("亮牌", max_length=10, choices=CardColor.choices, default=CardColor.NONE, blank=True)
    card_reason = models.CharField("亮牌原因", max_length=20, choices=CardReason.choices, default=CardReason.NONE,
                                   blank=True)
    first_overdue_on = models.DateField("首次超期日", null=True, blank=True)
    state_since = models.DateField("状态起始日", null=True, blank=True)
    dirty = models.BooleanField("待重算", default=True, editable=False)

    objects = ClockQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        # No index holds `state` or `card`: the scan rewrites them, and PostgreSQL can then update the row
        # in place (HOT) without touching any index — given room on its page: migration 0004 sets the table's
        # fillfactor to 80 on PostgreSQL.
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], condition=Q(task__isnull=True), name="supervision_case_clock"),
            models.UniqueConstraint(fields=["task", "kind"], condition=Q(task__isnull=False, step__isnull=True),
                                    name="supervision_task_clock"),
            models.UniqueConstraint(fields=["step", "kind"], condition=Q(step__isnull=False), name="supervision_step_clock"),
        ]
        indexes = [
            models.Index(fields=["due_date", "phase"], name="supervision_clock_due"),
            models.Index(fields=["dirty"], condition=Q(dirty=True), name="supervision_clock_dirty"),
        ]
        verbose_name = "监察时钟"
        verbose_name_plural = "监察时钟"

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class ClockEvent(models.Model):
    """Append-only: one row per change of a clock's state or card found by a scan (written set-based)."""

    clock = models.ForeignKey(Clock, verbose_name="时钟", on_delete=models.CASCADE, related_name="events")
    on = models.DateField("扫描日期")
    from_state = models.CharField("原状态", max_length=20, choices=ClockState.choices)
    to_state = models.CharField("新状态", max_length=20, choices=ClockState.choices)
    from_card = models.CharField("原亮牌", max_length=10, choices=CardColor.choices, blank=True)
    to_card = models.CharField("新亮牌", max_length=10, choices=CardColor.choices, blank=True)
    to_reason = models.CharField("亮牌原因", max_length=20, choices=CardReason.choices, blank=True)
    due_date = models.DateField("到期日", null=True, blank=True)

    class Meta:
        ordering = ["on", "pk"]
        # Read only per clock (the FK's index); no index on `on`: each scan appends up to 100,000+ rows a day
        # at a million cases and every index is paid on each of them.
        verbose_name = "时钟状态变化"
        verbose_name_plural = "时钟状态变化"

    def __str__(self) -> str:
        return f"{self.on} {self.from_state}→{self.to_state}"


class Card(models.Model):
    """A yellow or red card, issued once per clock, colour and due date (the scan inserts them)."""

    # (clock, colour, due date) is unique and (unit, month, colour) indexed: no separate index on either column
    clock = models.ForeignKey(Clock, verbose_name="时钟", on_delete=models.CASCADE, related_name="cards", db_index=False)
    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.CASCADE, related_name="supervision_cards")
    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    kind = models.CharField("时限类型", max_length=20, choices=ClockKind.choices)
    color = models.CharField("颜色", max_length=10, choices=CardColor.choices)
    reason = models.CharField("原因", max_length=20, choices=CardReason.choices)
    due_date = models.DateField("到期日")
    issued_on = models.DateField("亮牌日期")
    month = models.DateField("月份", help_text="亮牌当月的第一天")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["clock", "color", "due_date"], name="supervision_card_once")]
        indexes = [models.Index(fields=["unit", "month", "color"], name="supervision_card_unit_month"),
                   models.Index(fields=["issued_on"], name="supervision_card_issued")]
        verbose_name = "亮牌"
        verbose_name_plural = "亮牌"

    def __str__(self) -> str:
        return f"{self.get_color_display()} {self.case_id}"

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url()


class Urge(TimeStampedModel):
    """督办单: raised by a card, sent to the responsible department, answered by it; unanswered, it climbs
    the escalation ladder one level at a time."""

    card = models.OneToOneField(Card, verbose_name="亮牌", on_delete=models.CASCADE, related_name="urge")
    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.CASCADE, related_name="urges")
    unit = models.ForeignKey("org.Unit", verbose_name="责任部门", on_delete=models.PROTECT, related_name="urges",
                             db_index=False)  # (unit, status) is indexed
    issued_on = models.DateField("督办日期")
    reply_due = models.DateField("答复期限", db_index=True)
    level = models.PositiveSmallIntegerField("督办级别", default=0)
    status = models.CharField("状态", max_length=20, choices=UrgeStatus.choices, default=UrgeStatus.WAITING)
    reply = models.TextField("答复", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    notified = models.BooleanField("已通知", default=False, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["reply_due", "pk"]
        indexes = [models.Index(fields=["status", "reply_due"], name="supervision_urge_waiting"),
                   models.Index(fields=["unit", "status"], name="supervision_urge_unit")]
        verbose_name = "督办单"
        verbose_name_plural = "督办单"

    def __str__(self) -> str:
        return f"督办单 {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:urge_detail", args=[self.pk])

    @property
    def level_name(self) -> str:
        if self.level == 0:
            return "督办"
        if hasattr(self, "escalation_name"):  # annotated by selectors.with_level_names: no query per row
            return self.escalation_name or f"{self.level} 级"
        step = EscalationStep.objects.filter(level=self.level).first()
        return step.name if step else f"{self.level} 级"


class UrgeEscalation(models.Model):
    """One row per (督办单, level): the step is claimed once, so a day run twice escalates nothing twice."""

    urge = models.ForeignKey(Urge, verbose_name="督办单", on_delete=models.CASCADE, related_name="escalations")
    step = models.ForeignKey(EscalationStep, verbose_name="升级规则", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField("级别")
    on = models.DateField("升级日期")
    reply_due = models.DateField("新的答复期限")
    notified = models.BooleanField("已通知", default=False, editable=False)

    class Meta:
        ordering = ["urge", "level"]
        constraints = [models.UniqueConstraint(fields=["urge", "level"], name="supervision_escalation_once")]
        verbose_name = "督办升级"
        verbose_name_plural = "督办升级"


class MeasureOpening(models.Model):
    """The one rectification measure of a unit for a month (source 超期办件), claimed by its unique row."""

    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")
    measure = models.ForeignKey("rectification.Measure", verbose_name="整改措施", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    opened_on = models.DateField("开措施日期")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="supervision_measure_once")]
        verbose_name = "超期办件整改措施"
        verbose_name_plural = "超期办件整改措施"


class ScanRun(models.Model):
    """The scans done: the day, full or incremental, the thresholds used (a change forces a full scan)."""

    on = models.DateField("扫描日期", unique=True)
    full = models.BooleanField("全量", default=True)
    scanned = models.PositiveIntegerField("扫描时钟数", default=0)
    changed = models.PositiveIntegerField("状态变化数", default=0)
    thresholds = models.JSONField("阈值", default=dict)
    started_at = models.DateTimeField("开始时间")
    case_event_id = models.BigIntegerField("已读到的办件事件", default=0,
                                           help_text="下一次增量扫描只同步此后有办件事件的办件")
    seconds = models.FloatField("用时（秒）", default=0)

    class Meta:
        ordering = ["-on"]
        verbose_name = "电子监察扫描"
        verbose_name_plural = "电子监察扫描"
