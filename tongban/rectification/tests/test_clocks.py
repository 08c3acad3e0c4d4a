"""A measure's stored due date (and so its overdue state) always equals what the calendar says, after
every kind of change — compared with a plain day-by-day walk over the calendar's days that uses
neither the workday index nor the SQL under test (issue 18)."""
from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tongban.rectification import services
from tongban.rectification.choices import DeadlineKind, MeasureStatus
from tongban.rectification.models import Measure
from tongban.rectification.tests.conftest import upload
from tongban.workdays import services as calendar
from tongban.workdays.choices import DaySource, YearStatus
from tongban.workdays.models import CalendarYear, Day

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def day_by_day(measure: Measure) -> date | None:
    """The due date by walking the calendar one day at a time (the rules of rectification/clocks.py)."""
    works = dict(Day.objects.values_list("date", "is_workday"))
    if measure.deadline_kind == DeadlineKind.ONGOING:
        open_nodes = sorted(c.due_date for c in measure.checkpoints.all() if c.reported_at is None)
        start, n = (open_nodes[0] if open_nodes else None), 0
    elif measure.deadline_kind == DeadlineKind.IMMEDIATE and measure.deadline is None:
        start, n = measure.created_at.astimezone(SHANGHAI).date(), 5
    else:
        start, n = measure.deadline, 0
    if start is None:
        return None
    day = start
    if n == 0:
        while not works[day]:
            day += timedelta(days=1)
        return day
    while n:
        day += timedelta(days=1)
        n -= works[day]
    return day


def assert_clocks_agree(today: date) -> None:
    """Stored due date = the walk, for every measure; overdue = open and due before `today`."""
    for measure in Measure.objects.prefetch_related("checkpoints"):
        expected = day_by_day(measure)
        assert measure.due_date == expected, (measure.text, measure.due_date, expected)
        overdue = expected is not None and expected < today and measure.status in (
            MeasureStatus.NOT_STARTED, MeasureStatus.IN_PROGRESS, MeasureStatus.PENDING_SIGNOFF)
        assert (measure.pk in set(Measure.objects.overdue(today).values_list("pk", flat=True))) == overdue


@pytest.fixture
def clocks_of_every_kind(ledger, county):
    """The ledger's measures (dated, one inside the National Day holiday, one ongoing) and more."""
    with time_machine.travel(datetime(2027, 2, 4, 10, tzinfo=SHANGHAI), tick=False):
        immediate = services.create_measure(finding=ledger.problem, text="立行立改：春节前清理", lead_unit=county.section,
                                            deadline_kind=DeadlineKind.IMMEDIATE)
    feb = services.create_measure(finding=ledger.problem, text="春节期间到期", lead_unit=county.section,
                                  deadline=date(2027, 2, 8))
    dated_immediate = services.create_measure(finding=ledger.problem, text="立行立改，限期完成", lead_unit=county.section,
                                              deadline_kind=DeadlineKind.IMMEDIATE, deadline=date(2025, 10, 1))
    return {"immediate": immediate, "feb": feb, "dated_immediate": dated_immediate}


def test_new_measures_of_every_kind_store_the_calendars_due_date(ledger, clocks_of_every_kind):
    assert Measure.objects.get(pk=ledger.section_measure.pk).due_date == date(2023, 10, 7)  # 国庆节后调休上班
    assert clocks_of_every_kind["immediate"].due_date == date(2027, 2, 11)  # 2027 still provisional: Mon–Fri
    assert clocks_of_every_kind["dated_immediate"].due_date == date(2025, 10, 9)
    assert Measure.objects.get(pk=ledger.ongoing_measure.pk).due_date == date(2024, 1, 2)  # 2023-12-31 is a Sunday
    assert_clocks_agree(date(2024, 1, 3))


def test_a_deadline_edit_and_a_change_of_deadline_kind_move_the_due_date(ledger, clocks_of_every_kind):
    services.update_measure(ledger.section_measure, expected_version=None, deadline=date(2024, 2, 10))
    assert Measure.objects.get(pk=ledger.section_measure.pk).due_date == date(2024, 2, 18)  # 春节, then Sunday worked
    services.update_measure(ledger.township_measure, expected_version=None, deadline_kind=DeadlineKind.ONGOING,
                            checkpoints=[date(2024, 3, 31)])
    assert Measure.objects.get(pk=ledger.township_measure.pk).due_date == date(2024, 4, 1)
    assert_clocks_agree(date(2024, 3, 1))


