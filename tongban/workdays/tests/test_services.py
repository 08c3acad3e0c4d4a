"""The calendar's services against the real database and chinesecalendar's real data."""
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from tongban.history.services import events_for
from tongban.workdays import services
from tongban.workdays.choices import DayKind, DaySource, YearStatus
from tongban.workdays.models import CalendarYear, Day
from tongban.workdays.schedule_file import ImportRejected
from tongban.workdays.tests.conftest import SCHEDULE_2027

pytestmark = pytest.mark.django_db


def d(text: str) -> date:
    return date.fromisoformat(text)


def snapshot(first: str, last: str) -> list[tuple]:
    return list(Day.objects.filter(date__range=(d(first), d(last)))
                .values_list("date", "is_workday", "kind", "holiday_name", "source", "workday_index"))


# --- Counting ------------------------------------------------------------------------------------

def test_five_workdays_after_the_friday_before_national_day_2025_is_october_10():
    # 9-28 (Sunday) is a make-up workday, 10-01 … 10-08 are off.
    assert services.add_workdays(d("2025-09-26"), 5) == services.WorkdayResult(d("2025-10-10"), False)


def test_spring_festival_2024_skips_the_break_and_counts_the_sunday_make_up_days():
    # 2024-02-09 (除夕) is a workday, 02-10 … 02-17 off, Sunday 02-18 worked.
    assert services.add_workdays(d("2024-02-08"), 1).date == d("2024-02-09")
    assert services.add_workdays(d("2024-02-08"), 2).date == d("2024-02-18")
    assert services.add_workdays(d("2024-02-01"), 2).date == d("2024-02-04")  # Sunday 02-04 worked too


def test_counting_from_a_weekend_starts_with_the_next_workday():
    assert services.add_workdays(d("2025-06-07"), 1).date == d("2025-06-09")  # Saturday -> Monday
    assert services.add_workdays(d("2025-10-01"), 1).date == d("2025-10-09")  # from inside a holiday


def test_zero_workdays_is_the_start_day_itself_even_on_a_holiday():
    assert services.add_workdays(d("2025-10-01"), 0) == services.WorkdayResult(d("2025-10-01"), False)


def test_a_negative_number_of_days_is_refused_with_a_stable_code():
    with pytest.raises(ValidationError) as caught:
        services.add_workdays(d("2025-10-01"), -1)
    assert caught.value.code == "negative_days"


def test_workdays_between_counts_the_end_day_but_not_the_start_day():
    assert services.workdays_between(d("2025-09-26"), d("2025-10-10")) == services.WorkdayCount(5, False)
    assert services.workdays_between(d("2025-10-10"), d("2025-09-26")).days == -5
    assert services.workdays_between(d("2025-10-10"), d("2025-10-10")).days == 0
    assert services.workdays_between(d("2025-10-01"), d("2025-10-08")).days == 0


def test_is_workday_follows_the_official_schedule():
    assert services.is_workday(d("2025-09-28")) is True  # Sunday make-up day
    assert services.is_workday(d("2025-10-08")) is False  # Wednesday inside the break
    assert services.is_workday(d("2025-10-13")) is True


# --- Suspensions ---------------------------------------------------------------------------------

def test_workdays_inside_a_suspension_move_the_deadline_later():
    result = services.add_workdays(d("2025-09-26"), 5, suspensions=[(d("2025-09-29"), d("2025-09-30"))])
    # counted: 09-28, 10-09, 10-10, 10-11 (Saturday make-up), 10-13
    assert result.date == d("2025-10-13")


def test_a_suspension_reached_only_after_moving_the_deadline_counts_too():
    suspensions = [(d("2025-09-29"), d("2025-09-29")), (d("2025-10-11"), d("2025-10-11"))]
    # 09-29 moves the deadline from 10-10 to 10-11, which is itself suspended: the answer is 10-13.
    assert services.add_workdays(d("2025-09-26"), 5, suspensions=suspensions).date == d("2025-10-13")


def test_overlapping_suspensions_are_not_counted_twice():
    suspensions = [(d("2025-09-29"), d("2025-09-30")), (d("2025-09-30"), d("2025-09-30"))]
    assert services.add_workdays(d("2025-09-26"), 5, suspensions=suspensions).date == d("2025-10-13")


def test_suspensions_outside_the_counted_span_change_nothing():
    suspensions = [(d("2025-09-01"), d("2025-09-26")), (d("2025-11-01"), d("2025-11-30"))]
    assert services.add_workdays(d("2025-09-26"), 5, suspensions=suspensions).date == d("2025-10-10")


