"""Read-side shapes for the calendar page: month grids and the year's holidays with their make-up days."""
from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date

from tongban.workdays.choices import DAY_KIND_CSS, DayKind, DaySource
from tongban.workdays.models import Day

MONTH_NAMES = ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"]


@dataclass
class Cell:
    day: Day
    css: str


@dataclass
class Month:
    number: int
    name: str
    weeks: list[list[Cell | None]]


@dataclass
class HolidaySpan:
    """One break (e.g. 国庆节、中秋节 10-01 — 10-08) and the weekend days worked for it."""

    names: list[str]
    first: date
    last: date
    makeup_days: list[Day] = field(default_factory=list)
    is_break: bool = True  # False for a make-up workday whose break is in another year

    @property
    def name(self) -> str:
        return "、".join(self.names) or "休息日"

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1


def month_grids(year: int, days: list[Day], today: date) -> list[Month]:
    """Twelve Monday-first month grids for the year's days (already fetched, one query)."""
    by_date = {day.date: day for day in days}
    months = []
    for number in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, number):
            weeks.append([_cell(by_date.get(d), today) if d.month == number else None for d in week])
        months.append(Month(number, MONTH_NAMES[number - 1], weeks))
    return months


def _cell(day: Day | None, today: date) -> Cell | None:
    if day is None:
        return None
    classes = [DAY_KIND_CSS[day.kind]]
    if day.source == DaySource.PROVISIONAL:
        classes.append("day-provisional")
    if day.date == today:
        classes.append("day-today")
    return Cell(day, " ".join(c for c in classes if c))


def holiday_spans(days: list[Day]) -> list[HolidaySpan]:
    """Group consecutive holidays into breaks and attach each make-up workday to the nearest break
    of the same name; a make-up day with no such break gets a row of its own."""
    spans: list[HolidaySpan] = []
    for day in days:
        if day.kind != DayKind.HOLIDAY:
            continue
        if spans and (day.date - spans[-1].last).days == 1:
            spans[-1].last = day.date
            if day.holiday_name and day.holiday_name not in spans[-1].names:
                spans[-1].names.append(day.holiday_name)
        else:
            spans.append(HolidaySpan([day.holiday_name] if day.holiday_name else [], day.date, day.date))
    for day in days:
        if day.kind != DayKind.MAKEUP_WORKDAY:
            continue
        matching = [span for span in spans if day.holiday_name and day.holiday_name in span.names]
        if matching:
            min(matching, key=lambda span: abs((span.first - day.date).days)).makeup_days.append(day)
        else:
            spans.append(HolidaySpan([day.holiday_name] if day.holiday_name else [], day.date, day.date, [day],
                                     is_break=False))
    return sorted(spans, key=lambda span: span.first)
