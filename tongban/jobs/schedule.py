"""When a job is due and which period a date belongs to, decided by the working-day calendar.

Weekly jobs run on the first workday of the ISO week, monthly jobs on the first workday of the
month: after the Spring Festival or National Day break that is not a Monday or the 1st, and a 调休
Sunday (2026-01-04) can be the first workday of a month. A week or month with no workday at all has
no due day; its period is then keyed on its first day, for runs started by hand.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.utils import timezone

from tongban.workdays import services as workdays


def today() -> date:
    """Today in Asia/Shanghai (settings.TIME_ZONE), whatever the server's clock zone."""
    return timezone.localdate()


def period_days(frequency: str, for_date: date) -> list[date]:
    """The days of the period `for_date` falls in, in order."""
    if frequency == "daily":
        return [for_date]
    if frequency == "weekly":
        monday = for_date - timedelta(days=for_date.weekday())
        return [monday + timedelta(days=i) for i in range(7)]
    if frequency == "monthly":
        length = calendar.monthrange(for_date.year, for_date.month)[1]
        return [for_date.replace(day=day) for day in range(1, length + 1)]
    raise ValueError(f"unknown frequency {frequency!r}")


def first_workday(days: list[date]) -> date | None:
    return next((day for day in days if workdays.is_workday(day)), None)


def period_key(frequency: str, for_date: date) -> date:
    """The day a run for `for_date` is keyed on: the day itself, or the first workday of its week /
    month (the period's first day when it has no workday)."""
    if frequency == "daily":
        return for_date
    days = period_days(frequency, for_date)
    return first_workday(days) or days[0]


def is_due(frequency: str, for_date: date) -> bool:
    """Daily jobs are due every day; weekly / monthly ones only on their period's first workday."""
    if frequency == "daily":
        return True
    days = period_days(frequency, for_date)
    earlier = days[: days.index(for_date)]
    return workdays.is_workday(for_date) and first_workday(earlier) is None