def test_workdays_between_leaves_out_suspended_workdays():
    count = services.workdays_between(d("2025-09-26"), d("2025-10-10"), suspensions=[(d("2025-10-08"), d("2025-10-09"))])
    assert count.days == 4  # 10-08 is a holiday anyway; only 10-09 was a workday


def test_a_suspension_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError) as caught:
        services.add_workdays(d("2025-09-26"), 5, suspensions=[(d("2025-10-09"), d("2025-10-01"))])
    assert caught.value.code == "suspension_order"


# --- Provisional years and the range -------------------------------------------------------------

def test_a_deadline_in_2027_is_provisional_and_counted_on_weekdays():
    result = services.add_workdays(d("2026-12-25"), 5)
    assert result == services.WorkdayResult(d("2027-01-01"), True)  # no New Year holiday known yet
    assert CalendarYear.objects.get(year=2027).status == YearStatus.PROVISIONAL
    assert Day.objects.get(date=d("2027-01-01")).source == DaySource.PROVISIONAL


def test_a_deadline_within_2026_is_not_provisional_even_when_2027_exists():
    services.ensure_years(2026, 2027)
    assert services.add_workdays(d("2026-12-01"), 5).provisional is False
    assert services.workdays_between(d("2026-12-01"), d("2027-01-05")).provisional is True


@pytest.mark.parametrize("day", ["1990-01-01", "1999-07-01", "2063-05-04", "2100-12-30"])
def test_any_year_of_the_range_answers_without_crashing(day):
    result = services.add_workdays(d(day), 1)
    assert result.date > d(day)
    assert services.is_workday(result.date)


def test_a_deadline_far_ahead_extends_the_table_as_far_as_needed():
    result = services.add_workdays(d("2025-01-01"), 2500)  # about ten years of workdays
    assert result.date.year in (2034, 2035) and result.provisional
    assert CalendarYear.objects.filter(year=result.date.year).exists()


def test_dates_beyond_the_range_give_the_calendar_range_error():
    with pytest.raises(ValidationError) as caught:
        services.add_workdays(d("2101-01-05"), 1)
    assert caught.value.code == "calendar_range"
    assert "1990-01-01—2100-12-31" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        services.add_workdays(d("2100-12-01"), 40)
    assert caught.value.code == "calendar_range"


# --- Filling years -------------------------------------------------------------------------------

def test_filling_2004_to_2027_marks_only_2027_provisional():
    # How long it takes is `tongban calendar benchmark`'s business, not a test's.
    added = services.ensure_years(2004, 2027)
    assert added == list(range(2004, 2028))
    assert Day.objects.count() == sum(366 if y % 4 == 0 else 365 for y in range(2004, 2028))
    assert services.provisional_years(2004, 2027) == [2027]


def test_ensure_years_costs_one_query_when_the_years_exist(django_assert_num_queries):
    services.ensure_years(2025, 2026)
    with django_assert_num_queries(1):
        assert services.ensure_years(2025, 2026) == []


def test_ensure_years_fills_the_gap_so_the_table_stays_one_run():
    services.ensure_years(2025, 2025)
    assert services.ensure_years(2028, 2028) == [2026, 2027, 2028]
    assert services.ensure_years(2023, 2023) == [2023, 2024]


def test_the_index_is_a_running_count_of_workdays_after_prepending_a_year():
    services.ensure_years(2025, 2025)
    services.ensure_years(2024, 2024)
    days = list(Day.objects.order_by("date").values_list("is_workday", "workday_index"))
    running = 0
    for works, index in days:
        running += works
        assert index == running


def test_official_days_carry_chinese_holiday_names():
    services.ensure_years(2025, 2025)
    assert Day.objects.get(date=d("2025-10-01")).holiday_name == "国庆节"
    assert Day.objects.get(date=d("2025-10-06")).holiday_name == "中秋节"
    makeup = Day.objects.get(date=d("2025-09-28"))
    assert (makeup.kind, makeup.holiday_name, makeup.label) == (DayKind.MAKEUP_WORKDAY, "国庆节", "国庆节调休上班")
    assert Day.objects.get(date=d("2025-10-04")).kind == DayKind.HOLIDAY  # a Saturday inside the break
    assert Day.objects.get(date=d("2025-10-18")).kind == DayKind.WEEKEND


def test_a_provisional_year_becomes_official_when_chinesecalendar_has_it_keeping_manual_days():
    services.ensure_years(2026, 2026)
    # The state a 2026 row would be in had it been filled before chinesecalendar knew 2026.
    Day.objects.filter(date__year=2026).update(source=DaySource.PROVISIONAL, holiday_name="", is_workday=True,
                                                kind=DayKind.WORKDAY)
    CalendarYear.objects.filter(year=2026).update(status=YearStatus.PROVISIONAL)
    services.override_day(d("2026-10-08"), is_workday=False, holiday_name="本县补休")
    assert services.refresh_official_years() == [2026]
    assert CalendarYear.objects.get(year=2026).status == YearStatus.OFFICIAL
    assert Day.objects.get(date=d("2026-10-01")).holiday_name == "国庆节"
    assert Day.objects.get(date=d("2026-10-08")).holiday_name == "本县补休"
    assert services.refresh_official_years() == []


