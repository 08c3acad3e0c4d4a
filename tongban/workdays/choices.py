"""Choices of the working-day calendar: English codes, Chinese labels, CSS classes for the month grid."""
from django.db import models


class DayKind(models.TextChoices):
    WORKDAY = "workday", "工作日"
    WEEKEND = "weekend", "休息日"
    HOLIDAY = "holiday", "法定节假日"
    MAKEUP_WORKDAY = "makeup_workday", "调休上班"


# Classes defined in tongban/static/css/tongban.css for the month grid.
DAY_KIND_CSS = {
    DayKind.WORKDAY: "",
    DayKind.WEEKEND: "day-weekend",
    DayKind.HOLIDAY: "day-holiday",
    DayKind.MAKEUP_WORKDAY: "day-makeup",
}


class DaySource(models.TextChoices):
    """Where a day's status comes from."""

    OFFICIAL = "official", "国务院安排"
    IMPORTED = "imported", "导入"
    MANUAL = "manual", "人工调整"
    PROVISIONAL = "provisional", "临时推算（周一至周五）"


class YearStatus(models.TextChoices):
    OFFICIAL = "official", "官方安排"
    IMPORTED = "imported", "已导入"
    PROVISIONAL = "provisional", "临时推算"


YEAR_STATUS_COLORS = {
    YearStatus.OFFICIAL: "success",
    YearStatus.IMPORTED: "primary",
    YearStatus.PROVISIONAL: "warning",
}
