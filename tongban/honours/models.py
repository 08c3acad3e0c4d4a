"""评优 (000 §二(七)): 党员示范岗, 服务标兵, 巾帼英雄岗 — kinds as data, candidates from the records,
nomination by the centre's office, decision by a leader, the honour on the portal and on the window.

    HonourKind (period, places, subject, eligibility, candidate rules) ──▶ Honour (one subject, one period:
    nominated → awarded / rejected, with the figures at nomination and a decision number)
    StaffTraits: a person's eligibility attributes (中共党员, 女性) — org keeps neither.
    HonourSettings: the decision number's wording and its running count per year.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tongban.core.models import PolicySettingsModel, TimeStampedModel
from tongban.honours.choices import HonourStatus, Period, Requirement, Subject
from tongban.org.scopes import ScopedQuerySet

SOURCE = "来源：000 §二(七)“常态化开展党员示范岗、服务标兵、巾帼英雄岗评选”；具体条件由本中心评选办法确定[local]"
NUMBER_FIELDS = ("year", "n")
NUMBER_MAX_LENGTH = 60  # Honour.decision_number


def number_format_error(wording: str) -> str:
    """Why a decision number wording cannot number every decision of every year (empty when it can): only
    {year} and {n}, both present (without {year} next January's numbers repeat this year's), and a trial
    number that formats and fits the decision number's field."""
    import string

    try:
        names = [name for _, name, _, _ in string.Formatter().parse(wording) if name is not None]
    except ValueError:
        return "花括号不成对（字面的花括号请写成 {{ 或 }}）"
    unknown = [f"{{{name}}}" for name in names if name not in NUMBER_FIELDS]
    if unknown:
        return f"只能使用 {{year}}（年度）和 {{n}}（当年第几号），不认识：{'、'.join(dict.fromkeys(unknown))}"
    missing = [f"{{{name}}}" for name in NUMBER_FIELDS if name not in names]
    if missing:
        return f"必须含有 {'和'.join(missing)}：缺了 {{year}} 次年的文号会与本年重复，缺了 {{n}} 每个决定的文号都相同"
    try:
        trial = wording.format(year=2099, n=99999)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        return f"试排文号出错（{exc}）"
    if len(trial) > NUMBER_MAX_LENGTH:
        return f"排出的文号（如“{trial}”）超过 {NUMBER_MAX_LENGTH} 个字"
    return ""


class HonourSettings(PolicySettingsModel):
    number_format = models.CharField(
        "决定文号格式", max_length=60, default="县政务服务中心评优〔{year}〕{n}号",
        help_text="{year} 为年度，{n} 为当年第几号（授予、不授予的决定都编号）。来源：本中心发文习惯[local]")
    last_year = models.PositiveSmallIntegerField("最近编号年度", default=0, editable=False)
    last_number = models.PositiveIntegerField("当年已用号", default=0, editable=False)

    class Meta:
        verbose_name = "评优设置"
        verbose_name_plural = "评优设置"

    def __str__(self) -> str:
        return "评优设置"

    def clean(self) -> None:
        error = number_format_error(self.number_format or "")
        if error:
            raise ValidationError({"number_format": f"决定文号格式有误：{error}。"})


