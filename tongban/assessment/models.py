"""行政效能考核 (issue 14, ROADMAP M20–M23): schemes as data, a month scored from the records, objections,
红黑榜, 工作通报, and the county units' 大抓积分.

    Scheme (valid from a month) ──▶ Indicator (source: a key of sources.py, or manual with evidence)
    AssessmentMonth (one per month: scored, objection window, locked)
        └──▶ ScoreSheet (one per unit and month, with the scheme in force) ──▶ ScoreItem (one per record)
                                                                              ◀── Objection (申诉)
    BoardPublication: the month's 红黑榜 published on the portal and in the 工作通报.
    UnitIndicator / UnitIndicatorScore: 大抓积分 of county units (imported from Excel).
    AssessmentSettings: the policy (board size, objection window), each value with its source.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from tongban.assessment.choices import MANUAL, Grade, Group, ObjectionStatus, SheetStatus
from tongban.core.models import PolicySettingsModel, TimeStampedModel, VersionedModel
from tongban.org.scopes import ScopedQuerySet

POINTS = {"max_digits": 7, "decimal_places": 2}


def default_subject_kinds() -> dict:
    return {Group.WINDOW: ["department"], Group.TOWNSHIP: ["township"]}


class AssessmentSettings(PolicySettingsModel):
    """The region's assessment policy (one row, edited in 系统管理); every default names its source."""

    board_size = models.PositiveSmallIntegerField(
        "红黑榜各列几名", default=5,
        help_text="窗口单位和乡镇各列得分最高（红榜）和最低（黑榜）的前 N 名。来源：RULES.md 行政效能考核“红黑榜每月前 5 名、后 5 名，附原因”[local]")
    objection_workdays = models.PositiveSmallIntegerField(
        "申诉期（工作日）", default=3,
        help_text="考核结果发布后 N 个工作日内可申诉，期满后由整改办锁定。来源：各地考核办法“结果公示 3 个工作日”[local][unconfirmed]")

    class Meta:
        verbose_name = "效能考核设置"
        verbose_name_plural = "效能考核设置"

    def __str__(self) -> str:
        return "效能考核设置"


class Scheme(VersionedModel):
    """A 考核办法: in force from `valid_from` (a month's first day) until the next scheme's."""

    name = models.CharField("方案名称", max_length=100)
    valid_from = models.DateField("起用月份", unique=True, help_text="该月第一天；此后各月用本方案，直到下一个方案起用")
    base_score = models.DecimalField("基础分", default=Decimal("100"), **POINTS, help_text="来源：RULES.md“基础分 100”[local]")
    cap_score = models.DecimalField("最高分", default=Decimal("110"), **POINTS,
                                    help_text="加分后不超过此分。来源：RULES.md“最高 110”[local]")
    pass_score = models.DecimalField("合格线", default=Decimal("80"), **POINTS,
                                     help_text="得分不低于此为合格。来源：RULES.md“≥ 80 合格”[local]")
    basic_score = models.DecimalField("基本合格线", default=Decimal("60"), **POINTS,
                                      help_text="得分不低于此为基本合格，低于为不合格。来源：RULES.md“60—80 基本合格，< 60 不合格”[local]")
    chief_share = models.PositiveSmallIntegerField(
        "首席代表连带比例（%）", default=50,
        help_text="窗口单位被扣分时，按此比例计入该单位首席代表的个人考核。来源：RULES.md“首席代表分担窗口扣分的一半”[local]")
    subject_kinds = models.JSONField("考核对象（单位类型）", default=default_subject_kinds,
                                     help_text="{分组: [单位类型代码]}：哪些单位参加哪一组考核")
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessment:scheme_detail", args=[self.pk])

    def grade_of(self, score: Decimal) -> str:
        if score >= self.pass_score:
            return Grade.PASS
        return Grade.BASIC if score >= self.basic_score else Grade.FAIL


class Indicator(TimeStampedModel):
    scheme = models.ForeignKey(Scheme, verbose_name="方案", on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField("指标代码", max_length=40)
    name = models.CharField("指标名称", max_length=100)
    group = models.CharField("适用分组", max_length=20, choices=Group.choices, blank=True,
                             help_text="空：各组都适用")
    source = models.CharField("来源", max_length=40, help_text="自动：数据来源代码（sources.py）；manual：人工录入并附佐证")
    points = models.DecimalField("每次分值", **POINTS, help_text="扣分为负，加分为正")
    cap = models.DecimalField("本项上限（分）", null=True, blank=True, **POINTS, help_text="本项每月扣（加）分不超过此数；空为不限")
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        ordering = ["scheme", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="assessment_indicator_once")]
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"

    def __str__(self) -> str:
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.source == MANUAL


