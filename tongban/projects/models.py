"""工程建设项目审批 (国办发〔2019〕11号; ROADMAP M13, M14; issue 12): a project passes four stages, each stage
is ONE application (a `cases.Case` of the stage's 一件事) whose items run in parallel — nothing here is a
second case model.

    ProjectSettings (one row)   target 120 working days, green channel, verification days, KPI target
    StageSetup (four rows)      stage → the catalogue bundle (one guide, one form, one set of materials),
                                the lead department, the stage's limit, its 告知承诺制 items
    Project ──▶ ProjectStage ──▶ cases.Case (tasks per department, parallel, stored clocks)
                    ├──▶ CoordinationOpinion   多规合一: one opinion per department before the decisions
                    ├──▶ Commitment            告知承诺制: decided on the written commitment, verified later
                    └──▶ SimulatedApproval     模拟审批: conditional before land is secured, formal after
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tongban.core.models import PolicySettingsModel, TimeStampedModel
from tongban.org.scopes import ScopedQuerySet, scope_for, scope_q
from tongban.projects.choices import (
    Opinion,
    ProjectKind,
    SimulatedStatus,
    Stage,
    VerificationResult,
)

# Default limit of each stage in working days [local][unconfirmed]: 11号 fixes the whole (120) and leaves the split
# to the cities; these are the common published splits, within the whole.
DEFAULT_STAGE_WORKDAYS = {Stage.LAND_PLANNING: 20, Stage.CONSTRUCTION_PLANNING: 25, Stage.CONSTRUCTION_PERMIT: 25,
                          Stage.COMPLETION: 20}


class ProjectSettings(PolicySettingsModel):
    """The county's project policy (one row, edited in 系统管理); each default names its source."""

    target_workdays = models.PositiveSmallIntegerField(
        "全流程审批目标（工作日）", default=120,
        help_text="来源：国办发〔2019〕11号，工程建设项目审批全流程 120 个工作日以内（有的城市 90 个）（RULES.md）")
    green_channel_percent = models.PositiveSmallIntegerField(
        "绿色通道压缩承诺时限（%）", default=50,
        help_text="绿色通道项目各阶段及各事项的承诺时限按此比例压缩（向上取整，至少 1 个工作日）。"
                  "来源：seed 003 §二4“搭建项目审批绿色通道”，比例为本地选择 [local]")
    green_share_target = models.PositiveSmallIntegerField(
        "工业项目进入绿色通道目标（%）", default=80,
        help_text="考核指标：工业经济项目实现“绿色通道”的比例。来源：seed 003 §二4“全县*%以上的工业经济项目实现"
                  "绿色通道”，比例原文隐去，此为本地选择 [local][unconfirmed]")
    verification_workdays = models.PositiveSmallIntegerField(
        "告知承诺核查期限（工作日）", default=20,
        help_text="依承诺作出决定后，审查部门在此期限内核查承诺是否属实。来源：告知承诺制各地做法 [local][unconfirmed]")

    class Meta:
        verbose_name = "工程建设项目设置"
        verbose_name_plural = "工程建设项目设置"

    def __str__(self) -> str:
        return "工程建设项目设置"

    def shortened(self, workdays: int, green: bool) -> int:
        """A promised limit under the green channel (rounded up, at least one working day)."""
        if not green or not workdays:
            return workdays
        return max(1, -(-workdays * (100 - min(self.green_channel_percent, 99)) // 100))


class StageSetup(TimeStampedModel):
    """How a stage is applied for: the catalogue's 一件事 (one guide, one form, one set of materials, its items
    the departments' parallel tasks), the lead department (牵头部门) and the stage's limit."""

    stage = models.PositiveSmallIntegerField("阶段", choices=Stage.choices, unique=True)
    bundle = models.ForeignKey("catalog.Bundle", verbose_name="一件事（本阶段的一套材料、一张表单）",
                               on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey("org.Unit", verbose_name="牵头部门", on_delete=models.PROTECT, related_name="+")
    limit_workdays = models.PositiveSmallIntegerField(
        "阶段时限（工作日）", default=20,
        help_text="本阶段的承诺时限；来源：各地对 120 个工作日的分解 [local][unconfirmed]")
    commitment_items = models.ManyToManyField("catalog.ServiceItem", verbose_name="告知承诺制事项", blank=True,
                                              related_name="+")

    class Meta:
        ordering = ["stage"]
        verbose_name = "阶段设置"
        verbose_name_plural = "阶段设置"

    def __str__(self) -> str:
        return Stage(self.stage).label


class ProjectQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        """Projects registered in the user's scope, plus those whose stage cases the user may see (a department
        with a task sees the project's shared data: 多规合一)."""
        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        if scope.everything:
            return self.all()
        from tongban.cases.models import Case

        cases = Case.objects.visible_to(user).values("pk")
        return self.filter(scope_q(Project, scope) | Q(pk__in=ProjectStage.objects.filter(case__in=cases)
                                                          .values("project_id")))


class Project(TimeStampedModel):
    """The project's data, entered once (多规合一) and copied into each stage's application form."""

    objects = ProjectQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_window_field = "window"

    name = models.CharField("项目名称", max_length=200)
    code = models.CharField("项目代码", max_length=40, unique=True, help_text="投资项目在线审批监管平台赋予的项目代码")
    builder_name = models.CharField("建设单位", max_length=200)
    builder_credit_code = models.CharField("统一社会信用代码", max_length=18)
    builder_phone = models.CharField("联系电话", max_length=20)
    builder_contact = models.CharField("联系人", max_length=40, blank=True)
    location = models.CharField("建设地点", max_length=200)
    kind = models.CharField("项目类型", max_length=20, choices=ProjectKind.choices)
    investment = models.DecimalField("总投资（万元）", max_digits=12, decimal_places=2)
    land_area = models.DecimalField("用地面积（平方米）", max_digits=12, decimal_places=2, null=True, blank=True)
    floor_area = models.DecimalField("建筑面积（平方米）", max_digits=12, decimal_places=2, null=True, blank=True)
    green_channel = models.BooleanField("绿色通道", default=False)
    land_secured = models.BooleanField("已取得用地", default=True,
                                       help_text="未取得用地时，各部门可先作模拟审批（附条件）")
    land_secured_on = models.DateField("取得用地日期", null=True, blank=True)
    unit = models.ForeignKey("org.Unit", verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey("org.Window", verbose_name="登记窗口", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    registered_on = models.DateField("登记日期")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-registered_on", "-pk"]
        verbose_name = "工程建设项目"
        verbose_name_plural = "工程建设项目"
        indexes = [models.Index(fields=["kind", "green_channel"], name="projects_kind_green")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    def shared_data(self) -> dict:
        """What every stage's form and every department's task shows (多规合一: entered once)."""
        return {"project_code": self.code, "project_name": self.name, "builder": self.builder_name,
                "location": self.location, "project_kind": self.get_kind_display(),
                "investment": f"{self.investment} 万元",
                **({"land_area": f"{self.land_area} 平方米"} if self.land_area is not None else {}),
                **({"floor_area": f"{self.floor_area} 平方米"} if self.floor_area is not None else {}),
                **({"green_channel": "是"} if self.green_channel else {})}


class ProjectStage(TimeStampedModel):
    """One stage's application: its case, the limit it was applied under, the coordination round's end."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stages")
    stage = models.PositiveSmallIntegerField("阶段", choices=Stage.choices)
    case = models.OneToOneField("cases.Case", verbose_name="办件", on_delete=models.PROTECT, related_name="project_stage")
    lead_unit = models.ForeignKey("org.Unit", verbose_name="牵头部门", on_delete=models.PROTECT, related_name="+")
    limit_workdays = models.PositiveSmallIntegerField("阶段时限（工作日）")
    coordination_concluded_on = models.DateField("协调结束日期", null=True, blank=True)
    coordination_conclusion = models.TextField("协调结论", blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="协调结论人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["project", "stage"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="projects_one_case_per_stage")]
        verbose_name = "项目阶段"
        verbose_name_plural = "项目阶段"

    def __str__(self) -> str:
        return f"{self.project} · {Stage(self.stage).label}"


class CoordinationOpinion(TimeStampedModel):
    """多规合一 协调意见: each department of the stage gives one before the decisions."""

    project_stage = models.ForeignKey(ProjectStage, verbose_name="项目阶段", on_delete=models.CASCADE,
                                      related_name="opinions")
    unit = models.ForeignKey("org.Unit", verbose_name="部门", on_delete=models.PROTECT, related_name="+")
    opinion = models.CharField("意见", max_length=20, choices=Opinion.choices)
    note = models.TextField("说明", blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    given_on = models.DateField("日期")

    class Meta:
        ordering = ["project_stage", "pk"]
        constraints = [models.UniqueConstraint(fields=["project_stage", "unit"], name="projects_one_opinion_per_unit")]
        verbose_name = "协调意见"
        verbose_name_plural = "协调意见"


class Commitment(TimeStampedModel):
    """告知承诺制: the task was approved on the applicant's written commitment; the department verifies later."""

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    project_stage = models.ForeignKey(ProjectStage, verbose_name="项目阶段", on_delete=models.CASCADE,
                                      related_name="commitments")
    task = models.OneToOneField("cases.CaseTask", verbose_name="子办件", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name="核查部门", on_delete=models.PROTECT, related_name="+")
    committed_on = models.DateField("承诺并决定日期")
    verify_due = models.DateField("核查期限")
    result = models.CharField("核查结果", max_length=20, choices=VerificationResult.choices,
                              default=VerificationResult.PENDING)
    verified_on = models.DateField("核查日期", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    note = models.TextField("核查说明", blank=True)

    class Meta:
        ordering = ["verify_due", "pk"]
        indexes = [models.Index(fields=["unit", "result", "verify_due"], name="projects_commitment_todo")]
        verbose_name = "告知承诺"
        verbose_name_plural = "告知承诺"


class SimulatedApproval(TimeStampedModel):
    """模拟审批: a department's conditional approval before land is secured; once the condition is met it
    becomes the task's formal approval without a second review, and both dates stay on the record."""

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    project_stage = models.ForeignKey(ProjectStage, verbose_name="项目阶段", on_delete=models.CASCADE,
                                      related_name="simulated")
    task = models.OneToOneField("cases.CaseTask", verbose_name="子办件", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name="部门", on_delete=models.PROTECT, related_name="+")
    condition = models.CharField("条件", max_length=200, default="取得建设用地")
    opinion = models.TextField("审查意见")
    given_on = models.DateField("模拟审批日期")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审查人", null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    status = models.CharField("状态", max_length=20, choices=SimulatedStatus.choices, default=SimulatedStatus.CONDITIONAL)
    formal_on = models.DateField("转为正式日期", null=True, blank=True)
    formal_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="转为正式登记人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["project_stage", "pk"]
        verbose_name = "模拟审批"
        verbose_name_plural = "模拟审批"
