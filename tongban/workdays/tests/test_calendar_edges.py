"""The calendar at its edges (issue 17: mutants of workdays/services.py no test killed): ranges counted
backwards, suspensions that touch the first counted day, the first and last supported day and year, how a
day off is classed, and what overrides, imports and upgrades leave on record. Expected values are counted
by hand from the State Council's schedule (2025: 10-01…10-08 off, 09-28 and 10-11 worked)."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tongban.history.services import events_for
from tongban.workdays import services
from tongban.workdays.choices import DayKind, DaySource, YearStatus
from tongban.workdays.models import CalendarYear, Day

pytestmark = pytest.mark.django_db

d = date.fromisoformat
WorkdayCount, WorkdayResult = services.WorkdayCount, services.WorkdayResult


# --- Ranges and suspensions --------------------------------------------------------------------------

def test_a_range_counted_backwards_is_the_same_count_negative_with_its_suspensions():
    suspended = [(d("2025-10-13"), d("2025-10-14"))]
    # (09-26, 10-31]: 09-28 09-29 09-30, 10-09 10-10 10-11, and three full weeks = 21; two suspended.
    assert services.workdays_between(d("2025-09-26"), d("2025-10-31"), suspensions=suspended) == WorkdayCount(19, False)
    assert services.workdays_between(d("2025-10-31"), d("2025-09-26"), suspensions=suspended) == WorkdayCount(-19, False)


def test_a_range_counted_backwards_into_a_provisional_year_stays_provisional():
    # (2026-12-01, 2027-01-10]: 22 weekdays of December, then 01-01 … 01-08 counted on weekdays (6).
    assert services.workdays_between(d("2027-01-10"), d("2026-12-01")) == WorkdayCount(-28, True)


def test_a_suspension_on_the_first_counted_day_counts_and_one_on_the_start_day_does_not():
    start, end = d("2025-10-10"), d("2025-10-17")  # (10-10, 10-17]: 10-11 (worked Saturday), 10-13 … 10-17 = 6
    assert services.workdays_between(start, end).days == 6
    assert services.workdays_between(start, end, suspensions=[(d("2025-10-11"), d("2025-10-11"))]).days == 5
    assert services.workdays_between(start, end, suspensions=[(d("2025-10-10"), d("2025-10-10"))]).days == 6
    assert services.workdays_between(start, end, suspensions=[(d("2025-10-17"), d("2025-10-17"))]).days == 5
    assert services.add_workdays(start, 1, suspensions=[(d("2025-10-11"), d("2025-10-11"))]).date == d("2025-10-13")


def test_two_suspensions_a_day_apart_leave_the_day_between_counted():
    suspended = [(d("2025-10-13"), d("2025-10-13")), (d("2025-10-15"), d("2025-10-15"))]
    assert services.workdays_between(d("2025-10-12"), d("2025-10-17"), suspensions=suspended).days == 3


def test_a_suspension_inside_another_is_counted_once_with_the_outer_one():
    suspended = [(d("2025-10-13"), d("2025-10-17")), (d("2025-10-14"), d("2025-10-15"))]
    assert services.workdays_between(d("2025-10-12"), d("2025-10-24"), suspensions=suspended).days == 5
    assert services.add_workdays(d("2025-10-12"), 1, suspensions=suspended).date == d("2025-10-20")


def test_zero_workdays_in_a_provisional_year_is_provisional():
    assert services.add_workdays(d("2027-01-01"), 0) == WorkdayResult(d("2027-01-01"), True)
    assert services.add_workdays(d("2026-10-01"), 0) == WorkdayResult(d("2026-10-01"), False)


# --- The first and last supported day and year ---------------------------------------------------------

def test_the_first_supported_day_counts_and_the_day_before_is_refused():
    assert services.add_workdays(d("1990-01-01"), 1).date == d("1990-01-02")
    with pytest.raises(ValidationError) as caught:
        services.add_workdays(d("1989-12-31"), 1)
    assert caught.value.messages == ["日期 1989-12-31 超出工作日历可计算范围（1990-01-01—2100-12-31）。"]


def test_the_last_supported_day_is_in_range_but_has_no_workday_after_it():
    assert services.add_workdays(d("2100-12-31"), 0) == WorkdayResult(d("2100-12-31"), True)
    with pytest.raises(ValidationError) as caught:
        services.add_workdays(d("2100-12-31"), 1)
    assert caught.value.messages == ["日期 2100-12-31 起第 1 个工作日 超出工作日历可计算范围（1990-01-01—2100-12-31）。"]


def test_a_deadline_past_the_last_year_names_the_start_and_the_count():
    with pytest.raises(ValidationError) as caught:
        services.add_workdays(d("2100-12-01"), 40)
    assert caught.value.messages == ["日期 2100-12-01 起第 40 个工作日 超出工作日历可计算范围（1990-01-01—2100-12-31）。"]


@pytest.mark.parametrize("year", [1990, 2100])
def test_the_first_and_last_supported_years_can_be_filled(year):
    assert services.ensure_years(year, year) == [year]
    assert CalendarYear.objects.get(year=year).status == YearStatus.PROVISIONAL


@pytest.mark.parametrize(("first", "last", "shown"), [(1989, 1990, "1989年"), (2100, 2101, "2101年")])
def test_a_year_outside_the_range_is_refused_and_nothing_is_filled(first, last, shown):
    with pytest.raises(ValidationError) as caught:
        services.ensure_years(first, last)
    assert caught.value.messages == [f"日期 {shown} 超出工作日历可计算范围（1990-01-01—2100-12-31）。"]
    assert not CalendarYear.objects.exists()


def test_years_asked_for_in_reverse_order_are_filled_all_the_same():
    assert services.ensure_years(2026, 2025) == [2025, 2026]


def test_a_deadline_far_ahead_fills_only_the_years_it_needs():
    services.ensure_years(2025, 2025)
    result = services.add_workdays(d("2025-01-02"), 500)  # about two years of workdays
    assert result.date.year == 2027
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2025, 2026, 2027]


# --- How a day off is classed ---------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "name", "kind"), [
    ("2025-10-15", "", DayKind.HOLIDAY),  # a Wednesday off, even without a name, is a holiday
    ("2025-10-18", "", DayKind.WEEKEND),  # a Saturday off without a name is an ordinary weekend
    ("2025-10-18", "本县文化节", DayKind.HOLIDAY),  # a Saturday off with a name is a holiday
])
def test_a_day_set_off_by_hand_is_classed_by_weekday_and_name(day, name, kind):
    row = services.override_day(d(day), is_workday=False, holiday_name=name)
    assert (row.kind, row.holiday_name, row.source) == (kind, name, DaySource.MANUAL)
    assert Day.objects.get(date=d(day)).kind == kind


def test_a_day_set_off_without_naming_it_has_no_name():
    row = services.override_day(d("2025-10-15"), is_workday=False)
    assert (row.holiday_name, row.kind, row.label) == ("", DayKind.HOLIDAY, "法定节假日")


def test_an_imported_weekend_holiday_keeps_its_name_and_is_a_holiday(schedule_2027):
    services.import_schedule(schedule_2027)
    saturday = Day.objects.get(date=d("2027-02-06"))  # 春节, a Saturday
    assert (saturday.is_workday, saturday.kind, saturday.holiday_name) == (False, DayKind.HOLIDAY, "春节")


def test_a_weekday_off_in_a_provisional_year_is_a_weekend_only_on_weekends():
    services.ensure_years(2027, 2027)
    kinds = dict(Day.objects.filter(date__range=(d("2027-01-01"), d("2027-01-04"))).values_list("date", "kind"))
    assert kinds == {d("2027-01-01"): DayKind.WORKDAY, d("2027-01-02"): DayKind.WEEKEND,
                     d("2027-01-03"): DayKind.WEEKEND, d("2027-01-04"): DayKind.WORKDAY}


# --- What changes leave on record --------------------------------------------------------------------------

def test_an_override_name_of_exactly_forty_characters_is_kept_and_41_are_refused_with_both_numbers():
    assert services.override_day(d("2025-10-15"), is_workday=False, holiday_name="长" * 40).holiday_name == "长" * 40
    with pytest.raises(ValidationError) as caught:
        services.override_day(d("2025-10-16"), is_workday=False, holiday_name="长" * 41)
    assert caught.value.messages == ["名称过长（41 字），最多 40 字。"]


def test_an_override_records_the_new_state_on_the_days_timeline(personas):
    row = services.override_day(d("2025-10-15"), is_workday=False, holiday_name=" 本县补休 ", by=personas.admin)
    event = events_for(row).get()
    assert event.data == {"is_workday": False, "holiday_name": "本县补休"}
    assert event.message == "2025-10-15 由“工作日”调整为“本县补休”"


def test_an_import_spanning_two_years_notes_each_years_own_row_count(write_csv, personas):
    path = write_csv([("日期", "类型", "名称"), ("2027-10-01", "节假日", "国庆节"), ("2027-10-02", "节假日", "国庆节"),
                      ("2028-01-01", "节假日", "元旦")], "两年.csv")
    report = services.import_schedule(path, by=personas.director)
    assert report.summary() == "已导入2027年、2028年的节假日安排：共 3 行，731 天有变化。"  # every day of both years is now 导入
    notes = dict(CalendarYear.objects.filter(year__in=[2027, 2028]).values_list("year", "note"))
    assert notes == {2027: "导入自“两年.csv”（2 行）", 2028: "导入自“两年.csv”（1 行）"}
    event = events_for(CalendarYear.objects.get(year=2028)).get()
    assert (event.code, event.actor, event.message) == ("workdays.year.imported", personas.director,
                                                        "导入2028年节假日安排（1 行）")


def test_upgrading_provisional_years_skips_those_still_without_data_and_records_who(personas):
    services.ensure_years(2003, 2026)  # chinesecalendar's data starts in 2004
    Day.objects.filter(date__year=2026).update(source=DaySource.PROVISIONAL, holiday_name="", is_workday=True,
                                                kind=DayKind.WORKDAY)
    CalendarYear.objects.filter(year=2026).update(status=YearStatus.PROVISIONAL)
    assert services.refresh_official_years(by=personas.admin) == [2026]
    year = CalendarYear.objects.get(year=2026)
    assert (year.status, year.note) == (YearStatus.OFFICIAL, "按国务院办公厅公布的节假日安排")
    event = events_for(year).get()
    assert (event.code, event.actor, event.message) == ("workdays.year.official", personas.admin,
                                                        "2026年改用国务院公布的节假日安排")
    assert CalendarYear.objects.get(year=2003).status == YearStatus.PROVISIONAL


def test_tongban_calendar_fill_adds_the_missing_years_and_upgrades_what_now_has_data(personas):
    services.ensure_years(2026, 2026)
    CalendarYear.objects.filter(year=2026).update(status=YearStatus.PROVISIONAL)
    assert services.fill_years(2025, 2027, by=personas.admin) == ([2025, 2027], [2026])
    assert events_for(CalendarYear.objects.get(year=2026)).get().actor == personas.admin


def test_a_suspension_that_pushes_a_deadline_past_the_last_year_names_the_start_and_the_count():
    with pytest.raises(ValidationError) as caught:
        services.add_workdays(d("2100-12-01"), 5, suspensions=[(d("2100-12-02"), d("2100-12-31"))])
    assert caught.value.messages == ["日期 2100-12-01 起第 5 个工作日 超出工作日历可计算范围（1990-01-01—2100-12-31）。"]


def test_refusals_name_the_numbers_and_days_concerned():
    with pytest.raises(ValidationError) as caught:
        services.add_workdays(d("2025-09-26"), -1)
    assert caught.value.messages == ["工作日数不能为负数：-1。"]
    with pytest.raises(ValidationError) as caught:
        services.workdays_between(d("2025-09-26"), d("2025-10-31"), suspensions=[(d("2025-10-09"), d("2025-10-01"))])
    assert caught.value.messages == ["挂起期间的结束日 2025-10-01 早于开始日 2025-10-09。"]


def test_year_status_reports_an_imported_year_as_imported(schedule_2027):
    services.import_schedule(schedule_2027)
    assert services.year_status([2028, 2027, 2026]) == {2026: YearStatus.OFFICIAL, 2027: YearStatus.IMPORTED,
                                                        2028: YearStatus.PROVISIONAL}


def test_a_year_from_the_published_schedule_is_marked_so_day_by_day():
    services.ensure_years(2025, 2025)
    assert CalendarYear.objects.get(year=2025).note == "按国务院办公厅公布的节假日安排"
    assert set(Day.objects.filter(date__year=2025).values_list("source", flat=True)) == {DaySource.OFFICIAL}
    national_day = Day.objects.get(date=d("2025-10-01"))
    assert (national_day.is_workday, national_day.kind, national_day.holiday_name) == (False, DayKind.HOLIDAY, "国庆节")


def test_a_provisional_year_says_why_and_a_leap_year_has_366_days():
    services.ensure_years(2028, 2028)
    assert CalendarYear.objects.get(year=2028).note == "尚未公布或录入节假日安排，按周一至周五临时推算"
    assert Day.objects.count() == 366
    assert Day.objects.order_by("date").last().date == d("2028-12-31")


def test_an_import_over_five_years_resets_every_day_of_them(write_csv):
    """More than a thousand days change to the same state at once (written in batches)."""
    rows = [("日期", "类型", "名称")] + [(f"{year}-10-01", "节假日", "国庆节") for year in range(2027, 2032)]
    report = services.import_schedule(write_csv(rows, "五年.csv"))
    assert report.changed_days == 365 * 4 + 366
    assert not Day.objects.filter(date__year__range=(2027, 2031)).exclude(source=DaySource.IMPORTED).exists()
    assert Day.objects.get(date=d("2031-10-01")).holiday_name == "国庆节"


def test_a_deadline_in_the_last_year_from_the_year_before_fills_the_last_year():
    """From Tuesday 2099-12-01, 40 workdays on weekdays (both years provisional) end on 2100-01-26."""
    assert services.add_workdays(d("2099-12-01"), 40) == WorkdayResult(d("2100-01-26"), True)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2099, 2100]


def test_every_calendar_change_tells_the_clocks_the_first_day_it_changed(monkeypatch, schedule_2027):
    """Clocks due before that day cannot move, so only the rows due on or after it are read (workdays/clocks.py)."""
    from tongban.workdays import clocks

    told = []
    monkeypatch.setattr(clocks, "_recomputers", {"test.clock": (lambda since: told.append(since) or 0, None)})
    services.ensure_years(2026, 2026)  # a year filled
    services.import_schedule(schedule_2027)  # 2027 filled on weekdays, then imported
    Day.objects.filter(date__year=2026, date__month__gte=3).update(source=DaySource.PROVISIONAL, is_workday=True,
                                                                   kind=DayKind.WORKDAY, holiday_name="")
    CalendarYear.objects.filter(year=2026).update(status=YearStatus.PROVISIONAL)
    services.refresh_official_years()  # 2026 official again: the first day it changes is 2026-03-01
    assert told == [d("2026-01-01"), d("2027-01-01"), d("2027-01-01"), d("2026-03-01")]


def test_an_import_writes_its_days_in_a_few_statements_not_one_per_day(write_csv, django_assert_max_num_queries):
    rows = [("日期", "类型", "名称")] + [(f"{year}-10-01", "节假日", "国庆节") for year in range(2027, 2032)]
    path = write_csv(rows, "五年.csv")
    services.ensure_years(2027, 2031)
    with django_assert_max_num_queries(100):  # 1,826 days changed: about 50 statements in all, not thousands
        services.import_schedule(path)
