"""The working-day calendar: one row per date, with a running count of workdays.

`Day.workday_index` is the number of workdays from the first day of the table up to and including
the day. So the n-th workday after D is the workday whose index is idx(D) + n, and the workdays in
(a, b] are idx(b) - idx(a): deadlines and elapsed time become plain SQL (see
`tongban.workdays.expressions`). The table is always one unbroken run of whole years, so the index
is meaningful; it is recomputed by `services.reindex()` and never stored anywhere else.
"""
from __future__ import annotations

from datetime import date

from django.db import models
from django.urls import reverse

from tongban.workdays.choices import DayKind, DaySource, YearStatus

WEEKDAY_NAMES = "一二三四五六日"
# The years the calendar can count in; beyond them a clock answers with ErrorCode.CALENDAR_RANGE.
FIRST_YEAR, LAST_YEAR = 1990, 2100
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


class CalendarQuerySet(models.QuerySet):
    """The calendar is public information: every signed-in user sees all of it (the scope layer's
    `visible_to` contract, so the history timeline and the API treat it like every other record)."""

    def visible_to(self, user) -> CalendarQuerySet:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.all()


class Day(models.Model):
    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("工作日")
    kind = models.CharField("类型", max_length=20, choices=DayKind.choices)
    holiday_name = models.CharField("节日名称", max_length=40, blank=True)
    workday_index = models.PositiveIntegerField("工作日序号", default=0, editable=False)
    source = models.CharField("来源", max_length=20, choices=DaySource.choices)

    objects = CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        # "The workday with index i" (`is_workday AND workday_index = i`): the index column leads, so the
        # lookup is an index search on SQLite (which cannot seek on a bare boolean) and PostgreSQL alike.
        indexes = [models.Index(fields=["workday_index", "is_workday"], name="workdays_day_by_index")]
        verbose_name = "日历日"
        verbose_name_plural = "日历日"

    def __str__(self) -> str:
        label = self.holiday_name or self.get_kind_display()
        return f"{self.date.isoformat()}（{label}）"

    def get_absolute_url(self) -> str:
        return f"{reverse('workdays:calendar')}?year={self.date.year}"

    @property
    def weekday_name(self) -> str:
        return "周" + WEEKDAY_NAMES[self.date.weekday()]

    @property
    def label(self) -> str:
        """What the calendar shows for the day: 国庆节, 国庆节调休上班, 休息日 …"""
        if self.kind == DayKind.MAKEUP_WORKDAY:
            return f"{self.holiday_name}调休上班" if self.holiday_name else "调休上班"
        return self.holiday_name or self.get_kind_display()


class CalendarYear(models.Model):
    """Which years have a published schedule; a provisional year is counted Monday to Friday."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    status = models.CharField("状态", max_length=20, choices=YearStatus.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["year"]
        verbose_name = "日历年份"
        verbose_name_plural = "日历年份"

    def __str__(self) -> str:
        return f"{self.year}年（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return f"{reverse('workdays:calendar')}?year={self.year}"

    @property
    def is_provisional(self) -> bool:
        return self.status == YearStatus.PROVISIONAL
