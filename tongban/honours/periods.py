"""A 评优 period: a month ("2026-10") or a quarter ("2026-Q4"), as the kind says."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from tongban.honours.choices import Period

QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class HonourPeriod:
    first: date
    last: date

    @classmethod
    def of(cls, kind_period: str, day: date) -> HonourPeriod:
        if kind_period == Period.QUARTERLY:
            start_month = 3 * ((day.month - 1) // 3) + 1
            first = date(day.year, start_month, 1)
            return cls(first, _month_end(date(day.year, start_month + 2, 1)))
        first = day.replace(day=1)
        return cls(first, _month_end(first))

    @classmethod
    def parse(cls, text: str, kind_period: str) -> HonourPeriod:
        """"2026-10" for a monthly kind, "2026-Q4" for a quarterly one; ValueError with a Chinese message."""
        text = (text or "").strip()
        found = QUARTER.match(text) if kind_period == Period.QUARTERLY else MONTH.match(text)
        example = "2026-Q4" if kind_period == Period.QUARTERLY else "2026-10"
        if not found:
            raise ValueError(f"评选期“{text}”无效，请写成 {example} 这样的形式。")
        year, number = int(found.group(1)), int(found.group(2))
        if not 2000 <= year <= 2099 or not 1 <= number <= 12:
            raise ValueError(f"评选期“{text}”超出范围（2000—2099 年）。")
        month = 3 * (number - 1) + 1 if kind_period == Period.QUARTERLY else number
        return cls.of(kind_period, date(year, month, 1))

    @property
    def is_quarter(self) -> bool:
        return self.first.month != self.last.month

    @property
    def key(self) -> str:
        if self.is_quarter:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        if self.is_quarter:
            return f"{self.first.year}年第{'一二三四'[(self.first.month - 1) // 3]}季度"
        return f"{self.first.year}年{self.first.month}月"

    @property
    def months(self) -> list[date]:
        out, day = [], self.first
        while day <= self.last:
            out.append(day)
            day = _month_end(day) + timedelta(days=1)
        return out

    def previous(self) -> HonourPeriod:
        return HonourPeriod.of(Period.QUARTERLY if self.is_quarter else Period.MONTHLY, self.first - timedelta(days=1))
