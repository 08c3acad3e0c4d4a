"""办件: one application from intake to delivery.

    Case ─┬─ CaseTask      one per item (a department's part: 子办件), with its bundle stage
          ├─ CaseMaterial  the checklist from the catalogue: received / electronic / missing / pending
          ├─ Suspension    特别程序 and other time that does not count (§45), as rows
          ├─ Handover      the delivery record (统一出件)
          └─ CaseEvent     append-only, stable codes mapped to the national BLZT status codes

A case's clock is data (docs/decisions/0003-stored-clocks.md, `cases/clocks.py`): before acceptance it is
the §32 five working days from receipt, after it the budget in working days from acceptance plus the
workdays of every ended suspension; `due_date` and `warn_date` are stored, indexed columns that the services
and the calendar keep right, so supervision scans them with SQL.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tongban.cases.choices import (
    ApplicantKind,
    Channel,
    FileSource,
    HopClock,
    CaseStatus,
    Decision,
    ExtensionStatus,
    HandoverMethod,
    IdType,
    JoinRule,
    MaterialState,
    MissedPendingPolicy,
    StepStatus,
    TaskStatus,
)
from tongban.catalog.choices import SpecialStepKind
from tongban.core.models import PolicySettingsModel, TimeStampedModel, VersionedModel
from tongban.org.scopes import ScopedQuerySet, scope_for, scope_q, scope_unit_ids


class CaseSettings(PolicySettingsModel):
    """Database-editable case policy (one row), each with its source (RULES.md)."""

    region_code = models.CharField("行政区划代码", max_length=12, default="410000",
                                   help_text="办件编号的前缀（本县的行政区划代码）")
    intake_workdays = models.PositiveSmallIntegerField(
        "补正告知期限（工作日）", default=5, help_text="行政许可法第三十二条：逾期不告知的，自收到申请材料之日起即为受理")
    warn_workdays = models.PositiveSmallIntegerField("临期提醒（到期前工作日）", default=1,
                                                     help_text="电子监察黄牌：到期前 1 个工作日（各地 1—2 日）")
    pending_workdays = models.PositiveSmallIntegerField(
        "容缺材料补齐期限（工作日）", default=10, help_text="自受理之日起；不得晚于承诺办结时限 [local]")
    pending_reminder_workdays = models.PositiveSmallIntegerField("容缺补齐提前提醒（工作日）", default=2)
    missed_pending_policy = models.CharField("容缺逾期处理", max_length=20, choices=MissedPendingPolicy.choices,
                                             default=MissedPendingPolicy.WITHHOLD)
    extension_max_workdays = models.PositiveSmallIntegerField(
        "延长审批期限上限（工作日）", default=10,
        help_text="行政许可法第四十二条第一款：二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日，并应当将延长期限的理由告知申请人")
    joint_extension_max_workdays = models.PositiveSmallIntegerField(
        "一件事（联合办理）延长上限（工作日）", default=15,
        help_text="行政许可法第四十二条第二款：统一办理、联合办理、集中办理的，四十五日内不能办结的，经本级人民政府负责人批准，可以延长十五日")
    delivery_workdays = models.PositiveSmallIntegerField(
        "出件期限（工作日）", default=10,
        help_text="行政许可法第四十四条：作出准予行政许可的决定，应当自作出决定之日起十日内向申请人颁发、送达行政许可证件")
    online_window = models.ForeignKey(
        "org.Window", verbose_name="网上申请受理窗口", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="全程网办、掌上办的申请进入此窗口的收件受理（不设置时为中心编号最小的综合受理窗口）")
    hop_clock_from = models.CharField(
        "转送件受理期限起算", max_length=10, choices=HopClock.choices, default=HopClock.FIRST,
        help_text="行政许可法第三十二条自收到申请材料之日起算：网点代收、乡镇收件后转送的，默认自最初收件之日起算 [local]")

    class Meta:
        verbose_name = "办件设置"
        verbose_name_plural = "办件设置"

    def __str__(self) -> str:
        return "办件设置"


class StageJoinRule(TimeStampedModel):
    """When a stage of a bundle's graph counts as done (并联审批): all its items, or any one approved.
    Stages without a row join on all."""

    bundle = models.ForeignKey("catalog.Bundle", verbose_name="一件事", on_delete=models.CASCADE,
                               related_name="join_rules")
    stage = models.PositiveSmallIntegerField("阶段")
    rule = models.CharField("汇合规则", max_length=10, choices=JoinRule.choices, default=JoinRule.ALL)

    class Meta:
        ordering = ["bundle", "stage"]
        constraints = [models.UniqueConstraint(fields=["bundle", "stage"], name="cases_join_rule_once")]
        verbose_name = "阶段汇合规则"
        verbose_name_plural = "阶段汇合规则"

    def __str__(self) -> str:
        return f"{self.bundle} 第{self.stage}阶段：{self.get_rule_display()}"


class CaseNumberSequence(models.Model):
    """One row per number prefix (region code + date): the last number handed out, claimed by an UPDATE
    that holds the row until the intake commits — never max()+1."""

    prefix = models.CharField(max_length=24, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "办件编号序列"
        verbose_name_plural = "办件编号序列"


class _FirstHop:
    """The scope fields of a forwarded case's first hop (an outlet or township that took it), for scope_q."""

    scope_unit_field = "first_unit"
    scope_window_field = "first_window"


class CaseQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """The cases received in the user's scope (window, unit, subtree), plus those with a task for a
        department in it (后台审查) or delivered at a window of it (统一出件)."""
        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        if scope.everything:
            return self.all()
        if not scope.window_ids:
            # A unit scope reaches a case through any of its units (intake, first hop, reviewing tasks), and
            # CaseUnit holds exactly those: one indexed semi-join instead of an OR whose task branch PostgreSQL
            # hashed in full (100,000 tasks of a department, 0.5–1 s per query at a million cases).
            return self.filter(pk__in=CaseUnit.objects.filter(unit_id__in=scope_unit_ids(user)).values("case_id"))
        # A window clerk's scope is not a set of units (their own unit counts for tasks only): the long form.
        q = scope_q(Case, scope) | Q(pk__in=CaseTask.objects.filter(scope_q(CaseTask, scope)).values("case_id"))
        q |= scope_q(_FirstHop, scope) & Q(first_unit__isnull=False)  # a forwarded case stays with its first hop
        if scope.window_ids:
            q |= Q(delivery_window_id__in=scope.window_ids)
        return self.filter(q)


class Case(TimeStampedModel):
    number = models.CharField("办件编号", max_length=30, unique=True)
    # The provincial platform's 办件编号 for a case imported from (or exported to) it: an opaque string, the
    # key of `tongban cases import` (cases/province.py); empty (NULL) for a case only tongban knows.
    province_number = models.CharField("省平台办件编号", max_length=64, null=True, blank=True, unique=True)
    item = models.ForeignKey("catalog.ServiceItem", verbose_name="事项", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="cases")
    bundle = models.ForeignKey("catalog.Bundle", verbose_name="一件事", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="cases")
    title = models.CharField("申请事项", max_length=200, help_text="事项或一件事的名称（收件时）")
    # 申请人
    applicant_kind = models.CharField("申请人类型", max_length=20, choices=ApplicantKind.choices)
    applicant_name = models.CharField("申请人", max_length=200)
    id_type = models.CharField("证件类型", max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField("证件号码", max_length=40, blank=True, db_index=True,
                                 help_text="自然人的证件号码；法人的统一社会信用代码")
    phone = models.CharField("联系电话", max_length=20)
    legal_representative = models.CharField("法定代表人", max_length=40, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    agent_name = models.CharField("代办人", max_length=40, blank=True)
    agent_id_number = models.CharField("代办人身份证号码", max_length=18, blank=True)
    agent_phone = models.CharField("代办人电话", max_length=20, blank=True)
    form_data = models.JSONField("申请表", default=dict, blank=True)
    # 渠道 (M16): how the application came in, and where it first arrived when it was forwarded.
    channel = models.CharField("收件渠道", max_length=20, choices=Channel.choices, default=Channel.WINDOW)
    tracking_key = models.CharField("查询链接摘要", max_length=64, blank=True, db_index=True, editable=False,
                                    help_text="私人查询链接令牌的 SHA-256（令牌本身不保存）")
    first_window = models.ForeignKey("org.Window", verbose_name="最初收件窗口", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="forwarded_cases",
                                     help_text="转送过的办件：最初收件的窗口（网点、乡镇）")
    first_unit = models.ForeignKey("org.Unit", verbose_name="最初收件单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="forwarded_cases")
    # 受理
    intake_window = models.ForeignKey("org.Window", verbose_name="受理窗口", on_delete=models.PROTECT,
                                      related_name="received_cases")
    intake_unit = models.ForeignKey("org.Unit", verbose_name="受理单位", on_delete=models.PROTECT,
                                    related_name="received_cases")
    delivery_window = models.ForeignKey("org.Window", verbose_name="出件窗口", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="delivered_cases")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="收件人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    received_on = models.DateField("收件日期")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    deemed_accepted = models.BooleanField("视为受理（§32）", default=False)
    correction_notified_on = models.DateField("一次性告知日期", null=True, blank=True)
    intake_warned_for = models.DateField("已提醒受理期限（计时起点）", null=True, blank=True, editable=False,
                                         help_text="§32 提醒针对的计时起点：同一起点只提醒一次")
    refusal_reason = models.TextField("不予受理理由", blank=True)
    # 容缺
    accepted_with_pending = models.BooleanField("容缺受理", default=False)
    pending_due_date = models.DateField("容缺材料补齐期限", null=True, blank=True, db_index=True)
    pending_overdue = models.BooleanField("容缺逾期未补", default=False)
    # 决定与出件
    decision = models.CharField("审批结果", max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    # §44: the result is issued / served within `delivery_workdays` of the decision (set at the decision).
    delivery_workdays = models.PositiveSmallIntegerField("出件期限（工作日）", default=0)
    delivery_due_date = models.DateField("出件期限", null=True, blank=True)
    withdrawal_reason = models.TextField("撤回原因", blank=True)
    # The clock (cases/clocks.py): inputs, then the stored dates.
    budget_workdays = models.PositiveSmallIntegerField("承诺时限（工作日）", default=0)
    suspended_workdays = models.PositiveSmallIntegerField("挂起工作日", default=0)
    extended_workdays = models.PositiveSmallIntegerField("延长工作日（§42）", default=0)
    clock_start = models.DateField("计时起点", null=True, blank=True)
    clock_workdays = models.PositiveSmallIntegerField("计时工作日", default=0)
    warn_workdays = models.PositiveSmallIntegerField("预警工作日", default=0)
    due_date = models.DateField("到期日", null=True, blank=True, db_index=True)
    warn_date = models.DateField("预警日", null=True, blank=True, db_index=True)
    priority = models.PositiveSmallIntegerField("优先级", default=0, help_text="绿色通道项目的办件为 1，在各队列中排在前面（projects）")

    objects = CaseQuerySet.as_manager()
    scope_unit_field = "intake_unit"
    scope_window_field = "intake_window"

    class Meta:
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["status", "due_date", "id"], name="cases_status_due"),
            models.Index(fields=["intake_unit", "status", "number"], name="cases_unit_status"),
            models.Index(fields=["intake_window", "received_on"], name="cases_window_day"),
            models.Index(fields=["status", "warn_date"], name="cases_status_warn"),
            models.Index(fields=["status", "delivery_due_date"], name="cases_status_delivery"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(item__isnull=True, bundle__isnull=False) | Q(item__isnull=False, bundle__isnull=True),
                                   name="cases_item_xor_bundle"),
        ]
        verbose_name = "办件"
        verbose_name_plural = "办件"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.number])

    @property
    def is_open(self) -> bool:
        from tongban.cases.choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class CaseTask(TimeStampedModel):
    """子办件: one item of the case, reviewed by one department; tasks of one stage run in parallel."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="tasks")
    item = models.ForeignKey("catalog.ServiceItem", verbose_name="事项", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name="审查部门", on_delete=models.PROTECT, related_name="case_tasks")
    stage = models.PositiveSmallIntegerField("阶段", default=1)
    status = models.CharField("状态", max_length=20, choices=TaskStatus.choices, default=TaskStatus.WAITING)
    opened_on = models.DateField("开始审查日期", null=True, blank=True)
    budget_workdays = models.PositiveSmallIntegerField("承诺时限（工作日）", default=0)
    suspended_workdays = models.PositiveSmallIntegerField("挂起工作日", default=0)
    extended_workdays = models.PositiveSmallIntegerField("延长工作日（§42）", default=0)
    clock_workdays = models.PositiveSmallIntegerField("计时工作日", default=0)
    due_date = models.DateField("到期日", null=True, blank=True, db_index=True)
    # What the transition table's guards read without a query: the catalogue steps still to complete before
    # the decision (the last step is the decision itself), and whether an extension request waits.
    steps_before_decision = models.PositiveSmallIntegerField("决定前待办环节数", default=0)
    extension_pending = models.BooleanField("延期申请待审批", default=False)
    priority = models.PositiveSmallIntegerField("优先级", default=0, help_text="同办件的优先级（绿色通道）")
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField("审查意见", blank=True)
    result_number = models.CharField("证照编号", max_length=60, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["case", "stage", "pk"]
        indexes = [models.Index(fields=["unit", "status", "due_date", "id"], name="cases_task_queue"),
                   # 待审查 in its order (selectors.REVIEW_ORDER): a page is the first 51 entries, not a sort of
                   # every open task of the department (37,000 at a million cases).
                   models.Index(fields=["unit", "status", "-priority", "due_date", "id"], name="cases_task_review")]
        verbose_name = "子办件"
        verbose_name_plural = "子办件"

    def __str__(self) -> str:
        return f"{self.case.number} · {self.item}"


class CaseUnit(models.Model):
    """Every unit through which a unit scope reaches a case: its intake unit, its first hop's unit (a forwarded
    case) and the unit of each of its tasks (cancelled ones too, as the scope always counted them). Derived
    data, written only by `cases.reach` (`sync` from the services that create cases and tasks or move them
    between units, `fill` from the bulk loaders), so that `Case.objects.visible_to` is one indexed semi-join."""

    # No single-column indexes: the unique (case, unit) serves the per-case probe, (unit, case) the per-unit one.
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="reach", db_index=False)
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+", db_index=False)

    scope_unit_field = "unit"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="cases_caseunit_once")]
        indexes = [models.Index(fields=["unit", "case"], name="cases_caseunit_unit")]
        verbose_name = "办件涉及单位"
        verbose_name_plural = "办件涉及单位"


class TaskStep(models.Model):
    """One catalogue step of a task (环节), copied when the task opens: completed in order, each with its own
    stored clock from the day it became current (its day limit in working days, plus the §45 suspensions that
    began while it ran), so a step can be late (环节超时) while the case is on time. The last step is completed
    by the task's decision (准予 / 不予许可)."""

    task = models.ForeignKey(CaseTask, verbose_name="子办件", on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("序号")
    name = models.CharField("环节名称", max_length=60)
    actor_label = models.CharField("办理岗位", max_length=60, blank=True)
    days = models.PositiveSmallIntegerField("时限（工作日）", default=0)
    status = models.CharField("状态", max_length=20, choices=StepStatus.choices, default=StepStatus.WAITING)
    started_on = models.DateField("开始日期", null=True, blank=True)
    suspended_workdays = models.PositiveSmallIntegerField("挂起工作日", default=0)
    clock_workdays = models.PositiveSmallIntegerField("计时工作日", default=0)
    due_date = models.DateField("环节到期日", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    opinion = models.TextField("办理意见", blank=True)

    class Meta:
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "order"], name="cases_step_order_once")]
        # 环节超时: current steps past their due date, scanned in SQL by supervision.
        indexes = [models.Index(fields=["status", "due_date"], name="cases_step_due")]
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Extension(models.Model):
    """§42 延长审批期限: the reviewer asks on their task with a reason and a number of working days; the head
    (本行政机关负责人) approves or refuses; on approval the task's and the case's clocks grow by those days."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="extensions")
    task = models.ForeignKey(CaseTask, verbose_name="子办件", on_delete=models.CASCADE, related_name="extensions")
    workdays = models.PositiveSmallIntegerField("延长工作日")
    reason = models.TextField("延长理由")
    status = models.CharField("状态", max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_on = models.DateField("申请日期")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField("审批意见", blank=True)
    due_before = models.DateField("原到期日", null=True, blank=True)
    due_after = models.DateField("延长后到期日", null=True, blank=True)

    class Meta:
        ordering = ["case", "pk"]
        constraints = [models.UniqueConstraint(fields=["task"], condition=Q(status="pending"),
                                               name="cases_extension_one_pending")]
        verbose_name = "延长审批期限"
        verbose_name_plural = "延长审批期限"

    def __str__(self) -> str:
        return f"{self.case_id} 延长 {self.workdays} 个工作日（{self.get_status_display()}）"


class CaseMaterial(models.Model):
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="materials")
    identity = models.ForeignKey("catalog.MaterialIdentity", verbose_name="材料", on_delete=models.PROTECT,
                                 related_name="+")
    name = models.CharField("材料名称", max_length=200)
    is_required = models.BooleanField("必要", default=True)
    may_be_pending = models.BooleanField("可容缺", default=False)
    is_electronic_licence = models.BooleanField("可用电子证照", default=False)
    originals = models.PositiveSmallIntegerField("原件份数", default=0)
    copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    state = models.CharField("状态", max_length=20, choices=MaterialState.choices, default=MaterialState.MISSING)
    received_originals = models.PositiveSmallIntegerField("收取原件", default=0)
    received_copies = models.PositiveSmallIntegerField("收取复印件", default=0)
    problem = models.CharField("补正说明", max_length=300, blank=True)
    supplied_on = models.DateField("补齐日期", null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "case__intake_unit"

    class Meta:
        ordering = ["case", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "identity"], name="cases_material_once")]
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"

    def __str__(self) -> str:
        return self.name


class Suspension(models.Model):
    """Time that does not count (§45): from `started_on` to `ended_on`; `workdays` are the working days in
    (started_on, ended_on], set when it ends (and by the calendar, when its days change)."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="suspensions")
    task = models.ForeignKey(CaseTask, verbose_name="子办件", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="suspensions")
    kind = models.CharField("类型", max_length=20, choices=SpecialStepKind.choices)
    reason = models.TextField("原因")
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    workdays = models.PositiveSmallIntegerField("工作日", default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="结束人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "started_on", "pk"]
        indexes = [models.Index(fields=["ended_on"], name="cases_suspension_end")]
        verbose_name = "特别程序"
        verbose_name_plural = "特别程序"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.started_on}—{self.ended_on or '进行中'}）"


