"""The one reading of a month a person typed: `?month=2026-11` on the duty, meetings, channels, staffing and
supervision pages, their APIs and commands. Bounded, so a report's 上个月 / 下个月 and its calendar arithmetic
never leave the years the platform serves (9999-12 once answered 500: its next month does not exist)."""
from __future__ import annotations

import re
from datetime import date

FIRST_YEAR, LAST_YEAR = 2000, 2099
RANGE = f"{FIRST_YEAR}年1月 至 {LAST_YEAR}年12月 之间"


class MonthError(ValueError):
    """Why a value is not a month, in Chinese (`str(exc)`)."""


def parse_month(value: object, default: date | None = None) -> date:
    """"2026-11" (or "2026-1") → date(2026, 11, 1). An empty value gives `default`'s month when there is one;
    anything else that is not a month of FIRST_YEAR..LAST_YEAR raises MonthError with the reason."""
    text = str(value or "").strip()
    if not text:
        if default is not None:
            return default.replace(day=1)
        raise MonthError("请填写月份，如 2026-11。")
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if found is None or not 1 <= int(found[2]) <= 12 or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise MonthError(f"月份“{text[:20]}”无效：请写成 2026-11 这样的年-月，在 {RANGE}。")
    return date(int(found[1]), int(found[2]), 1)


def month_or_default(value: object, default: date) -> tuple[date, str]:
    """For a page: the month asked for, or `default`'s month and the message to show ("… 已显示本月。" is the
    caller's to add) when the value is not one."""
    try:
        return parse_month(value, default), ""
    except MonthError as exc:
        return default.replace(day=1), str(exc)
