"""The public's voice (issue 13): 好差评 ratings, complaints (吐槽找茬, 12345 work orders) and sampled 回访.

A 差评, a complaint and an unsatisfied callback travel the same handling loop (`Handled`): classify → 交办 to a
unit with a due date → the unit answers → the office verifies / reports back → closed (or reopened). Work that
needs time opens a rectification `Measure` whose `source` is the record (docs/feedback.md).
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tongban.core.models import PolicySettingsModel, TimeStampedModel
from tongban.feedback.choices import (
    BAD_LEVELS, HANDLING_STATUS_COLORS, OPEN_HANDLING, AppealStatus, CallbackMethod, CallbackOutcome,
    Classification, ComplaintCategory, ComplaintChannel, HandlingStatus, HotlineUrgency, Level, RatingChannel,
    RatingKind, VISIT_REQUIRED,
)
from tongban.org.scopes import ScopedQuerySet, scope_for, scope_q


class FeedbackSettings(PolicySettingsModel):
    """The region's policy for ratings, complaints and callbacks (one row, edited in 系统管理)."""

    default_level = models.PositiveSmallIntegerField(
        "未评价时的默认评价", choices=Level.choices, null=True, blank=True,
        help_text="空为不默认评价。来源：RULES.md 好差评——有的省份 7 天未评价默认“基本满意”，本系统默认不启用")
    default_after_days = models.PositiveSmallIntegerField(
        "默认评价天数（办结后）", default=7, help_text="来源：RULES.md 好差评，部分省份 7 天")
    callback_workdays = models.PositiveSmallIntegerField(
        "差评回访时限（工作日）", default=1, help_text="实名差评 100% 回访。来源：RULES.md 好差评，默认 1 个工作日 [local]")
    rectify_workdays = models.PositiveSmallIntegerField(
        "差评整改时限（工作日）", default=5,
        help_text="来源：RULES.md 好差评，德州 5 个工作日、遂宁 15 个工作日，默认 5 [local]")
    complaint_workdays = models.PositiveSmallIntegerField(
        "投诉办理时限（工作日）", default=7, help_text="吐槽找茬与窗口登记的投诉。来源：参照 RULES.md 12345 一般工单 7 个工作日 [local]")
    hotline_ordinary_workdays = models.PositiveSmallIntegerField(
        "12345 一般工单时限（工作日）", default=7, help_text="来源：RULES.md 12345（国办发〔2020〕53号），一般 7 个工作日 [local]")
    hotline_complex_workdays = models.PositiveSmallIntegerField(
        "12345 复杂工单时限（工作日）", default=15, help_text="来源：RULES.md 12345，复杂 15 个工作日 [local]")
    hotline_urgent_workdays = models.PositiveSmallIntegerField(
        "12345 紧急工单时限（工作日）", default=1,
        help_text="来源：RULES.md 12345，水电气中断 24 小时、紧急 2 小时；按日计为 1 个工作日内 [local]")
    callback_share_percent = models.PositiveSmallIntegerField(
        "回访比例（%）", default=30, validators=[MinValueValidator(30), MaxValueValidator(50)],
        help_text="每个窗口上月办结件的回访比例，30%—50%。来源：RULES.md 回访（seed 000 §二(九)）")
    callback_max_tries = models.PositiveSmallIntegerField(
        "回访最多拨打次数", default=3, validators=[MinValueValidator(1)],
        help_text="拨打 N 次未接通记为“未接通”。来源：本地做法 [local][unconfirmed]")
    complaints_per_hour = models.PositiveSmallIntegerField(
        "每个地址每小时最多提交投诉", default=5, help_text="防刷。来源：本地做法 [local]")

    class Meta:
        verbose_name = "好差评与回访设置"
        verbose_name_plural = "好差评与回访设置"

    def __str__(self) -> str:
        return "好差评与回访设置"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not 30 <= (self.callback_share_percent or 0) <= 50:
            raise ValidationError({"callback_share_percent": "回访比例须在 30%—50% 之间。"})