class Handover(models.Model):
    """统一出件: how the result reached the applicant."""

    case = models.OneToOneField(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="handover")
    method = models.CharField("出件方式", max_length=20, choices=HandoverMethod.choices)
    licence_number = models.CharField("纸质证照编号", max_length=60, blank=True)
    electronic_licence_number = models.CharField("电子证照编号", max_length=80, blank=True)
    tracking_number = models.CharField("邮寄单号", max_length=60, blank=True)
    recipient = models.CharField("领取人", max_length=40, blank=True)
    delivered_on = models.DateField("出件日期")
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "出件记录"
        verbose_name_plural = "出件记录"

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_method_display()}"


class CaseEvent(models.Model):
    """Append-only: one row per transition (and per notable fact), never edited or deleted. `code` is
    stable; `blzt` the national case-status code it maps to (RULES.md), empty for events without one."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(CaseTask, verbose_name="子办件", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="events")
    code = models.CharField("事件代码", max_length=60)
    blzt = models.PositiveSmallIntegerField("办理状态代码", null=True, blank=True)
    message = models.CharField("说明", max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        ordering = ["case", "at", "pk"]
        indexes = [models.Index(fields=["code", "at"], name="cases_event_code")]
        verbose_name = "办件事件"
        verbose_name_plural = "办件事件"

    def __str__(self) -> str:
        return f"{self.case_id} {self.code}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("办件事件只能追加，不能修改。")
        super().save(*args, **kwargs)


class CaseFile(models.Model):
    """An uploaded material file (全程网办: the applicant's upload; checked by core.uploads.check_upload and
    stored under a generated name)."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="files")
    material = models.ForeignKey(CaseMaterial, verbose_name="材料", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="files")
    file = models.FileField("文件", upload_to="cases/files/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    source = models.CharField("来源", max_length=20, choices=FileSource.choices, default=FileSource.APPLICANT)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["case", "material", "pk"]
        verbose_name = "办件材料文件"
        verbose_name_plural = "办件材料文件"

    def __str__(self) -> str:
        return self.original_name


class TrackingAttempt(models.Model):
    """A counted attempt from one address on a public page (no login), by kind: a failed lookup on the tracking
    page (办件进度查询: like the login limit, core.lockout, so nobody walks through case numbers or guesses the four
    characters that open one), a post of the public application form (网上申请), a check of a sealed PDF
    (电子证照核验), a wrong 网上回访 link (feedback). cases.tracking counts them within each kind's window; older
    rows are deleted as new ones come."""

    class Kind(models.TextChoices):
        TRACKING = "tracking", "办件查询失败"
        APPLY = "apply", "网上申请提交"
        SEAL_CHECK = "seal_check", "电子证照核验"
        CALLBACK = "callback", "网上回访链接错误"

    ip_address = models.GenericIPAddressField("地址")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.TRACKING)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "at"], name="cases_tracking_ip_at")]
        verbose_name = "公开页面访问限制记录"
        verbose_name_plural = "公开页面访问限制记录"


class OutletAuthorisation(models.Model):
    """15 分钟政务服务圈: an item a bank / post outlet (unit of kind outlet) may take for the county and forward to
    the competent unit (异地代收), as data like catalog.Delegation."""

    outlet = models.ForeignKey("org.Unit", verbose_name="网点", on_delete=models.PROTECT,
                               related_name="outlet_authorisations")
    item = models.ForeignKey("catalog.ServiceItem", verbose_name="事项", on_delete=models.PROTECT, related_name="+")
    authorised_on = models.DateField("授权日期")
    is_revoked = models.BooleanField("已撤销", default=False)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "outlet"

    class Meta:
        ordering = ["outlet__path", "item"]
        constraints = [models.UniqueConstraint(fields=["outlet", "item"], name="cases_outlet_item_once")]
        verbose_name = "网点代收授权"
        verbose_name_plural = "网点代收授权"

    def __str__(self) -> str:
        return f"{self.outlet} · {self.item}"
