"""The one working-day calendar. (Contract; the workdays app fills in the implementation.)

    add_workdays(date(2025, 9, 26), 5)  -> WorkdayResult(date=date(2025, 10, 10), provisional=False)
    workdays_between(start, end)        -> WorkdayCount(days=..., provisional=...)

Counting starts on the day after `start` (行政许可法 §82 and local practice). Workdays inside
`suspensions` (挂起 / 特别程序, as (first_day, last_day) pairs) do not count. Where the calendar has no
published schedule for a year, the answer is computed on weekdays and `provisional` is True.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable


@dataclass(frozen=True)
class WorkdayResult:
    date: date
    provisional: bool


@dataclass(frozen=True)
class WorkdayCount:
    days: int
    provisional: bool


Suspensions = Iterable[tuple[date, date]]


def add_workdays(start: date, n: int, *, suspensions: Suspensions = ()) -> WorkdayResult:
    raise NotImplementedError


def workdays_between(start: date, end: date, *, suspensions: Suspensions = ()) -> WorkdayCount:
    raise NotImplementedError


def is_workday(day: date) -> bool:
    raise NotImplementedError
