"""The one working-day calendar.

    add_workdays(date(2025, 9, 26), 5)  -> WorkdayResult(date=date(2025, 10, 10), provisional=False)
    workdays_between(start, end)        -> WorkdayCount(days=..., provisional=...)

Counting starts on the day after `start` (行政许可法 §82 and local practice). Workdays inside
`suspensions` (挂起 / 特别程序, as (first_day, last_day) pairs) do not count. Where the calendar has no
published schedule for a year, the answer is computed on weekdays and `provisional` is True.

Years are filled on demand (`ensure_years`), from chinesecalendar where it has data, else by the
weekday rule marked provisional, so no date between 1990 and 2100 ever crashes a clock. Admins
correct single days (`override_day`) or load a year's schedule (`import_schedule`). For clocks in
SQL, see `tongban.workdays.expressions`.
"""
from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

import chinese_calendar
from django.db import connection, transaction
from django.db.models import Max, Min, Q

from tongban.core.error_codes import ErrorCode, service_error
from tongban.history.services import record_event
from tongban.workdays import clocks
from tongban.workdays.choices import DayKind, DaySource, YearStatus
from tongban.workdays.error_codes import CalendarError, calendar_error
from tongban.workdays.models import FIRST_DAY, FIRST_YEAR, LAST_DAY, LAST_YEAR, CalendarYear, Day
from tongban.workdays.schedule_file import read_schedule


@dataclass(frozen=True)
class WorkdayResult:
    date: date
    provisional: bool


@dataclass(frozen=True)
class WorkdayCount:
    days: int
    provisional: bool


Suspensions = Iterable[tuple[date, date]]

# chinesecalendar names holidays in English; the calendar speaks Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
DAY_FIELDS = ["is_workday", "kind", "holiday_name", "source"]


# --- Reading the calendar -------------------------------------------------------------------------

def add_workdays(start: date, n: int, *, suspensions: Suspensions = ()) -> WorkdayResult:
    """The date `n` workdays after `start`, not counting workdays inside `suspensions`."""
    if n < 0:
        raise calendar_error(CalendarError.NEGATIVE_DAYS, n=n)
    periods = _merge(suspensions)
    if n == 0:
        ensure_years(start.year, start.year)
        return WorkdayResult(start, bool(provisional_years(start.year, start.year)))
    base = _index_of(start)
    result = _workday_at(base + n, start, n)
    suspended = 0
    while True:
        now_suspended = _suspended_workdays(periods, start, result)
        if now_suspended == suspended:
            break
        suspended = now_suspended
        result = _workday_at(base + n + suspended, start, n)
    return WorkdayResult(result, bool(provisional_years(start.year, result.year)))


def workdays_between(start: date, end: date, *, suspensions: Suspensions = ()) -> WorkdayCount:
    """Workdays in (start, end], less those inside `suspensions`; negative when `end` is before `start`."""
    if end < start:
        count = workdays_between(end, start, suspensions=suspensions)
        return WorkdayCount(-count.days, count.provisional)
    ensure_years(start.year, end.year)
    indexes = dict(Day.objects.filter(date__in=[start, end]).values_list("date", "workday_index"))
    days = indexes[end] - indexes[start] - _suspended_workdays(_merge(suspensions), start, end)
    return WorkdayCount(days, bool(provisional_years(start.year, end.year)))


def is_workday(day: date) -> bool:
    ensure_years(day.year, day.year)
    return Day.objects.filter(date=day).values_list("is_workday", flat=True).get()


def provisional_years(first: int, last: int) -> list[int]:
    """The years in [first, last] counted on weekdays only (no published schedule)."""
    years = CalendarYear.objects.filter(year__range=(first, last), status=YearStatus.PROVISIONAL)
    return list(years.values_list("year", flat=True))


def year_status(years: Iterable[int]) -> dict[int, str]:
    """Status of each year, including years not filled yet (what filling them would give)."""
    wanted = set(years)
    known = dict(CalendarYear.objects.filter(year__in=wanted).values_list("year", "status"))
    return {year: known.get(year) or _status_if_filled(year) for year in sorted(wanted)}


