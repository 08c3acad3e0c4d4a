"""The rectification ledger (巡察整改台账): inspections, findings, measures and the loop around them.

A `Measure` is the unit of work of the one closed loop (ROADMAP X1): it has a `source_kind` (an
inspection finding today; a bad rating, a failed callback, a complaint or an overdue case later) and,
for inspection findings, the `Finding` it answers. Its due date is stored (`due_date`, kept by
`rectification.clocks` and by the calendar, docs/decisions/0003-stored-clocks.md); overdue is the open
statuses and a due date before today, two indexed columns compared (`selectors.bucket_q`).

Visibility: a measure belongs to its lead unit, and is also visible to every unit on it (coordinating,
supporting); the records hanging off a measure (progress, evidence, checkpoints, revisits) follow it.
"""
from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.urls import reverse

from tongban.core.models import PolicySettingsModel, ProgressModel, TimeStampedModel, VersionedModel
from tongban.org.models import Staff, Unit
from tongban.org.scopes import ScopedQuerySet, scope_for, scope_q
from tongban.rectification.choices import (
    ActionKind,
    DeadlineKind,
    FindingKind,
    GroupRole,
    ImportStatus,
    InspectionKind,
    InspectionStatus,
    MEASURE_STATUS_COLORS,
    MeasureStatus,
    PLAN_TASK_STATUS_COLORS,
    PlanTaskStatus,
    ReasonKind,
    SIGNAL_STATUS_COLORS,
    SignalKind,
    SignalStatus,
    SourceKind,
    UnitRole,
)

CHINESE_DIGITS = "零一二三四五六七八九"

# 立行立改 without a written date: due this many working days after the measure was created (the
# regional policy; override with the setting RECTIFICATION_IMMEDIATE_WORKDAYS).
IMMEDIATE_DUE_WORKDAYS = 5


def immediate_due_workdays() -> int:
    return int(getattr(settings, "RECTIFICATION_IMMEDIATE_WORKDAYS", IMMEDIATE_DUE_WORKDAYS))


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 24 → 二十四 (enough for aspects and headings, 1–99)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{CHINESE_DIGITS[tens]}十")
    return head + (CHINESE_DIGITS[ones] if ones else "")


def cn_date(day: date | None) -> str:
    """2023-06-30 → 2023年6月30日 (the way documents and ledgers write dates)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (31 Dec + 2 months = 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


# --------------------------------------------------------------------------------------------------
# Querysets: the scope of each model, derived from the measures it belongs to.


class ScopeOrLinkedQuerySet(ScopedQuerySet):
    """Visible when the record's own unit is in scope, or when a linked record is (`linked_pks`)."""

    def linked_pks(self, user):
        raise NotImplementedError

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        if scope.everything:
            return self.all()
        return self.filter(scope_q(self.model, scope) | Q(pk__in=self.linked_pks(user)))


class MeasureQuerySet(ScopeOrLinkedQuerySet):
    def linked_pks(self, user):
        """Lead unit in scope (own unit), or any unit on the measure (coordinating, supporting) in scope."""
        return MeasureUnit.objects.filter(scope_q(MeasureUnit, scope_for(user))).values("measure_id")

    def visible_to(self, user):
        """The measures one of whose units (lead, coordinating, supporting) is in scope. The lead unit
        is always among a measure's units (`services._set_units`, the import), so one indexed lookup
        of the units in scope answers, instead of an OR over every measure."""
        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        if scope.everything:
            return self.all()
        return self.filter(pk__in=self.linked_pks(user))

    def with_overdue(self, today: date) -> MeasureQuerySet:
        """Annotate `is_overdue` and `is_overdue_ongoing` as of `today`: two stored, indexed columns
        (status, due_date) compared, no subquery (the buckets are defined in `selectors.bucket_q`)."""
        from tongban.rectification.selectors import bucket_q

        buckets = bucket_q(today)
        return self.annotate(
            is_overdue=Case(When(buckets["overdue"], then=Value(True)), default=Value(False),
                            output_field=BooleanField()),
            is_overdue_ongoing=Case(When(buckets["overdue_ongoing"], then=Value(True)), default=Value(False),
                                    output_field=BooleanField()),
        )

    def overdue(self, today: date) -> MeasureQuerySet:
        """Open (not verified, not 长期持续整改) and due before `today`."""
        from tongban.rectification.selectors import bucket_q

        return self.filter(bucket_q(today)["overdue"])

    def past_due(self, today: date) -> MeasureQuerySet:
        """Overdue, or 长期持续整改 past a checkpoint not reported: what the daily job and the overdue
        list follow."""
        from tongban.rectification.selectors import past_due_q

        return self.filter(past_due_q(today))

    def signed_off_by_import(self) -> MeasureQuerySet:
        """Measures whose current sign-off (已整改到位) came from a ledger import, not from the loop's
        申请销号 → 销号 with evidence."""
        return self.filter(status=MeasureStatus.VERIFIED, import_verified_at__isnull=False,
                           verified_at=F("import_verified_at"))


