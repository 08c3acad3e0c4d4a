"""Which day a weekly / monthly job is due and which period a date belongs to, on the real
working-day calendar (2026: National Day 10-01..10-07, 调休 Sunday 2026-01-04, Spring Festival week
2026-02-16..02-22 without a single workday)."""
from datetime import date

import pytest

from tongban.jobs.schedule import is_due, period_key

pytestmark = pytest.mark.django_db


def test_daily_jobs_are_due_every_day_keyed_on_the_day_itself():
    assert is_due("daily", date(2026, 10, 3))
    assert period_key("daily", date(2026, 10, 3)) == date(2026, 10, 3)


def test_weekly_jobs_are_due_on_the_first_workday_of_an_ordinary_week():
    assert is_due("weekly", date(2026, 11, 23))  # Monday
    assert not is_due("weekly", date(2026, 11, 24))
    assert period_key("weekly", date(2026, 11, 27)) == date(2026, 11, 23)


def test_after_national_day_the_weekly_jobs_wait_for_thursday():
    assert not is_due("weekly", date(2026, 10, 5))  # Monday, still a holiday
    assert is_due("weekly", date(2026, 10, 8))  # Thursday, the week's first workday
    assert not is_due("weekly", date(2026, 10, 10))  # a 调休 Saturday, but not the first workday
    assert period_key("weekly", date(2026, 10, 6)) == date(2026, 10, 8)


def test_a_makeup_sunday_can_be_the_first_workday_of_a_month():
    assert is_due("monthly", date(2026, 1, 4))  # Sunday, a 调休 workday after New Year's Day
    assert not is_due("monthly", date(2026, 1, 1))
    assert not is_due("monthly", date(2026, 1, 5))
    assert period_key("monthly", date(2026, 1, 20)) == date(2026, 1, 4)


def test_monthly_jobs_skip_a_weekend_first_of_month():
    assert not is_due("monthly", date(2026, 11, 1))  # Sunday
    assert is_due("monthly", date(2026, 11, 2))
    assert period_key("monthly", date(2026, 11, 30)) == date(2026, 11, 2)


def test_a_week_without_workdays_has_no_due_day_and_is_keyed_on_its_monday():
    week = [date(2026, 2, day) for day in range(16, 23)]
    assert not any(is_due("weekly", day) for day in week)
    assert period_key("weekly", date(2026, 2, 19)) == date(2026, 2, 16)
