"""Clocks in SQL give the same answers as the services."""
from datetime import date

import pytest
from django.db.models import Value

from tongban.workdays import services
from tongban.workdays.expressions import deadline_after, workday_index_of
from tongban.workdays.models import Day

pytestmark = pytest.mark.django_db


@pytest.fixture
def autumn_2025():
    services.ensure_years(2025, 2026)
    return Day.objects.filter(date__range=(date(2025, 9, 20), date(2025, 10, 20)))


@pytest.mark.parametrize("n", [0, 1, 5, 20])
def test_deadline_after_in_sql_matches_add_workdays(autumn_2025, n):
    for day, due in autumn_2025.annotate(due=deadline_after("date", n)).values_list("date", "due"):
        assert due == services.add_workdays(day, n).date, day


@pytest.mark.parametrize("n", [0, 3])
def test_deadline_after_takes_the_days_from_a_column(autumn_2025, n):
    rows = autumn_2025.annotate(days=Value(n), due=deadline_after("date", "days"))
    for day, due in rows.values_list("date", "due"):
        assert due == services.add_workdays(day, n).date


def test_elapsed_workdays_in_sql_match_workdays_between(autumn_2025):
    start = date(2025, 9, 26)
    rows = autumn_2025.annotate(elapsed=workday_index_of("date") - workday_index_of(Value(start)))
    for day, elapsed in rows.values_list("date", "elapsed"):
        assert elapsed == services.workdays_between(start, day).days
