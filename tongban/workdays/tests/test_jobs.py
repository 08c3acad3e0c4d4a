"""The daily calendar check through the real job registry and the real inbox."""
from datetime import date

import pytest

from tongban.jobs.registry import get_job
from tongban.workdays.models import CalendarYear

pytestmark = pytest.mark.django_db


def check(for_date: date) -> dict:
    return get_job("workdays.check_calendar").func(None, for_date)


def test_the_job_is_registered_daily():
    spec = get_job("workdays.check_calendar")
    assert (spec.frequency, spec.title) == ("daily", "检查工作日历")


def test_a_day_with_both_years_published_fills_them_and_reports_none(personas):
    assert check(date(2025, 6, 1)) == {"provisional_years": []}
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2025, 2026]


def test_a_provisional_next_year_notifies_calendar_managers_once(personas):
    from tongban.notifications.models import Notification

    assert check(date(2026, 11, 22)) == {"provisional_years": [2027]}
    assert check(date(2026, 11, 23)) == {"provisional_years": [2027]}
    notified = set(Notification.objects.filter(dedupe_key="calendar-provisional-2027")
                   .values_list("recipient__username", flat=True))
    assert notified == {personas.director.username, personas.admin.username}
    note = Notification.objects.filter(recipient=personas.director).get()
    assert note.title == "2027年节假日安排尚未录入" and note.link == "/calendar/?year=2027"