def _status_if_filled(year: int) -> str:
    return YearStatus.OFFICIAL if _has_official_data(year) else YearStatus.PROVISIONAL


def _check_range(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise service_error(ErrorCode.CALENDAR_RANGE, date=day.isoformat(), low=FIRST_DAY, high=LAST_DAY)


def _index_of(day: date) -> int:
    _check_range(day)
    ensure_years(day.year, day.year)
    return Day.objects.filter(date=day).values_list("workday_index", flat=True).get()


def _workday_at(index: int, start: date, n: int) -> date:
    """The workday with this index, extending the table year by year until it reaches it."""
    while True:
        found = Day.objects.filter(is_workday=True, workday_index=index).values_list("date", flat=True).first()
        if found is not None:
            return found
        last_year = CalendarYear.objects.aggregate(last=Max("year"))["last"]
        if last_year >= LAST_YEAR:
            raise service_error(ErrorCode.CALENDAR_RANGE, date=f"{start.isoformat()} 起第 {n} 个工作日",
                                low=FIRST_DAY, high=LAST_DAY)
        shortfall = index - Day.objects.aggregate(top=Max("workday_index"))["top"]
        ensure_years(last_year + 1, min(LAST_YEAR, last_year + 1 + shortfall // 240))


def _merge(suspensions: Suspensions) -> list[tuple[date, date]]:
    """Sorted, non-overlapping periods, so a workday suspended twice is not counted twice."""
    periods = []
    for first, last in sorted(suspensions):
        if last < first:
            raise calendar_error(CalendarError.SUSPENSION_ORDER, first=first, last=last)
        if periods and first <= periods[-1][1] + timedelta(days=1):
            periods[-1] = (periods[-1][0], max(periods[-1][1], last))
        else:
            periods.append((first, last))
    return periods


def _suspended_workdays(periods: list[tuple[date, date]], start: date, end: date) -> int:
    """Workdays that fall in both (start, end] and one of the periods."""
    spans = [(max(first, start + timedelta(days=1)), min(last, end)) for first, last in periods]
    spans = [(first, last) for first, last in spans if first <= last]
    if not spans:
        return 0
    overlap = Q()
    for first, last in spans:
        overlap |= Q(date__range=(first, last))
    return Day.objects.filter(overlap, is_workday=True).count()


# --- Filling years --------------------------------------------------------------------------------

def ensure_years(first: int, last: int) -> list[int]:
    """Make sure every year in [first, last] is in the table; return the years added.

    One aggregate query when they are there already. The table stays one unbroken run of years
    (the workday index counts across it), so a gap between the table and the request is filled too.
    """
    if first > last:
        first, last = last, first
    for year in (first, last):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise service_error(ErrorCode.CALENDAR_RANGE, date=f"{year}年", low=FIRST_DAY, high=LAST_DAY)
    span = CalendarYear.objects.aggregate(low=Min("year"), high=Max("year"))
    low, high = span["low"], span["high"]
    if low is not None and low <= first and last <= high:
        return []
    with transaction.atomic():
        wanted = range(min(first, low or first), max(last, high or last) + 1)
        existing = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
        missing = [year for year in wanted if year not in existing]
        days: list[Day] = []
        years: list[CalendarYear] = []
        for year in missing:
            official = _official_year(year)
            days += official or _weekday_year(year)
            years.append(CalendarYear(
                year=year,
                status=YearStatus.OFFICIAL if official else YearStatus.PROVISIONAL,
                note=_fill_note(bool(official)),
            ))
        Day.objects.bulk_create(days, batch_size=2000, ignore_conflicts=True)
        CalendarYear.objects.bulk_create(years, ignore_conflicts=True)
        reindex()
        if missing:
            clocks.calendar_changed(date(missing[0], 1, 1))
    return missing


def refresh_official_years(*, by=None) -> list[int]:
    """Provisional years that chinesecalendar now covers (after an upgrade) become official.

    Days an admin set by hand are kept.
    """
    upgraded = []
    for year_row in CalendarYear.objects.filter(status=YearStatus.PROVISIONAL):
        official = _official_year(year_row.year)
        if not official:
            continue
        with transaction.atomic():
            current = {d.date: d for d in Day.objects.filter(date__year=year_row.year)}
            changed = []
            for day in official:
                row = current[day.date]
                if row.source != DaySource.MANUAL and _apply(row, day):
                    changed.append(row)
            _save_days(changed)
            _set_year_status(year_row, YearStatus.OFFICIAL, _fill_note(True), by=by,
                             code="workdays.year.official", message=f"{year_row.year}年改用国务院公布的节假日安排")
            reindex()
            if changed:
                clocks.calendar_changed(min(day.date for day in changed))
        upgraded.append(year_row.year)
    return upgraded


def fill_years(first: int, last: int, *, by=None) -> tuple[list[int], list[int]]:
    """`tongban calendar fill`: add the missing years and upgrade provisional ones that now have data."""
    added = ensure_years(first, last)
    return added, refresh_official_years(by=by)


def reindex() -> int:
    """Recompute every `workday_index` as a running count, in one set-based UPDATE; return rows changed.

    UPDATE … FROM with a window function works on PostgreSQL and on SQLite ≥ 3.33.
    """
    table = connection.ops.quote_name(Day._meta.db_table)
    day_col = connection.ops.quote_name("date")
    sql = f"""
        UPDATE {table} SET workday_index = running.idx
        FROM (SELECT {day_col} AS day,
                     SUM(CASE WHEN is_workday THEN 1 ELSE 0 END) OVER (ORDER BY {day_col}) AS idx
              FROM {table}) AS running
        WHERE {table}.{day_col} = running.day AND {table}.workday_index <> running.idx
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Never a nested loop here: with stale statistics (a new database, a table just emptied) PostgreSQL
            # takes both sides for one row and recomputes the window for every day — quadratic, 10+ s at 40
            # years, and most of the PostgreSQL test suite's time. A hash join is linear whatever the figures.
            cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql)
        changed = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_nestloop = on")
        return changed


def _has_official_data(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _official_year(year: int) -> list[Day] | None:
    """The year as the State Council published it (through chinesecalendar), or None without data."""
    if not _has_official_data(year):
        return None
    days = []
    for day in _dates_of(year):
        on_holiday, english = chinese_calendar.get_holiday_detail(day)
        name = HOLIDAY_NAMES.get(english, english or "")
        if english and on_holiday:
            kind = DayKind.HOLIDAY
        else:
            kind = _classify(day, not on_holiday, name)
        days.append(Day(date=day, is_workday=not on_holiday, kind=kind, holiday_name=name if english else "",
                        source=DaySource.OFFICIAL))
    return days


def _weekday_year(year: int, source: str = DaySource.PROVISIONAL) -> list[Day]:
    return [
        Day(date=day, is_workday=day.weekday() < 5, kind=_classify(day, day.weekday() < 5, ""), source=source)
        for day in _dates_of(year)
    ]


def _dates_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range(366 if pycalendar.isleap(year) else 365)]


def _classify(day: date, works: bool, name: str) -> str:
    """The kind follows from working or not, the weekday and whether the day has a name:
    a weekend day at work is 调休上班, a weekday off (or a named day off) is a holiday."""
    weekend = day.weekday() >= 5
    if works:
        return DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
    return DayKind.WEEKEND if weekend and not name else DayKind.HOLIDAY


def _apply(row: Day, new: Day) -> bool:
    """Copy `new`'s status onto `row`; True when something changed."""
    changed = False
    for field in DAY_FIELDS:
        if getattr(row, field) != getattr(new, field):
            setattr(row, field, getattr(new, field))
            changed = True
    return changed


def _save_days(days: list[Day]) -> None:
    """Write changed days with one UPDATE per distinct status (a schedule has a handful), which is
    much lighter than bulk_update's per-row CASE expressions."""
    groups: dict[tuple, list[date]] = defaultdict(list)
    for day in days:
        groups[tuple(getattr(day, field) for field in DAY_FIELDS)].append(day.date)
    for state, dates in groups.items():
        for i in range(0, len(dates), 500):
            Day.objects.filter(date__in=dates[i:i + 500]).update(**dict(zip(DAY_FIELDS, state)))


# What the calendar page says of a year filled from the published schedule (the library and its version are
# for the log and `tongban calendar status`, not for people).
OFFICIAL_NOTE = "按国务院办公厅公布的节假日安排"


def _fill_note(official: bool) -> str:
    if official:
        return OFFICIAL_NOTE
    return "尚未公布或录入节假日安排，按周一至周五临时推算"


def _set_year_status(year_row: CalendarYear, status: str, note: str, *, by, code: str, message: str) -> None:
    year_row.status, year_row.note = status, note
    year_row.save()  # through save(): the audit log records old -> new
    record_event(year_row, code, message, by=by)


# --- Admin changes --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportReport:
    years: list[int]
    rows: int
    changed_days: int

    def summary(self) -> str:
        years = "、".join(f"{year}年" for year in self.years)
        return f"已导入{years}的节假日安排：共 {self.rows} 行，{self.changed_days} 天有变化。"


def override_day(day: date, *, is_workday: bool, holiday_name: str = "", by=None) -> Day:
    """An admin sets one day by hand (e.g. a local arrangement); the index after it follows."""
    _check_range(day)
    holiday_name = (holiday_name or "").strip()
    if len(holiday_name) > 40:
        raise calendar_error(CalendarError.NAME_TOO_LONG, length=len(holiday_name), limit=40)
    with transaction.atomic():
        ensure_years(day.year, day.year)
        row = Day.objects.select_for_update().get(date=day)
        before, was_workday = row.label, row.is_workday
        row.is_workday = is_workday
        row.kind = _classify(day, is_workday, holiday_name)
        row.holiday_name = holiday_name
        row.source = DaySource.MANUAL
        row.save()  # through save(): the audit log records old -> new
        reindex()
        if was_workday != is_workday:
            clocks.calendar_changed(day)
        record_event(row, "workdays.day.overridden", f"{day.isoformat()} 由“{before}”调整为“{row.label}”",
                     by=by, is_workday=is_workday, holiday_name=holiday_name)
    return row


def import_schedule(file, *, by=None) -> ImportReport:
    """Load a schedule (CSV or .xlsx: date, kind, name); all-or-nothing.

    Every year in the file is reset to the weekday rule, the file's rows applied on top, and the year
    marked imported. Importing the same file again changes nothing.
    """
    rows, file_name = read_schedule(file)
    years = sorted({row.date.year for row in rows})
    with transaction.atomic():
        ensure_years(years[0], years[-1])
        target = {day.date: day for year in years for day in _weekday_year(year, DaySource.IMPORTED)}
        for row in rows:
            works = row.kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)
            target[row.date] = Day(date=row.date, is_workday=works, kind=_classify(row.date, works, row.name),
                                   holiday_name=row.name, source=DaySource.IMPORTED)
        current = Day.objects.filter(date__range=(date(years[0], 1, 1), date(years[-1], 12, 31)))
        changed = [day for day in current if day.date in target and _apply(day, target[day.date])]
        _save_days(changed)
        reindex()
        if changed:
            clocks.calendar_changed(min(day.date for day in changed))
        for year_row in CalendarYear.objects.filter(year__in=years):
            count = sum(1 for row in rows if row.date.year == year_row.year)
            _set_year_status(year_row, YearStatus.IMPORTED, f"导入自“{file_name}”（{count} 行）", by=by,
                             code="workdays.year.imported", message=f"导入{year_row.year}年节假日安排（{count} 行）")
    return ImportReport(years=years, rows=len(rows), changed_days=len(changed))