def test_reporting_a_checkpoint_moves_an_ongoing_measure_to_its_next_one(ledger, clocks_of_every_kind):
    measure = ledger.ongoing_measure
    services.report_checkpoint(measure, measure.checkpoints.first(), text="已报告", files=[upload("a.pdf")])
    assert Measure.objects.get(pk=measure.pk).due_date == date(2024, 7, 1)  # 2024-06-30 is a Sunday
    services.report_checkpoint(measure, measure.checkpoints.last(), text="已报告")
    assert Measure.objects.get(pk=measure.pk).due_date is None  # no time node left
    assert_clocks_agree(date(2024, 7, 2))


def test_a_return_and_a_reopening_by_revisit_keep_the_clock_right(ledger, clocks_of_every_kind, personas):
    measure = ledger.section_measure
    services.add_progress(measure, text="完成", files=[upload("a.pdf")], by=personas.section_chief)
    services.submit_for_signoff(measure, by=personas.section_chief)
    services.return_measure(measure, reason="材料不全", by=personas.rectification_office)
    assert_clocks_agree(date(2023, 10, 8))
    services.add_progress(measure, text="补充", files=[upload("b.pdf")], by=personas.section_chief)
    services.submit_for_signoff(measure, by=personas.section_chief)
    services.verify_measure(measure, by=personas.rectification_office)
    assert measure.pk not in set(Measure.objects.overdue(date(2024, 1, 1)).values_list("pk", flat=True))
    revisit = services.schedule_revisit(measure, scheduled_date=date(2024, 1, 2))
    with time_machine.travel(datetime(2025, 9, 20, 10, tzinfo=SHANGHAI), tick=False):
        services.record_revisit(revisit, done_date=date(2025, 9, 20), satisfied=False, notes="群众不满意",
                                new_deadline=date(2025, 10, 3))
    assert Measure.objects.get(pk=measure.pk).due_date == date(2025, 10, 9)
    assert_clocks_agree(date(2025, 10, 10))


def test_importing_a_years_schedule_confirms_it_and_moves_the_due_dates_in_it(clocks_of_every_kind, tmp_path):
    path = tmp_path / "2027年节假日安排.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows([("日期", "类型", "名称"), *[(f"2027-02-{d:02d}", "节假日", "春节")
                                                                 for d in range(5, 13)], ("2027-02-20", "调休", "春节")])
    assert CalendarYear.objects.get(year=2027).status == YearStatus.PROVISIONAL
    calendar.import_schedule(path)
    assert CalendarYear.objects.get(year=2027).status == YearStatus.IMPORTED
    assert Measure.objects.get(pk=clocks_of_every_kind["feb"].pk).due_date == date(2027, 2, 15)
    assert Measure.objects.get(pk=clocks_of_every_kind["immediate"].pk).due_date == date(2027, 2, 19)
    assert_clocks_agree(date(2027, 2, 16))


def test_a_day_set_by_hand_moves_the_due_dates_on_it_and_back(ledger, clocks_of_every_kind):
    calendar.override_day(date(2023, 10, 7), is_workday=False, holiday_name="停电")
    assert Measure.objects.get(pk=ledger.section_measure.pk).due_date == date(2023, 10, 8)  # Sunday, 调休上班
    assert_clocks_agree(date(2023, 10, 9))
    calendar.override_day(date(2023, 10, 7), is_workday=True, holiday_name="国庆节")
    assert Measure.objects.get(pk=ledger.section_measure.pk).due_date == date(2023, 10, 7)
    assert_clocks_agree(date(2023, 10, 9))