class FollowsMeasureQuerySet(ScopedQuerySet):
    """Records that hang off a measure are visible exactly when the measure is."""

    measure_path = "measure"

    def visible_to(self, user):
        return self.filter(**{f"{self.measure_path}__in": Measure.objects.visible_to(user).values("pk")})


class EvidenceQuerySet(FollowsMeasureQuerySet):
    measure_path = "update__measure"


class InspectionQuerySet(ScopeOrLinkedQuerySet):
    def linked_pks(self, user):
        """The inspected unit in scope, or at least one measure of the inspection visible."""
        return Measure.objects.visible_to(user).filter(finding__isnull=False).values("finding__inspection_id")


class FindingQuerySet(ScopeOrLinkedQuerySet):
    def linked_pks(self, user):
        return Measure.objects.visible_to(user).values("finding_id")


# --------------------------------------------------------------------------------------------------
# Inspections, the leadership group, aspects and findings.


class Inspection(VersionedModel):
    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=InspectionKind.choices, default=InspectionKind.PATROL)
    body = models.CharField("派出机关", max_length=60, help_text="如：县委、省委")
    group = models.CharField("巡察组", max_length=60, blank=True, help_text="如：县委第一巡察组")
    inspected_unit = models.ForeignKey(
        Unit, verbose_name="被巡察单位", on_delete=models.PROTECT, related_name="inspections"
    )
    feedback_date = models.DateField("反馈日期")
    report_due_date = models.DateField(
        "整改报告报送期限", blank=True, help_text="默认反馈后两个月（《中国共产党巡视工作条例》第二十七条）"
    )
    status = models.CharField(
        "状态", max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.RECTIFYING
    )
    notes = models.TextField("说明", blank=True)

    objects = InspectionQuerySet.as_manager()
    scope_unit_field = "inspected_unit"

    class Meta:
        ordering = ["-feedback_date", "-pk"]
        verbose_name = "巡察"
        verbose_name_plural = "巡察"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rectification:inspection_detail", args=[self.pk])

    @staticmethod
    def default_report_due(feedback_date: date) -> date:
        return add_months(feedback_date, 2)

    def save(self, *args, **kwargs) -> None:
        if self.report_due_date is None and self.feedback_date:
            self.report_due_date = self.default_report_due(self.feedback_date)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.report_due_date is None and self.feedback_date:
            self.report_due_date = self.default_report_due(self.feedback_date)


class RectificationGroup(VersionedModel):
    """整改工作领导小组 and its office (M1)."""

    DEFAULT_DUTIES = "协调督办、追责问责、建章立制、信息报送"

    inspection = models.OneToOneField(
        Inspection, verbose_name="巡察", on_delete=models.CASCADE, related_name="rectification_group"
    )
    name = models.CharField("名称", max_length=100, default="巡察反馈问题整改工作领导小组")
    office_unit = models.ForeignKey(
        Unit, verbose_name="办公室设在", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    office_duties = models.TextField("办公室职责", default=DEFAULT_DUTIES)

    class Meta:
        verbose_name = "整改工作领导小组"
        verbose_name_plural = "整改工作领导小组"

    def __str__(self) -> str:
        return self.name


class GroupMember(TimeStampedModel):
    group = models.ForeignKey(RectificationGroup, verbose_name="领导小组", on_delete=models.CASCADE, related_name="members")
    staff = models.ForeignKey(Staff, verbose_name="人员", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("职务", max_length=10, choices=GroupRole.choices)
    title = models.CharField("本职", max_length=60, blank=True, help_text="如：中心党组书记、主任")
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        ordering = ["group", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["group", "staff"], name="rect_group_member_once")]
        verbose_name = "领导小组成员"
        verbose_name_plural = "领导小组成员"

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.staff.name}"