class Handled(TimeStampedModel):
    """The handling loop shared by a 差评, a complaint and an unsatisfied callback."""

    # Blank while the record is not in the loop (a good rating, a callback answered 满意).
    handling_status = models.CharField("处理状态", max_length=12, choices=HandlingStatus.choices,
                                       blank=True, default="", db_index=True)
    classification = models.CharField("分类", max_length=12, choices=Classification.choices, blank=True)
    assigned_unit = models.ForeignKey("org.Unit", verbose_name="承办单位", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    assign_note = models.TextField("交办意见", blank=True)
    due_date = models.DateField("办理期限", null=True, blank=True, db_index=True)
    answer = models.TextField("承办单位答复（整改结果）", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_on_time = models.BooleanField("按期答复", null=True, blank=True, editable=False,
                                           help_text="答复日不晚于办理期限（首次答复时记下，按期整改率由此计算）")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    close_note = models.TextField("核实与反馈情况", blank=True)
    reopened_count = models.PositiveSmallIntegerField("重新交办次数", default=0)
    measure = models.ForeignKey("rectification.Measure", verbose_name="整改措施", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True

    @property
    def status_color(self) -> str:
        return HANDLING_STATUS_COLORS.get(self.handling_status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.handling_status in OPEN_HANDLING


class HandledQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> HandledQuerySet:
        """The records of the user's scope, plus those 交办 to a unit in it (the unit must see what it answers)."""
        from tongban.org.models import Unit

        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        if scope.everything:
            return self.all()
        units = Unit.objects.filter(scope_q(Unit, scope)).values("pk")
        return self.filter(scope_q(self.model, scope) | Q(assigned_unit__in=units))


class RatingQuerySet(HandledQuerySet):
    def bad(self) -> RatingQuerySet:
        return self.filter(level__in=BAD_LEVELS)

    def counted(self) -> RatingQuerySet:
        """Ratings that count in the figures: an upheld appeal takes a rating out."""
        return self.exclude(appeal_status=AppealStatus.UPHELD)


class Rating(Handled):
    """One 好差评 rating: per case (一事一评) or per visit (一次一评), by the case's applicant only."""

    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.PROTECT, related_name="ratings")
    kind = models.CharField("评价方式", max_length=8, choices=RatingKind.choices, default=RatingKind.CASE)
    visit_on = models.DateField("来办日期", null=True, blank=True, help_text="一次一评：哪一次来窗口")
    channel = models.CharField("评价渠道", max_length=10, choices=RatingChannel.choices)
    level = models.PositiveSmallIntegerField("评价", choices=Level.choices)
    tags = models.JSONField("差评原因", default=list, blank=True)
    comment = models.TextField("评价内容", blank=True)
    rated_at = models.DateTimeField("评价时间")
    is_default = models.BooleanField("默认评价", default=False)
    unit = models.ForeignKey("org.Unit", verbose_name="办理单位", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey("org.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    # 差评回访
    called_at = models.DateTimeField("回访时间", null=True, blank=True)
    call_note = models.TextField("回访情况", blank=True)
    callback_due = models.DateField("回访期限", null=True, blank=True)
    # 申诉与复核
    appeal_status = models.CharField("申诉", max_length=10, choices=AppealStatus.choices, blank=True, default="")
    appeal_reason = models.TextField("申诉理由", blank=True)
    review_note = models.TextField("复核意见", blank=True)

    objects = RatingQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_window_field = "window"

    class Meta:
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(kind="case"), name="feedback_one_rating_per_case"),
            models.UniqueConstraint(fields=["case", "visit_on"], condition=Q(kind="visit"),
                                    name="feedback_one_rating_per_visit"),
        ]
        indexes = [models.Index(fields=["rated_at", "level"], name="feedback_rating_month"),
                   models.Index(fields=["unit", "rated_at"], name="feedback_rating_unit")]
        verbose_name = "评价"
        verbose_name_plural = "评价"

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:rating_detail", args=[self.pk])

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def tag_labels(self) -> list[str]:
        from tongban.feedback.choices import RatingTag

        return [RatingTag(t).label for t in self.tags if t in RatingTag.values]

    @property
    def title(self) -> str:
        return f"差评：{self.case.title}（{self.case.number}）"


class Complaint(Handled):
    """A complaint: 吐槽找茬 from the public form, a 12345 work order, or one registered at the window."""

    number = models.CharField("编号", max_length=30, unique=True)
    channel = models.CharField("来源", max_length=10, choices=ComplaintChannel.choices)
    order_number = models.CharField("12345 工单号", max_length=40, null=True, blank=True, unique=True)
    urgency = models.CharField("紧急程度", max_length=10, choices=HotlineUrgency.choices,
                               default=HotlineUrgency.ORDINARY)
    category = models.CharField("类别", max_length=20, choices=ComplaintCategory.choices, blank=True)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    anonymous = models.BooleanField("匿名", default=False)
    name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    case = models.ForeignKey("cases.Case", verbose_name="相关办件", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="complaints")
    unit = models.ForeignKey("org.Unit", verbose_name="涉及单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    received_at = models.DateTimeField("收到时间")
    upheld = models.BooleanField("属实", null=True, blank=True)
    public_answer = models.TextField("公开答复", blank=True, help_text="去掉个人信息后在群众留言墙公开")
    published = models.BooleanField("在留言墙公开", default=False)
    verified_satisfied = models.BooleanField("投诉人满意", null=True, blank=True)
    visit_done_at = models.DateTimeField("上门回访时间", null=True, blank=True)
    visit_note = models.TextField("上门回访情况", blank=True)
    returned_at = models.DateTimeField("答复回传 12345 时间", null=True, blank=True,
                                       help_text="12345 工单：承办单位的答复已回传热线平台")
    client_key = models.CharField("提交地址摘要", max_length=64, blank=True, editable=False, db_index=True)

    objects = HandledQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["received_at"], name="feedback_complaint_received")]
        verbose_name = "投诉"
        verbose_name_plural = "投诉"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:complaint_detail", args=[self.pk])

    @property
    def needs_visit(self) -> bool:
        return self.category in VISIT_REQUIRED


class CallbackSample(TimeStampedModel):
    """One month's 回访 sample of one window: reproducible from (month, window, seed), explained in `note`."""

    month = models.DateField("月份", help_text="所抽的那个月的 1 日")
    window = models.ForeignKey("org.Window", verbose_name="窗口", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    seed = models.CharField("随机种子", max_length=64)
    share_percent = models.PositiveSmallIntegerField("比例（%）")
    population = models.PositiveIntegerField("上月办结件数")
    chosen = models.PositiveIntegerField("抽取件数")
    note = models.TextField("抽样说明")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_window_field = "window"

    class Meta:
        ordering = ["-month", "window__code"]
        constraints = [models.UniqueConstraint(fields=["month", "window"], name="feedback_one_sample_per_window")]
        verbose_name = "回访抽样"
        verbose_name_plural = "回访抽样"

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.window}"


class CallbackItem(Handled):
    """One sampled case to call back, its tries and answer; an unsatisfied answer is handled like a 差评."""

    sample = models.ForeignKey(CallbackSample, verbose_name="抽样", on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.PROTECT, related_name="+")
    applicant_key = models.CharField("申请人标识", max_length=64, editable=False,
                                     help_text="证件号码或电话的摘要：同一申请人一个月只回访一次")
    month = models.DateField("月份")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey("org.Window", verbose_name="窗口", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("入样说明", max_length=200)
    method = models.CharField("回访方式", max_length=10, choices=CallbackMethod.choices, default=CallbackMethod.PHONE)
    outcome = models.CharField("回访结果", max_length=12, choices=CallbackOutcome.choices,
                               default=CallbackOutcome.PENDING, db_index=True)
    tries = models.PositiveSmallIntegerField("拨打次数", default=0)
    remarks = models.TextField("群众意见", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回访人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    called_at = models.DateTimeField("回访时间", null=True, blank=True)
    online_key = models.CharField("网上回访链接摘要", max_length=64, null=True, blank=True, unique=True, editable=False,
                                  help_text="网上回访（二维码）链接的摘要；链接本身不保存")

    objects = HandledQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_window_field = "window"

    class Meta:
        ordering = ["month", "window__code", "case__number"]
        constraints = [
            models.UniqueConstraint(fields=["month", "applicant_key"], name="feedback_callback_applicant_once"),
            models.UniqueConstraint(fields=["month", "case"], name="feedback_callback_case_once"),
        ]
        verbose_name = "回访"
        verbose_name_plural = "回访"

    def __str__(self) -> str:
        return f"{self.case.number} 回访"

    def get_absolute_url(self) -> str:
        return reverse("feedback:callback_detail", args=[self.pk])

    @property
    def title(self) -> str:
        return f"回访不满意：{self.case.title}（{self.case.number}）"