# --- Overrides -----------------------------------------------------------------------------------

def test_overriding_a_day_recounts_the_deadlines_after_it(personas):
    services.ensure_years(2025, 2025)
    services.override_day(d("2025-10-09"), is_workday=False, holiday_name="国庆节（本县延长）", by=personas.admin)
    assert services.add_workdays(d("2025-09-26"), 5).date == d("2025-10-11")
    assert services.workdays_between(d("2025-09-26"), d("2025-10-31")).days == (
        services.workdays_between(d("2025-09-26"), d("2025-10-09")).days
        + services.workdays_between(d("2025-10-09"), d("2025-10-31")).days
    )
    day = Day.objects.get(date=d("2025-10-09"))
    assert (day.kind, day.source) == (DayKind.HOLIDAY, DaySource.MANUAL)


def test_overriding_a_day_is_audited_and_on_its_timeline(personas):
    day = services.override_day(d("2025-10-11"), is_workday=False, holiday_name="", by=personas.admin)
    assert day.kind == DayKind.WEEKEND  # a Saturday off with no name is an ordinary weekend
    event = events_for(day).get()
    assert event.code == "workdays.day.overridden" and event.actor == personas.admin
    assert "国庆节调休上班" in event.message
    log = LogEntry.objects.get_for_object(day).latest("timestamp")
    assert log.changes_dict["is_workday"] == ["True", "False"]


def test_a_saturday_set_to_work_becomes_a_make_up_workday():
    day = services.override_day(d("2027-03-06"), is_workday=True, holiday_name="清明节")
    assert day.kind == DayKind.MAKEUP_WORKDAY and CalendarYear.objects.get(year=2027).is_provisional


def test_an_override_name_longer_than_forty_characters_is_refused():
    with pytest.raises(ValidationError) as caught:
        services.override_day(d("2025-10-09"), is_workday=False, holiday_name="长" * 41)
    assert caught.value.code == "name_too_long"


# --- Importing a schedule ------------------------------------------------------------------------

def test_importing_2027_applies_the_rows_and_marks_the_year_imported(schedule_2027, personas):
    assert services.add_workdays(d("2026-12-31"), 1).date == d("2027-01-01")
    report = services.import_schedule(schedule_2027, by=personas.director)
    assert report.years == [2027] and report.rows == 12
    assert CalendarYear.objects.get(year=2027).status == YearStatus.IMPORTED
    assert services.add_workdays(d("2026-12-31"), 1) == services.WorkdayResult(d("2027-01-04"), False)
    makeup = Day.objects.get(date=d("2027-02-20"))
    assert (makeup.is_workday, makeup.kind, makeup.source) == (True, DayKind.MAKEUP_WORKDAY, DaySource.IMPORTED)
    assert Day.objects.get(date=d("2027-02-08")).holiday_name == "春节"
    assert events_for(CalendarYear.objects.get(year=2027)).get().code == "workdays.year.imported"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(schedule_2027):
    first = services.import_schedule(schedule_2027)
    before = snapshot("2026-01-01", "2027-12-31")
    second = services.import_schedule(schedule_2027)
    assert first.changed_days > 0 and second.changed_days == 0
    assert snapshot("2026-01-01", "2027-12-31") == before


def test_an_import_resets_the_year_to_the_weekday_rule_before_applying_the_file(write_csv):
    services.override_day(d("2027-05-04"), is_workday=False, holiday_name="本县调休")
    services.import_schedule(write_csv([("日期", "类型", "名称"), ("2027-01-01", "节假日", "元旦")]))
    day = Day.objects.get(date=d("2027-05-04"))
    assert (day.is_workday, day.kind, day.holiday_name, day.source) == (True, DayKind.WORKDAY, "", DaySource.IMPORTED)