class Aspect(TimeStampedModel):
    """A heading that groups findings: “（一）牵头作用发挥不充分，合力不足”."""

    inspection = models.ForeignKey(Inspection, verbose_name="巡察", on_delete=models.CASCADE, related_name="aspects")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("标题", max_length=300)

    class Meta:
        ordering = ["inspection", "number", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "title"], name="rect_aspect_title_once")]
        verbose_name = "问题方面"
        verbose_name_plural = "问题方面"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"（{chinese_number(self.number)}）{self.title}"


class Finding(VersionedModel):
    inspection = models.ForeignKey(Inspection, verbose_name="巡察", on_delete=models.CASCADE, related_name="findings")
    aspect = models.ForeignKey(
        Aspect, verbose_name="问题方面", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    number = models.PositiveSmallIntegerField("序号", default=1)
    kind = models.CharField("类型", max_length=12, choices=FindingKind.choices, default=FindingKind.PROBLEM)
    description = models.TextField("具体问题")

    objects = FindingQuerySet.as_manager()
    scope_unit_field = "inspection__inspected_unit"

    class Meta:
        ordering = ["inspection", "aspect__number", "number", "pk"]
        verbose_name = "反馈问题"
        verbose_name_plural = "反馈问题"

    def __str__(self) -> str:
        return self.description[:40]

    def get_absolute_url(self) -> str:
        return f"{self.inspection.get_absolute_url()}#finding-{self.pk}"


# --------------------------------------------------------------------------------------------------
# Measures: the unit of the closed loop.


class Measure(VersionedModel):
    source_kind = models.CharField(
        "来源", max_length=20, choices=SourceKind.choices, default=SourceKind.INSPECTION_FINDING
    )
    finding = models.ForeignKey(
        Finding, verbose_name="反馈问题", null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    source_type = models.ForeignKey(
        ContentType, verbose_name="来源记录类型", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField("来源记录ID", max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    number = models.PositiveSmallIntegerField("序号", default=1)
    text = models.TextField("整改措施")
    lead_unit = models.ForeignKey(Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_measures")
    units = models.ManyToManyField(Unit, through="MeasureUnit", verbose_name="责任单位", related_name="measures")
    responsible_leader = models.ForeignKey(
        Staff, verbose_name="责任领导", null=True, blank=True, on_delete=models.PROTECT, related_name="led_measures"
    )
    responsible_leader_name = models.CharField("责任领导（姓名）", max_length=40, blank=True)
    responsible_person = models.ForeignKey(
        Staff, verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT, related_name="owned_measures"
    )
    responsible_person_name = models.CharField("责任人（姓名）", max_length=40, blank=True)
    deadline_kind = models.CharField("时限类型", max_length=10, choices=DeadlineKind.choices, default=DeadlineKind.DATE)
    deadline = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.NOT_STARTED)
    progress_note = models.TextField("整改进展", blank=True, help_text="最近一次进展，台账中的“整改进展”列")
    result = models.TextField("整改成效", blank=True, help_text="申请销号时填写，效果清单使用")
    last_return_reason = models.TextField("最近退回理由", blank=True)
    returned_count = models.PositiveSmallIntegerField("退回次数", default=0)
    reopened_count = models.PositiveSmallIntegerField("重新整改次数", default=0)
    submitted_at = models.DateTimeField("申请销号时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请销号人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the measure was last sent back to work (退回, or reopened by 回头看): evidence for the next
    # 申请销号 must be newer than this.
    rework_since = models.DateTimeField("最近退回或重新整改时间", null=True, blank=True, editable=False)
    verified_at = models.DateTimeField("销号时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="销号人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when an import signed the measure off (a row written 已完成 / 已整改到位 in the ledger): the
    # sign-off then has no evidence behind it, only the importer's word. It stays on record; the measure
    # counts as signed off by import while `verified_at` is this same moment (a later sign-off through the
    # loop replaces `verified_at`). Query with `Measure.objects.signed_off_by_import()`.
    import_verified_at = models.DateTimeField("导入销号时间", null=True, blank=True, editable=False)
    # Bookkeeping of the daily job: the due date for which the overdue event was recorded.
    overdue_recorded_for = models.DateField("已记录逾期的期限", null=True, blank=True, editable=False)
    # The clock (rectification.clocks): the due date is the first workday on or after `due_start`, or
    # `due_workdays` workdays after it; kept by the services and, when the calendar changes, by the
    # calendar (workdays.clocks). Never edited by hand.
    due_start = models.DateField("计时起点", null=True, blank=True, editable=False)
    due_workdays = models.PositiveSmallIntegerField("计时工作日数", default=0, editable=False)
    due_date = models.DateField("应完成日期", null=True, blank=True, editable=False, db_index=True)

    objects = MeasureQuerySet.as_manager()
    scope_unit_field = "lead_unit"

    class Meta:
        ordering = ["finding__aspect__number", "finding__number", "number", "pk"]
        indexes = [models.Index(fields=["status", "deadline"]),
                   models.Index(fields=["status", "due_date"], name="rect_measure_status_due"),
                   # the bulk signals count one unit's sign-offs and requests within minutes (signals.py)
                   models.Index(fields=["lead_unit", "verified_at"], name="rect_measure_unit_verified"),
                   models.Index(fields=["lead_unit", "submitted_at"], name="rect_measure_unit_submitted")]
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("rectification:measure_detail", args=[self.pk])

    @property
    def inspection(self) -> Inspection | None:
        return self.finding.inspection if self.finding_id else None

    @property
    def status_color(self) -> str:
        return MEASURE_STATUS_COLORS.get(self.status, "secondary")

    @property
    def signed_off_by_import(self) -> bool:
        """已整改到位 because a ledger said so (by the importer, without evidence), not through 销号."""
        return (self.status == MeasureStatus.VERIFIED and self.import_verified_at is not None
                and self.verified_at == self.import_verified_at)

    @property
    def person_label(self) -> str:
        return self.responsible_person.name if self.responsible_person_id else self.responsible_person_name

    @property
    def leader_label(self) -> str:
        return self.responsible_leader.name if self.responsible_leader_id else self.responsible_leader_name

    @property
    def deadline_label(self) -> str:
        if self.deadline_kind == DeadlineKind.DATE:
            return cn_date(self.deadline)
        label = self.get_deadline_kind_display()
        return f"{label}（{cn_date(self.deadline)}）" if self.deadline else label

    def units_with_role(self, role: str) -> list[Unit]:
        return [mu.unit for mu in self.unit_roles.all() if mu.role == role]

    @property
    def coordinating_units(self) -> list[Unit]:
        return self.units_with_role(UnitRole.COORDINATING)

    @property
    def supporting_units(self) -> list[Unit]:
        return self.units_with_role(UnitRole.SUPPORTING)


class MeasureUnit(models.Model):
    measure = models.ForeignKey(Measure, verbose_name="整改措施", on_delete=models.CASCADE, related_name="unit_roles")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="measure_roles")
    role = models.CharField("角色", max_length=12, choices=UnitRole.choices)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["measure", "role", "pk"]
        constraints = [models.UniqueConstraint(fields=["measure", "unit"], name="rect_measure_unit_once")]
        verbose_name = "措施责任单位"
        verbose_name_plural = "措施责任单位"

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.unit}"


class Checkpoint(TimeStampedModel):
    """A time node of an ongoing (长期坚持) measure, at which its unit reports."""

    measure = models.ForeignKey(Measure, verbose_name="整改措施", on_delete=models.CASCADE, related_name="checkpoints")
    due_date = models.DateField("报告时间节点")
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报告人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.TextField("阶段性进展", blank=True)

    objects = FollowsMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "due_date"]
        constraints = [models.UniqueConstraint(fields=["measure", "due_date"], name="rect_checkpoint_once")]
        verbose_name = "时间节点"
        verbose_name_plural = "时间节点"

    def __str__(self) -> str:
        return f"{self.due_date:%Y-%m-%d}"


class ProgressUpdate(TimeStampedModel):
    measure = models.ForeignKey(Measure, verbose_name="整改措施", on_delete=models.CASCADE, related_name="updates")
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name="时间节点", null=True, blank=True, on_delete=models.SET_NULL, related_name="updates"
    )
    text = models.TextField("进展情况")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FollowsMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"

    def __str__(self) -> str:
        return self.text[:40]


def evidence_path(instance: Evidence, filename: str) -> str:
    """Stored under MEDIA_ROOT (outside the web root) with a random name; the original name is kept
    on the record and given back on download."""
    import uuid

    return f"rectification/evidence/{date.today():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Evidence(TimeStampedModel):
    update = models.ForeignKey(ProgressUpdate, verbose_name="进展", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to=evidence_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    extension = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Fingerprints for the signals (signals.py), taken from the stored file by the signals job in batches
    # (fingerprints.py), not in the upload request: a perceptual hash of a photo (imagehash pHash, 16
    # hex digits), the text of a PDF / DOCX (normalised, at most fingerprints.TEXT_LIMIT characters) and
    # the date the file says it was made (EXIF DateTimeOriginal, PDF CreationDate, DOCX created).
    phash = models.CharField("感知哈希", max_length=16, blank=True, editable=False)
    text = models.TextField("提取的文字", blank=True, editable=False)
    made_on = models.DateField("文件自述的形成日期", null=True, blank=True, editable=False)
    fingerprinted_at = models.DateTimeField("提取特征时间", null=True, blank=True, editable=False, db_index=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("rectification:evidence_download", args=[self.pk])


class Revisit(TimeStampedModel):
    """回头看: a later re-check of a verified measure; unsatisfied reopens it with a new deadline."""

    measure = models.ForeignKey(Measure, verbose_name="整改措施", on_delete=models.CASCADE, related_name="revisits")
    scheduled_date = models.DateField("计划日期")
    done_date = models.DateField("完成日期", null=True, blank=True)
    satisfied = models.BooleanField("群众满意", null=True, blank=True)
    notes = models.TextField("情况说明", blank=True)
    new_deadline = models.DateField("重新整改时限", null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安排人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FollowsMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "scheduled_date", "pk"]
        verbose_name = "回头看"
        verbose_name_plural = "回头看"

    def __str__(self) -> str:
        return f"回头看 {self.scheduled_date:%Y-%m-%d}"


class Accountability(VersionedModel):
    """问责: a recorded disciplinary action against a person or a unit, linked to measures."""

    action_kind = models.CharField("问责方式", max_length=20, choices=ActionKind.choices)
    reason_kind = models.CharField("问责事由", max_length=20, choices=ReasonKind.choices)
    target_staff = models.ForeignKey(
        Staff, verbose_name="问责对象（人员）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_unit = models.ForeignKey(
        Unit, verbose_name="问责对象（单位）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="accountabilities",
                             editable=False)
    measures = models.ManyToManyField(Measure, verbose_name="关联整改措施", related_name="accountabilities")
    decided_on = models.DateField("决定日期")
    decided_by = models.CharField("决定机关", max_length=60, help_text="如：中心党组、县纪委监委")
    notes = models.TextField("情况说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = "问责记录"
        verbose_name_plural = "问责记录"

    def __str__(self) -> str:
        return f"{self.get_action_kind_display()}：{self.target_label}"

    @property
    def target_label(self) -> str:
        return self.target_staff.name if self.target_staff_id else str(self.target_unit)


# --------------------------------------------------------------------------------------------------
# Annual work plans (M25) and monthly bulletins (M4).


class WorkPlanQuerySet(ScopeOrLinkedQuerySet):
    def linked_pks(self, user):
        """The drafting unit in scope, or a unit holding one of its tasks (lead or responsible) in scope."""
        units = Unit.objects.visible_to(user).values("pk")
        return PlanTask.objects.filter(Q(lead_unit__in=units) | Q(units__in=units)).values("plan_id")


class WorkPlan(VersionedModel):
    """A work plan decomposed into tasks: the annual plan's “24项具体工作”, or an 整改工作方案."""

    title = models.CharField("名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(Unit, verbose_name="制定单位", on_delete=models.PROTECT, related_name="work_plans")
    inspection = models.ForeignKey(
        Inspection, verbose_name="对应巡察", null=True, blank=True, on_delete=models.SET_NULL, related_name="work_plans"
    )
    description = models.TextField("说明", blank=True)

    objects = WorkPlanQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = "工作方案"
        verbose_name_plural = "工作方案"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rectification:plan_detail", args=[self.pk])


class PlanTask(VersionedModel):
    plan = models.ForeignKey(WorkPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("任务", max_length=200)
    description = models.TextField("具体要求", blank=True)
    lead_unit = models.ForeignKey(Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="plan_tasks")
    units = models.ManyToManyField(Unit, verbose_name="责任单位（科室）", blank=True, related_name="+")
    leaders = models.ManyToManyField(Staff, verbose_name="责任领导", blank=True, related_name="+")
    deadline = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=PlanTaskStatus.choices, default=PlanTaskStatus.NOT_STARTED)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="rect_plan_task_number_once")]
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"

    def __str__(self) -> str:
        return f"{self.number}．{self.title}"

    @property
    def status_color(self) -> str:
        return PLAN_TASK_STATUS_COLORS.get(self.status, "secondary")


class Bulletin(TimeStampedModel):
    """The monthly bulletin (月通报) of the rectification work: figures stored as computed that month."""

    month = models.DateField("月份", unique=True, help_text="该月第一天")
    summary = models.JSONField("统计", default=dict)
    text = models.TextField("通报正文")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = None  # county-wide figures: county-wide roles only

    class Meta:
        ordering = ["-month"]
        verbose_name = "整改月通报"
        verbose_name_plural = "整改月通报"

    def __str__(self) -> str:
        return f"{self.month.year}年{self.month.month}月整改工作通报"

    def get_absolute_url(self) -> str:
        return f"{reverse('rectification:bulletin_list')}#bulletin-{self.pk}"


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportRunQuerySet:
        """An import is its uploader's own (like the pending upload before it)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(by=user)


class ImportRun(ProgressModel, TimeStampedModel):
    """A confirmed web import of a ledger, run by the Huey worker; its page polls the progress."""

    # The pending upload this run was confirmed from: one run per upload however often 确认 is clicked.
    token = models.CharField("上传标识", max_length=32, unique=True, null=True, blank=True, editable=False)
    file_name = models.CharField("文件名", max_length=255)
    path = models.CharField("待导入文件", max_length=500)
    column_overrides = models.JSONField("列对应", default=dict, blank=True)
    take_file_values = models.JSONField("采用台账值的冲突", default=dict, blank=True,
                                        help_text="{all: 是否全部采用, fields: [\"措施ID:字段\"]}")
    unit_choices = models.JSONField("未识别单位的处理", default=dict, blank=True,
                                    help_text="{map: {名称: 单位ID}, create: {名称: {parent: 单位ID, kind: 类型代码}}}")
    inspection = models.ForeignKey(Inspection, verbose_name="巡察", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, on_delete=models.SET_NULL,
                           related_name="+")
    status = models.CharField("状态", max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    summary = models.TextField("结果", blank=True)
    result = models.JSONField("结果明细", default=dict, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"

    def __str__(self) -> str:
        return f"导入{self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("rectification:import_run", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        return 100 if self.status == ImportStatus.SUCCEEDED else super().percent



# --------------------------------------------------------------------------------------------------
# Signals (issue 16): measures whose evidence or history does not add up, computed by signals.py.


class SignalSettings(PolicySettingsModel):
    """Database-editable thresholds of the signals (one row, 系统管理 → 提示设置). Each default says where it
    comes from; none is a rule of law, so each is a county's choice."""

    photo_distance = models.PositiveSmallIntegerField(
        "相似照片：感知哈希距离上限", default=10,
        help_text="64 位 pHash（imagehash）的汉明距离。实测：同一张照片缩小一半并重新压缩为 0，四边各裁去 3% 约 8，"
                  "不同照片最近 14（tests/test_signals.py 的样张）；默认 10")
    text_similarity = models.PositiveSmallIntegerField(
        "相似文档：文字相似度下限（%）", default=90,
        help_text="rapidfuzz fuzz.ratio（编辑距离相似度）；同一份文件只改日期、单位名一般在 90 以上；默认 90")
    text_min_chars = models.PositiveSmallIntegerField(
        "相似文档：参与比对的最少字数", default=60, help_text="太短的文字（如“已整改”）彼此相似不说明问题；默认 60 字")
    predates_days = models.PositiveSmallIntegerField(
        "材料日期早于措施：天数", default=30,
        help_text="照片拍摄日期或文件形成日期早于措施创建日这么多天；默认 30 天（容许整改前已着手的工作）")
    overnight_overdue_days = models.PositiveSmallIntegerField(
        "一天内办结：此前已逾期天数", default=60,
        help_text="议题所说“逾期数月”，取两个月（巡视整改报告期限即反馈后两个月，《巡视工作条例》第二十七条）")
    overnight_hours = models.PositiveSmallIntegerField(
        "一天内办结：首份材料到销号的小时数", default=24, help_text="首份佐证材料、申请销号、销号都在这段时间内；默认 24 小时")
    bulk_count = models.PositiveSmallIntegerField(
        "集中申请 / 销号：措施数", default=5, help_text="同一牵头单位在下面的分钟数内申请或销号的措施数；默认 5 项")
    bulk_minutes = models.PositiveSmallIntegerField(
        "集中申请 / 销号：分钟数", default=10, help_text="默认 10 分钟：逐项核对佐证材料，一项通常要几分钟以上")
    thin_text_chars = models.PositiveSmallIntegerField(
        "材料单薄：文字少于", default=200,
        help_text="申请销号时的佐证材料只有文字文件（无照片、无表格），合计少于这么多字，而整改成效写了可核对的结果；默认 200 字")

    class Meta:
        verbose_name = "整改提示设置"
        verbose_name_plural = "整改提示设置"

    def __str__(self) -> str:
        return "整改提示设置"


class SignalQuerySet(FollowsMeasureQuerySet):
    def unresolved(self) -> SignalQuerySet:
        """Still found by the latest scan and not yet decided on."""
        return self.filter(active=True, status=SignalStatus.OPEN)


class Signal(TimeStampedModel):
    """One sign on one measure: computed (kind, measure, key unique: a scan finds it again, never twice),
    explained in one sentence, and decided on by a person (已核查 / 回头看 / 问责) with a reason."""

    kind = models.CharField("提示", max_length=30, choices=SignalKind.choices)
    measure = models.ForeignKey(Measure, verbose_name="整改措施", on_delete=models.CASCADE, related_name="signals")
    other_measure = models.ForeignKey(Measure, verbose_name="相关措施", null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="+")
    key = models.CharField("区分", max_length=80, blank=True, help_text="同一措施同一提示的不同情形（如另一项措施）")
    sentence = models.TextField("说明")
    details = models.JSONField("依据", default=dict, blank=True)
    active = models.BooleanField("仍然存在", default=True, help_text="最近一次计算仍发现这一情况")
    last_seen_at = models.DateTimeField("最近一次发现", null=True, blank=True)
    status = models.CharField("处理", max_length=20, choices=SignalStatus.choices, default=SignalStatus.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    reason = models.TextField("处理说明", blank=True)
    revisit = models.ForeignKey(Revisit, verbose_name="安排的回头看", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="signals")
    accountability = models.ForeignKey(Accountability, verbose_name="记录的问责", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="signals")

    objects = SignalQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "measure", "key"], name="rect_signal_once")]
        indexes = [models.Index(fields=["active", "status"], name="rect_signal_open")]
        verbose_name = "整改提示"
        verbose_name_plural = "整改提示"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.measure}"

    def get_absolute_url(self) -> str:
        return f"{self.measure.get_absolute_url()}#signal-{self.pk}"

    @property
    def status_color(self) -> str:
        return SIGNAL_STATUS_COLORS.get(self.status, "secondary")

    @property
    def is_unresolved(self) -> bool:
        return self.active and self.status == SignalStatus.OPEN
