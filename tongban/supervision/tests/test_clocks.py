"""The clocks of the scan against the calendar: the 2025 National Day, the 2026 Spring Festival with its
make-up Saturdays, an unpublished year, suspensions; the states and cards on each side of each threshold."""
from __future__ import annotations

from datetime import date

import pytest

from tongban.supervision.choices import CardColor, ClockKind, ClockState
from tongban.supervision.clocks import scan
from tongban.supervision.models import Card, Clock, ClockEvent
from tongban.workdays.services import add_workdays

pytestmark = pytest.mark.django_db


def clock(case, kind=ClockKind.CASE_PROMISED, task=None):
    return Clock.objects.get(case=case, kind=kind, task=task)


def test_a_case_accepted_before_national_day_2025_is_due_after_the_holiday_and_its_states_follow_the_calendar(accepted):
    # Given 食品经营许可 (promised 5 working days) accepted on Friday 2025-09-26: 09-28 (Sunday) is a make-up
    # workday, 10-01 … 10-08 are the holiday, so the five days are 09-28, 29, 30, 10-09, 10-10.
    case = accepted(date(2025, 9, 26))
    scan(date(2025, 9, 26))
    promised = clock(case)
    assert promised.due_date == date(2025, 10, 10)
    assert promised.state == ClockState.NORMAL
    # 临期 from one working day before: 10-09 (and the holiday before it does not count down).
    scan(date(2025, 10, 8))
    assert clock(case).state == ClockState.NORMAL
    scan(date(2025, 10, 9))
    assert clock(case).state == ClockState.DUE_SOON and clock(case).card == CardColor.YELLOW
    scan(date(2025, 10, 10))
    assert clock(case).state == ClockState.DUE_SOON
    # Overdue on 10-11 (Saturday, a make-up workday in 2025: the first overdue working day) — still yellow.
    scan(date(2025, 10, 11))
    assert clock(case).state == ClockState.OVERDUE and clock(case).card == CardColor.YELLOW
    assert clock(case).first_overdue_on == date(2025, 10, 11)
    # Overdue by more than one working day (the red line) on Monday 10-13: red.
    scan(date(2025, 10, 12))
    assert clock(case).card == CardColor.YELLOW
    scan(date(2025, 10, 13))
    assert clock(case).card == CardColor.RED
    assert list(Card.objects.filter(case=case, kind=ClockKind.CASE_PROMISED).values_list("color", flat=True)
                .order_by("issued_on")) == ["yellow", "red"]


def test_the_statutory_clock_is_kept_apart_from_the_promised_one(accepted, restaurant):
    case = accepted(date(2025, 9, 26))
    scan(date(2025, 9, 26))
    statutory = clock(case, ClockKind.CASE_STATUTORY)
    assert statutory.due_date == add_workdays(date(2025, 9, 26), restaurant.food.statutory_days).date
    assert statutory.due_date > clock(case).due_date
    task = case.tasks.get()
    assert clock(case, ClockKind.TASK_PROMISED, task).due_date == task.due_date


def test_spring_festival_2026_make_up_saturdays_count_as_working_days(accepted):
    # Accepted Friday 2026-02-13; 02-14 (Saturday) is a make-up workday, 02-15 … 02-23 the holiday, 02-28
    # (Saturday) another make-up day: the five days are 02-14, 24, 25, 26, 27.
    case = accepted(date(2026, 2, 13))
    scan(date(2026, 2, 13))
    assert clock(case).due_date == date(2026, 2, 27) == add_workdays(date(2026, 2, 13), 5).date
    scan(date(2026, 2, 26))
    assert clock(case).state == ClockState.DUE_SOON
    scan(date(2026, 2, 28))  # a make-up Saturday: the first overdue working day
    assert clock(case).state == ClockState.OVERDUE and clock(case).card == CardColor.YELLOW
    scan(date(2026, 3, 2))
    assert clock(case).card == CardColor.RED


def test_a_clock_reaching_into_an_unpublished_year_is_provisional_and_never_crashes(accepted):
    from tongban.workdays.models import CalendarYear

    case = accepted(date(2027, 12, 29))
    result = scan(date(2027, 12, 29))
    assert result["changed"] >= 0
    assert clock(case).due_date == add_workdays(date(2027, 12, 29), 5).date == date(2028, 1, 5)
    assert CalendarYear.objects.get(year=2028).is_provisional
    scan(date(2028, 1, 6))
    assert clock(case).state == ClockState.OVERDUE


def test_a_suspension_stops_the_clock_and_its_working_days_move_the_due_date(accepted, case_people):
    from tongban.cases.services import review
    from tongban.cases.services.common import acting_on

    case = accepted(date(2025, 9, 26))
    scan(date(2025, 9, 26))
    with acting_on(date(2025, 9, 29)):
        review.suspend(case, by=case_people.samr_reviewer, task=case.tasks.get(), kind="inspection", reason="现场核查")
    scan(date(2025, 9, 29))
    assert clock(case).state == ClockState.STOPPED
    assert clock(case, ClockKind.TASK_PROMISED, case.tasks.get()).state == ClockState.STOPPED
    scan(date(2025, 10, 13))  # would be red by now, but the clock is stopped
    assert clock(case).state == ClockState.STOPPED and clock(case).card == ""
    with acting_on(date(2025, 10, 13)):
        review.resume(case, by=case_people.samr_reviewer)
    scan(date(2025, 10, 14))
    # Suspended (09-29, 10-13]: 09-30, 10-09, 10-10, 10-11 (make-up), 10-13 = 5 workdays on top of the 5.
    expected = add_workdays(date(2025, 9, 26), 5, suspensions=[(date(2025, 9, 30), date(2025, 10, 13))]).date
    assert clock(case).due_date == expected
    assert clock(case).state == ClockState.NORMAL