def test_an_import_with_bad_rows_lists_every_error_by_row_and_writes_nothing(write_csv):
    services.ensure_years(2026, 2027)
    before = snapshot("2026-01-01", "2027-12-31")
    path = write_csv([
        ("日期", "类型", "名称"),
        ("2027-01-01", "节假日", "元旦"),
        ("2027-02-30", "节假日", "春节"),
        ("2027-02-06", "放个假", "春节"),
        ("2027-01-01", "节假日", "元旦"),
        ("", "节假日", ""),
        ("明年元旦", "", ""),
    ])
    with pytest.raises(ImportRejected) as caught:
        services.import_schedule(path)
    errors = [(e.row, e.column) for e in caught.value.errors]
    assert errors == [(3, "日期"), (4, "类型"), (5, "日期"), (6, "日期"), (7, "日期"), (7, "类型")]
    messages = [str(e) for e in caught.value.errors]
    assert messages[0] == "第 3 行“日期”列：日期“2027-02-30”不存在。"
    assert "“放个假”无法识别" in messages[1]
    assert "与第 2 行重复" in messages[2]
    assert caught.value.message == "导入失败，共 6 处错误，数据库未做任何修改。"
    assert snapshot("2026-01-01", "2027-12-31") == before
    assert CalendarYear.objects.get(year=2027).status == YearStatus.PROVISIONAL


def test_an_import_without_the_kind_column_is_refused(write_csv):
    with pytest.raises(ImportRejected) as caught:
        services.import_schedule(write_csv([("日期", "名称"), ("2027-01-01", "元旦")]))
    assert str(caught.value.errors[0]) == "第 1 行：缺少“类型”列。表头应为：日期、类型、名称（或 date、kind、name）。"


def test_a_file_without_a_header_row_is_read_in_the_usual_column_order(write_csv):
    services.import_schedule(write_csv([("2027-01-01", "节假日", "元旦"), ("2027/1/2", "调休上班", "元旦")]))
    assert Day.objects.get(date=d("2027-01-01")).kind == DayKind.HOLIDAY
    assert Day.objects.get(date=d("2027-01-02")).kind == DayKind.MAKEUP_WORKDAY


def test_a_gbk_encoded_csv_from_chinese_excel_is_read(write_csv):
    report = services.import_schedule(write_csv(SCHEDULE_2027, encoding="gbk"))
    assert report.rows == 12 and Day.objects.get(date=d("2027-10-01")).holiday_name == "国庆节"


def test_an_xlsx_with_real_excel_dates_and_serial_numbers_is_imported(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["日期", "类型", "名称"])
    sheet.append([date(2027, 1, 1), "法定节假日", "元旦"])
    sheet.append([46393, "调休", "春节"])  # Excel serial number of 2027-01-06 in an unformatted cell
    sheet.append(["2027年10月1日", "节假日", "国庆节"])
    path = tmp_path / "2027.xlsx"
    workbook.save(path)
    report = services.import_schedule(path)
    assert report.rows == 3
    assert Day.objects.get(date=d("2027-01-06")).kind == DayKind.WORKDAY  # a Wednesday at work is a workday
    assert Day.objects.get(date=d("2027-10-01")).holiday_name == "国庆节"


def test_a_file_that_is_not_really_xlsx_is_refused(tmp_path):
    path = tmp_path / "安排.xlsx"
    path.write_text("日期,类型\n2027-01-01,节假日\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        services.import_schedule(path)
    assert str(caught.value.errors[0]) == ("文件：文件“安排.xlsx”不是表格文件：请上传用 Excel 或 WPS 保存的 .xlsx、.xls、.et "
                                           "或 .ods 文件。")


def test_other_file_types_and_oversized_files_are_refused(tmp_path, settings, write_csv):
    path = tmp_path / "安排.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ValidationError) as caught:
        services.import_schedule(path)
    assert caught.value.code == "file_type"
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        services.import_schedule(write_csv(SCHEDULE_2027))
    assert caught.value.code == "file_too_large"


def test_an_empty_file_is_refused(write_csv):
    with pytest.raises(ImportRejected) as caught:
        services.import_schedule(write_csv([("日期", "类型", "名称")]))
    assert str(caught.value.errors[0]) == "文件：文件中没有任何日期行。"


def test_a_file_spanning_two_years_imports_both(write_csv):
    report = services.import_schedule(write_csv([("date", "kind", "name"), ("2027-12-31", "holiday", "元旦"),
                                                 ("2028-01-01", "holiday", "元旦")]))
    assert report.years == [2027, 2028]
    assert services.provisional_years(2027, 2028) == []
    assert services.add_workdays(d("2027-12-30"), 1).date == d("2028-01-03")


def test_year_status_reports_unfilled_years_as_they_would_be(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert services.year_status([2026, 2027]) == {2026: YearStatus.OFFICIAL, 2027: YearStatus.PROVISIONAL}
    assert not CalendarYear.objects.exists()


def test_deadlines_shift_consistently_across_the_table():
    services.ensure_years(2025, 2025)
    for offset in range(0, 60, 7):
        start = d("2025-09-01") + timedelta(days=offset)
        result = services.add_workdays(start, 10)
        assert services.workdays_between(start, result.date).days == 10
        assert services.is_workday(result.date)
