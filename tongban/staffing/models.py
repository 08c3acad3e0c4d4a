"""Staff discipline (000 §二(七)): 日考勤 — punches from the hall's attendance machine, leave and field work
entered by the chief, and the hall's hours they are measured against. docs/staffing.md."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from tongban.core.models import PolicySettingsModel
from tongban.org.scopes import ScopedQuerySet

HOURS_SOURCE = ("来源：本中心公布的作息时间（RULES.md 未规定考勤时间，默认值为县级政务服务中心常见作息，"
                "请按本中心实际修改）")


class AttendanceSettings(PolicySettingsModel):
    """The hall's hours: a punch after the morning start is late, a day's last punch before the afternoon end
    is an early leave, a working day without a punch (and without leave or field work) is an absence."""

    morning_start = models.TimeField("上午上班", default=dt.time(9, 0), help_text=HOURS_SOURCE)
    morning_end = models.TimeField("上午下班", default=dt.time(12, 0), help_text=HOURS_SOURCE)
    afternoon_start = models.TimeField("下午上班", default=dt.time(13, 30), help_text=HOURS_SOURCE)
    afternoon_end = models.TimeField("下午下班", default=dt.time(17, 0), help_text=HOURS_SOURCE)

    class Meta:
        verbose_name = "考勤作息设置"
        verbose_name_plural = "考勤作息设置"

    def __str__(self) -> str:
        return "考勤作息设置"


class Punch(models.Model):
    """One clock-in from the attendance machine; (staff, date, time) is unique, so a re-import adds nothing."""

    staff = models.ForeignKey("org.Staff", verbose_name="工作人员", on_delete=models.CASCADE, related_name="punches")
    date = models.DateField("日期")
    time = models.TimeField("打卡时间")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    source_name = models.CharField("来源文件", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "staff__unit"
    scope_window_field = "staff__window"

    class Meta:
        ordering = ["date", "time"]
        verbose_name = "打卡记录"
        verbose_name_plural = "打卡记录"
        constraints = [models.UniqueConstraint(fields=["staff", "date", "time"], name="staffing_punch_once")]
        indexes = [models.Index(fields=["date", "staff"], name="staffing_punch_by_date")]

    def __str__(self) -> str:
        return f"{self.staff} {self.date} {self.time:%H:%M}"


class LeaveKind(models.TextChoices):
    LEAVE = "leave", "请假"
    FIELD_WORK = "field_work", "外勤"


class LeaveStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "不批准"


class Leave(models.Model):
    """Leave or field work over whole days (both included); an approved one excuses the days it covers."""

    staff = models.ForeignKey("org.Staff", verbose_name="工作人员", on_delete=models.CASCADE, related_name="leaves")
    kind = models.CharField("类别", max_length=20, choices=LeaveKind.choices, default=LeaveKind.LEAVE)
    first_day = models.DateField("开始日期")
    last_day = models.DateField("结束日期")
    reason = models.CharField("事由", max_length=200)
    status = models.CharField("状态", max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "staff__unit"
    scope_window_field = "staff__window"

    class Meta:
        ordering = ["-first_day", "-id"]
        verbose_name = "请假外勤"
        verbose_name_plural = "请假外勤"
        constraints = [models.CheckConstraint(condition=models.Q(last_day__gte=models.F("first_day")),
                                              name="staffing_leave_days_in_order")]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.first_day}—{self.last_day}"


class InspectionAspect(models.TextChoices):
    DRESS = "dress", "着装仪表"
    DISCIPLINE = "discipline", "工作纪律"
    MANNERS = "manners", "服务礼仪"


class Inspection(models.Model):
    """周督查: one check of one person on one aspect by the centre's inspectors; a finding when it was not met."""

    staff = models.ForeignKey("org.Staff", verbose_name="被督查人员", on_delete=models.PROTECT,
                              related_name="inspections")
    window = models.ForeignKey("org.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    inspected_on = models.DateField("督查日期")
    aspect = models.CharField("督查内容", max_length=20, choices=InspectionAspect.choices)
    finding = models.TextField("发现的问题", blank=True, help_text="未发现问题时留空")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督查人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "staff__unit"
    scope_window_field = "staff__window"

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = "周督查记录"
        verbose_name_plural = "周督查记录"
        indexes = [models.Index(fields=["inspected_on"], name="staffing_inspection_by_day")]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.staff} {self.get_aspect_display()}"

    @property
    def has_finding(self) -> bool:
        return bool(self.finding.strip())


def inspection_photo_path(instance: InspectionPhoto, filename: str) -> str:
    import uuid

    return f"staffing/inspections/{dt.date.today():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name="督查记录", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to=inspection_photo_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    extension = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小")

    class Meta:
        ordering = ["id"]
        verbose_name = "督查照片"
        verbose_name_plural = "督查照片"

    def __str__(self) -> str:
        return self.original_name