def test_a_day_scanned_twice_changes_nothing_the_second_time(accepted):
    case = accepted(date(2025, 9, 26))
    scan(date(2025, 9, 26))
    first = scan(date(2025, 10, 13))
    events = ClockEvent.objects.count()
    cards = Card.objects.count()
    assert first["changed"] > 0
    again = scan(date(2025, 10, 13))
    assert again["changed"] == 0
    assert ClockEvent.objects.count() == events and Card.objects.count() == cards
    assert clock(case).card == CardColor.RED


def test_incremental_and_full_scans_agree(accepted):
    cases = [accepted(date(2025, 9, d)) for d in (22, 24, 26)]
    scan(date(2025, 9, 26))
    for day in (date(2025, 10, 9), date(2025, 10, 10), date(2025, 10, 13)):
        result = scan(day)
        assert not result["full"]
        states = list(Clock.objects.order_by("pk").values_list("state", "card"))
        assert scan(day, full=True)["changed"] == 0
        assert list(Clock.objects.order_by("pk").values_list("state", "card")) == states
    assert all(clock(c).state == ClockState.OVERDUE for c in cases)


def test_an_earlier_day_is_not_scanned_after_a_later_one(accepted):
    accepted(date(2025, 9, 26))
    scan(date(2025, 10, 13))
    result = scan(date(2025, 10, 9))
    assert result["changed"] == 0 and "skipped" in result
    assert Clock.objects.filter(state=ClockState.OVERDUE).exists()


def test_every_change_of_state_is_an_event(accepted):
    case = accepted(date(2025, 9, 26))
    for day in (date(2025, 9, 26), date(2025, 10, 9), date(2025, 10, 11), date(2025, 10, 13)):
        scan(day)
    rows = list(ClockEvent.objects.filter(clock=clock(case)).order_by("on").values_list("on", "to_state", "to_card"))
    # A new clock starts 正常 (no event); then each change is one.
    assert rows == [(date(2025, 10, 9), "due_soon", "yellow"),
                    (date(2025, 10, 11), "overdue", "yellow"), (date(2025, 10, 13), "overdue", "red")]


def test_a_calendar_change_moves_the_clocks_and_the_next_incremental_scan_sees_it(accepted):
    from tongban.workdays.services import override_day

    case = accepted(date(2025, 9, 26))
    scan(date(2025, 9, 26))
    assert clock(case).due_date == date(2025, 10, 10)
    override_day(date(2025, 10, 9), is_workday=False, holiday_name="测试调整")
    # 10-09 off: the fifth working day is Saturday 10-11 (a make-up day), rewritten by the calendar's hook in the
    # calendar's own transaction
    assert clock(case).due_date == date(2025, 10, 11) == add_workdays(date(2025, 9, 26), 5).date
    result = scan(date(2025, 10, 10))
    assert not result["full"] and clock(case).state == ClockState.DUE_SOON
    assert clock(case, ClockKind.CASE_STATUTORY).due_date == add_workdays(date(2025, 9, 26), 20).date


def test_a_full_scan_syncs_the_cases_with_events_and_resync_compares_every_case(accepted, monkeypatch):
    # A scan after the first syncs only the cases with a case event since the previous scan (every service that
    # changes a case's inputs writes one); a change made behind the services' back (a bare UPDATE, no event) is
    # caught by `resync=True` (`tongban supervision scan --resync`), which compares every case with its clocks.
    from tongban.cases.models import Case
    from tongban.supervision import clocks

    monkeypatch.setattr(clocks, "EVENT_MARGIN", 0)  # no event committed late here: re-read none before the last
    case = accepted(date(2025, 9, 26))
    scan(date(2025, 9, 26))
    Case.objects.filter(pk=case.pk).update(clock_workdays=9)  # no case event
    scan(date(2025, 9, 29), full=True)
    assert clock(case).workdays == 5
    scan(date(2025, 9, 30), full=True, resync=True)
    assert clock(case).workdays == 9 and clock(case).due_date == add_workdays(date(2025, 9, 26), 9).date


def test_the_sqlite_sync_finds_each_clock_by_its_unique_index_not_by_scanning_every_clock():
    """Each kind's unique index is partial; the NOT EXISTS of the insert must say so, else SQLite scanned the whole
    clock table once per department task (quadratic at a county's size)."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from tongban.supervision.clocks import sync

    if db.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    with CaptureQueriesContext(db) as captured:
        sync()
    inserts = [q["sql"] for q in captured.captured_queries if "NOT EXISTS" in q["sql"]]
    assert len(inserts) == 5
    with db.cursor() as cursor:
        for sql in inserts:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            assert not [row[3] for row in cursor.fetchall() if row[3].startswith("SCAN k")], sql
