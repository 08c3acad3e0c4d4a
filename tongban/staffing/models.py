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


class ByStaff(models.Model):
    """A record about one staff member: seen by whoever sees the person (the scope layer, by unit and window)."""

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "staff__unit"
    scope_window_field = "staff__window"

    class Meta:
        abstract = True


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


class Punch(ByStaff):
    """One clock-in from the attendance machine; (staff, date, time) is unique, so a re-import adds nothing."""

    staff = models.ForeignKey("org.Staff", verbose_name="工作人员", on_delete=models.CASCADE, related_name="punches")
    date = models.DateField("日期")
    time = models.TimeField("打卡时间")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    source_name = models.CharField("来源文件", max_length=200, blank=True)


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


class Leave(ByStaff):
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


class Inspection(ByStaff):
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


class Talk(ByStaff):
    """约谈: who was talked to, when, by whom, why, and what was agreed; the home unit is notified."""

    staff = models.ForeignKey("org.Staff", verbose_name="约谈对象", on_delete=models.PROTECT, related_name="talks")
    held_on = models.DateField("约谈日期")
    reason = models.TextField("约谈事由")
    agreed = models.TextField("约谈结果（本人表态、整改要求）")
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="约谈人", null=True,
                                on_delete=models.SET_NULL, related_name="+")
    home_unit = models.ForeignKey("org.Unit", verbose_name="通报的原单位", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "约谈记录"
        verbose_name_plural = "约谈记录"

    def __str__(self) -> str:
        return f"{self.held_on} 约谈 {self.staff}"


class StaffReturn(ByStaff):
    """退回: a staff member sent back to the home unit, after their window and open work were handed over."""

    staff = models.ForeignKey("org.Staff", verbose_name="被退回人员", on_delete=models.PROTECT, related_name="returns")
    returned_on = models.DateField("退回日期")
    reason = models.TextField("退回原因")
    home_unit = models.ForeignKey("org.Unit", verbose_name="退回的原单位", on_delete=models.PROTECT, related_name="+")
    window_name = models.CharField("原所在窗口", max_length=120, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["-returned_on", "-id"]
        verbose_name = "退回记录"
        verbose_name_plural = "退回记录"

    def __str__(self) -> str:
        return f"{self.returned_on} 退回 {self.staff}"