class HonourKind(TimeStampedModel):
    """One honour a centre awards, with its period, places, who is eligible and the candidate rules."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    period = models.CharField("评选周期", max_length=10, choices=Period.choices, default=Period.MONTHLY)
    places = models.PositiveSmallIntegerField("名额", default=1, help_text="每期最多授予几个。" + SOURCE)
    subject = models.CharField("评选对象", max_length=10, choices=Subject.choices, default=Subject.WINDOW)
    requires = models.CharField("资格条件", max_length=20, choices=Requirement.choices, blank=True, default="",
                                help_text="只用于工作人员：须在“评优资格”中登记为中共党员或女性")
    window_staff_only = models.BooleanField("只评窗口人员", default=True,
                                            help_text="只用于工作人员：只评在窗口工作的人员；不勾选则中心机关人员也参评")
    min_score = models.DecimalField("效能考核最低得分", max_digits=7, decimal_places=2, null=True, blank=True,
                                    help_text="本期各月考核得分（所在单位的得分表）的平均不低于此分；空为不限。"
                                              "默认 90：高于合格线 80（RULES.md）[local]")
    min_ratings = models.PositiveSmallIntegerField("最少评价数", default=0,
                                                   help_text="本期好差评至少几条；0 为不限[local]")
    no_bad_review = models.BooleanField("本期无差评", default=True, help_text="申诉成立的差评不计。" + SOURCE)
    no_upheld_complaint = models.BooleanField("本期无属实投诉", default=True, help_text=SOURCE)
    no_lateness = models.BooleanField("本期无迟到早退", default=True, help_text="按考勤表（窗口：该窗口全部人员）。" + SOURCE)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "评优项目"
        verbose_name_plural = "评优项目"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.requires and self.subject != Subject.STAFF:
            raise ValidationError({"requires": "资格条件（党员、女性）只适用于评选工作人员的项目。"})
        if self.places < 1:
            raise ValidationError({"places": "名额至少为 1。"})


class StaffTraits(TimeStampedModel):
    """Eligibility attributes of one person for 评优; org keeps neither party membership nor sex."""

    staff = models.OneToOneField("org.Staff", verbose_name="工作人员", on_delete=models.CASCADE,
                                 related_name="honour_traits")
    party_member = models.BooleanField("中共党员", default=False)
    female = models.BooleanField("女性", default=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "staff__unit"
    scope_window_field = "staff__window"

    class Meta:
        verbose_name = "评优资格"
        verbose_name_plural = "评优资格"

    def __str__(self) -> str:
        return f"{self.staff} 评优资格"


class Honour(TimeStampedModel):
    """One subject (window or person) put up for one kind in one period: nominated by the office with a
    reason and the figures of that day, then awarded or not by a leader with a note and a decision number."""

    kind = models.ForeignKey(HonourKind, verbose_name="评优项目", on_delete=models.PROTECT, related_name="honours")
    period_start = models.DateField("评选期开始", help_text="月或季度的第一天")
    period_end = models.DateField("评选期结束")
    window = models.ForeignKey("org.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="honours")
    staff = models.ForeignKey("org.Staff", verbose_name="工作人员", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="honours")
    unit = models.ForeignKey("org.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+")
    subject_name = models.CharField("评选对象", max_length=120, help_text="提名时的窗口名称或姓名")
    status = models.CharField("状态", max_length=12, choices=HonourStatus.choices, default=HonourStatus.NOMINATED)
    reason = models.TextField("提名理由")
    figures = models.JSONField("提名时的数据", default=dict, blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提名人", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_note = models.TextField("决定意见", blank=True)
    decision_number = models.CharField("决定文号", max_length=60, null=True, blank=True, unique=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_window_field = "window"

    class Meta:
        ordering = ["-period_start", "kind__sort_order", "pk"]
        verbose_name = "评优"
        verbose_name_plural = "评优"
        constraints = [
            models.CheckConstraint(condition=Q(window__isnull=False, staff__isnull=True)
                                   | Q(window__isnull=True, staff__isnull=False), name="honours_one_subject"),
            models.UniqueConstraint(fields=["kind", "period_start", "window"], condition=Q(window__isnull=False),
                                    name="honours_window_once_per_period"),
            models.UniqueConstraint(fields=["kind", "period_start", "staff"], condition=Q(staff__isnull=False),
                                    name="honours_staff_once_per_period"),
        ]
        indexes = [models.Index(fields=["status", "period_start"], name="honours_by_status_period")]

    def __str__(self) -> str:
        return f"{self.period_label} {self.kind.name} {self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("honours:detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        from tongban.honours.periods import HonourPeriod

        return HonourPeriod(self.period_start, self.period_end).label

    @property
    def score(self) -> Decimal | None:
        value = (self.figures or {}).get("score")
        return Decimal(value) if value is not None else None