def test_a_provisional_year_confirmed_by_chinesecalendar_moves_the_due_dates_in_it(clocks_of_every_kind):
    """As after an upgrade of chinesecalendar: 2025 was filled on the weekday rule, marked provisional;
    `tongban calendar fill` now finds the State Council's schedule and switches it to official."""
    year_2025 = Day.objects.filter(date__year=2025)
    for day in year_2025:
        weekday = day.date.weekday() < 5
        Day.objects.filter(date=day.date).update(is_workday=weekday, holiday_name="", source=DaySource.PROVISIONAL,
                                                 kind="workday" if weekday else "weekend")
    CalendarYear.objects.filter(year=2025).update(status=YearStatus.PROVISIONAL)
    calendar.reindex()
    from tongban.rectification.clocks import refresh_measure_clocks

    refresh_measure_clocks(Measure.objects.all())  # as they were computed on the provisional year
    assert Measure.objects.get(pk=clocks_of_every_kind["dated_immediate"].pk).due_date == date(2025, 10, 1)
    assert calendar.refresh_official_years() == [2025]
    assert Measure.objects.get(pk=clocks_of_every_kind["dated_immediate"].pk).due_date == date(2025, 10, 9)
    assert_clocks_agree(date(2025, 10, 10))


def test_a_calendar_change_reads_only_the_clocks_due_on_or_after_the_changed_day(ledger, clocks_of_every_kind):
    """A clock due before the changed day cannot move, so it is not even read: a (deliberately wrong)
    due date before the day stays as it is, while those on or after it are recomputed."""
    feb = clocks_of_every_kind["feb"]
    Measure.objects.filter(pk=ledger.section_measure.pk).update(due_date=date(2023, 1, 1))  # wrong, early
    Measure.objects.filter(pk=feb.pk).update(due_date=date(2030, 1, 1))  # wrong, late
    calendar.override_day(date(2027, 2, 1), is_workday=False, holiday_name="测试")
    assert Measure.objects.get(pk=ledger.section_measure.pk).due_date == date(2023, 1, 1)
    assert Measure.objects.get(pk=feb.pk).due_date == date(2027, 2, 8)


def test_a_clock_not_computed_yet_is_computed_on_the_next_calendar_change(ledger):
    """A due date left empty (rows written before their clock existed, by a migration or by hand) is filled by
    the next calendar change, whatever the day changed."""
    Measure.objects.filter(pk=ledger.township_measure.pk).update(due_date=None)  # due_start 2023-10-31 stays
    calendar.override_day(date(2030, 6, 3), is_workday=False, holiday_name="本县活动")
    assert Measure.objects.get(pk=ledger.township_measure.pk).due_date == date(2023, 10, 31)


def test_a_clock_with_a_constant_number_of_workdays(ledger):
    """`workdays` may be a number instead of a field: here 5 workdays after each measure's start."""
    from tongban.workdays import clocks

    five_after = clocks.Clock(Measure, start="due_start", workdays=5, due="due_date")
    assert clocks.update_due_dates(five_after, Measure.objects.filter(pk=ledger.section_measure.pk)) == 1
    # due_start 2023-09-30, inside the break of 09-29 … 10-06; 10-07 and 10-08 were worked: 10-07, 10-08, 10-09,
    # 10-10, 10-11.
    assert Measure.objects.get(pk=ledger.section_measure.pk).due_date == date(2023, 10, 11)


def test_rebuilding_every_clock_restores_a_lost_due_date_and_changes_nothing_else(ledger):
    """`tongban calendar clocks` (clocks.recompute_all) rebuilds the measures' clocks from their inputs."""
    from tongban.workdays import clocks

    Measure.objects.filter(pk=ledger.township_measure.pk).update(due_start=None, due_date=None)
    assert clocks.recompute_all()["rectification.measure"] == 1
    assert Measure.objects.get(pk=ledger.township_measure.pk).due_date == date(2023, 10, 31)
    assert clocks.recompute_all()["rectification.measure"] == 0


def test_a_deadline_in_the_last_supported_year_is_counted_on_its_calendar(ledger, county):
    """2100-12-25 is a Saturday: due on Monday the 27th, from the calendar of 2100 filled for it."""
    measure = services.create_measure(finding=ledger.problem, text="世纪末的措施", lead_unit=county.section,
                                      deadline=date(2100, 12, 25))
    assert measure.due_date == date(2100, 12, 27)
    assert CalendarYear.objects.filter(year=2100).exists()
