"""The one month parser: bounded, Chinese, a default for an empty value."""
from __future__ import annotations

from datetime import date

import pytest

from tongban.core.months import MonthError, month_or_default, parse_month


@pytest.mark.parametrize("text, first", [("2026-11", date(2026, 11, 1)), (" 2026-1 ", date(2026, 1, 1)),
                                         ("2000-01", date(2000, 1, 1)), ("2099-12", date(2099, 12, 1))])
def test_a_month_is_its_first_day(text, first):
    assert parse_month(text) == first


@pytest.mark.parametrize("text", ["9999-12", "0001-01", "1999-12", "2100-01", "2026-13", "2026-00", "10000-01",
                                  "garbage", "2026-11-05", "2026/11", "-1-5"])
def test_anything_else_is_refused_in_chinese(text):
    with pytest.raises(MonthError, match=f"月份“{text}”无效") as caught:
        parse_month(text)
    assert "2000年1月 至 2099年12月" in str(caught.value)


def test_an_empty_value_takes_the_default_month_or_asks_for_one():
    assert parse_month("", date(2026, 11, 30)) == date(2026, 11, 1)
    assert parse_month(None, date(2026, 11, 30)) == date(2026, 11, 1)
    with pytest.raises(MonthError, match="请填写月份"):
        parse_month("")


def test_a_page_falls_back_on_the_default_with_the_reason():
    assert month_or_default("2026-10", date(2026, 11, 30)) == (date(2026, 10, 1), "")
    first, message = month_or_default("9999-12", date(2026, 11, 30))
    assert first == date(2026, 11, 1) and "月份“9999-12”无效" in message