class AssessmentMonth(TimeStampedModel):
    """One scored month: when it was scored, until when objections are taken, when it was locked."""

    month = models.DateField("月份", unique=True, help_text="该月第一天")
    scheme = models.ForeignKey(Scheme, verbose_name="方案", on_delete=models.PROTECT, related_name="months")
    scored_on = models.DateField("评分日期")
    objection_until = models.DateField("申诉截止日")
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = "考核月份"
        verbose_name_plural = "考核月份"

    def __str__(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    def get_absolute_url(self) -> str:
        return reverse("assessment:month", args=[f"{self.month:%Y-%m}"])

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"


class ScoreSheet(TimeStampedModel):
    """One unit's month: base score, every item, the total, the grade."""

    assessment = models.ForeignKey(AssessmentMonth, verbose_name="考核月份", on_delete=models.CASCADE, related_name="sheets")
    unit = models.ForeignKey("org.Unit", verbose_name="被考核单位", on_delete=models.PROTECT, related_name="score_sheets")
    group = models.CharField("分组", max_length=20, choices=Group.choices)
    status = models.CharField("状态", max_length=20, choices=SheetStatus.choices, default=SheetStatus.OBJECTION)
    base_score = models.DecimalField("基础分", **POINTS)
    deductions = models.DecimalField("扣分", default=Decimal("0"), **POINTS)
    bonus = models.DecimalField("加分", default=Decimal("0"), **POINTS)
    total = models.DecimalField("得分", **POINTS)
    grade = models.CharField("等次", max_length=10, choices=Grade.choices)
    chief_name = models.CharField("首席代表", max_length=40, blank=True)
    chief_deduction = models.DecimalField("首席代表连带扣分", default=Decimal("0"), **POINTS)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["assessment", "group", "-total", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="assessment_sheet_once")]
        verbose_name = "考核得分表"
        verbose_name_plural = "考核得分表"

    def __str__(self) -> str:
        return f"{self.unit} {self.assessment}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:sheet", args=[self.pk])


class ScoreItem(TimeStampedModel):
    """One point-bearing occurrence: the record it came from (label, URL, source key and id) or the manual entry
    with its evidence. Points beyond the indicator's cap are kept with less (or 0) counted."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name="得分表", on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="items")
    points = models.DecimalField("每次分值", **POINTS)
    counted = models.DecimalField("计入得分", **POINTS, help_text="超过本项上限的部分不计；申诉成立的为 0")
    cancelled = models.BooleanField("申诉成立已撤销", default=False)
    occurred_on = models.DateField("发生日期", null=True, blank=True)
    label = models.CharField("记录", max_length=200)
    url = models.CharField("记录地址", max_length=200, blank=True)
    record_key = models.CharField("记录类型", max_length=40, blank=True)
    record_id = models.CharField("记录ID", max_length=64, blank=True)
    note = models.TextField("说明", blank=True)
    evidence = models.FileField("佐证材料", upload_to="assessment/evidence/", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "sheet__unit"

    class Meta:
        ordering = ["sheet", "indicator__sort_order", "occurred_on", "pk"]
        verbose_name = "考核计分"
        verbose_name_plural = "考核计分"

    def __str__(self) -> str:
        return self.label

    @property
    def is_over_cap_line(self) -> bool:
        """The one line of a sheet that stands for an automatic indicator's occurrences beyond its cap (no record
        of its own, counts nothing; services.OVER_CAP_LABEL)."""
        return not self.record_id and self.record_key != MANUAL

    @property
    def over_cap(self) -> bool:
        return not self.cancelled and self.counted != self.points


class Objection(TimeStampedModel):
    """申诉: a unit objects to one item within the window; the office decides. Upheld, the item is cancelled
    and the sheet recomputed."""

    item = models.ForeignKey(ScoreItem, verbose_name="计分", on_delete=models.CASCADE, related_name="objections")
    reason = models.TextField("申诉理由")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申诉人", null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    status = models.CharField("状态", max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING)
    decision = models.TextField("决定意见", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "item__sheet__unit"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "申诉"
        verbose_name_plural = "申诉"

    def __str__(self) -> str:
        return f"申诉 {self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.item.sheet.get_absolute_url()}#objection-{self.pk}"


class BoardPublication(TimeStampedModel):
    """The month's 红黑榜, published (on the portal and in the 工作通报) once the month is locked."""

    assessment = models.OneToOneField(AssessmentMonth, verbose_name="考核月份", on_delete=models.CASCADE,
                                      related_name="board")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["-assessment__month"]
        verbose_name = "红黑榜"
        verbose_name_plural = "红黑榜"

    def __str__(self) -> str:
        return f"{self.assessment} 红黑榜"


class UnitIndicator(TimeStampedModel):
    """大抓积分 (000 §二(二)): one 放管服效 indicator of a county unit for a year, with weight and target."""

    year = models.PositiveSmallIntegerField("年度")
    code = models.SlugField("指标编码", max_length=40)
    name = models.CharField("指标名称", max_length=200)
    origin = models.CharField("来源", max_length=40, blank=True, help_text="省、市下达或县自定")
    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="unit_indicators")
    weight = models.DecimalField("权重（分）", **POINTS)
    target = models.CharField("目标", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["year", "unit__path", "code"]
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="assessment_unit_indicator_once")]
        verbose_name = "大抓积分指标"
        verbose_name_plural = "大抓积分指标"

    def __str__(self) -> str:
        return self.name


class UnitIndicatorScore(TimeStampedModel):
    """The month's completion of one indicator, 0–100 (%); the unit's points are weight × completion."""

    indicator = models.ForeignKey(UnitIndicator, verbose_name="指标", on_delete=models.CASCADE, related_name="scores")
    month = models.DateField("月份")
    completion = models.DecimalField("完成度（%）", **POINTS)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "indicator__unit"

    class Meta:
        ordering = ["month", "indicator"]
        constraints = [models.UniqueConstraint(fields=["indicator", "month"], name="assessment_unit_score_once")]
        verbose_name = "大抓积分得分"
        verbose_name_plural = "大抓积分得分"
