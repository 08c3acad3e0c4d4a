"""The month's attendance: one definition used by the sheet page, its Excel export, the API and indicators.

Set-based: one query for the staff in scope, one for the workdays (workdays app), one aggregating punches per
(staff, day), one for approved leave. A working day up to today counts as
- 迟到 when the day's first punch is after the morning start,
- 早退 when the day's last punch is before the afternoon end (one punch only: it is both the first and the last),
- 缺勤 when there is no punch at all,
unless approved leave or field work covers it (then 请假 / 外勤)."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef, Q

from tongban.core.months import parse_month
from tongban.org.models import Staff
from tongban.staffing.models import AttendanceSettings, Leave, LeaveStatus, Punch
from tongban.workdays.models import Day
from tongban.workdays.services import ensure_years


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str | None, today: dt.date) -> Month:
        """The one month parser (`core.months`): this month when empty, MonthError (a ValueError, in Chinese)."""
        first = parse_month(text, today)
        return cls(first.year, first.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass
class StaffMonth:
    staff: Staff
    late: list[tuple[dt.date, dt.time]] = field(default_factory=list)
    early: list[tuple[dt.date, dt.time]] = field(default_factory=list)
    absent: list[dt.date] = field(default_factory=list)
    leave_days: list[dt.date] = field(default_factory=list)
    field_days: list[dt.date] = field(default_factory=list)
    present_days: int = 0
    cells: list[str] = field(default_factory=list)  # one mark per day of the month


MARKS = {"present": "√", "late": "迟", "early": "早", "late_early": "迟早", "absent": "缺", "leave": "假",
         "field_work": "外", "rest": "", "future": ""}


def month_attendance(staff_qs, month: Month, today: dt.date) -> list[StaffMonth]:
    """Each person of `staff_qs` (already scoped) with the month's lateness, early leaves and absences."""
    hours = AttendanceSettings.load()
    ensure_years(month.year, month.year)
    people = list(staff_qs.select_related("unit", "window").order_by("unit__path", "staff_no"))
    if not people:
        return []
    ids = [p.pk for p in people]
    workdays = set(Day.objects.filter(date__range=(month.first, month.last), is_workday=True)
                   .values_list("date", flat=True))
    punches = {(r["staff_id"], r["date"]): r for r in
               Punch.objects.filter(staff_id__in=ids, date__range=(month.first, month.last))
               .values("staff_id", "date").annotate(first=Min("time"), last=Max("time"), n=Count("id"))}
    excused: dict[tuple[int, dt.date], str] = {}
    for leave in (Leave.objects.filter(staff_id__in=ids, status=LeaveStatus.APPROVED, first_day__lte=month.last,
                                       last_day__gte=month.first).values("staff_id", "first_day", "last_day", "kind")):
        day = max(leave["first_day"], month.first)
        while day <= min(leave["last_day"], month.last):
            excused[(leave["staff_id"], day)] = leave["kind"]
            day += dt.timedelta(days=1)
    result = []
    days = [month.first + dt.timedelta(days=i) for i in range(month.last.day)]
    for person in people:
        row = StaffMonth(person)
        for day in days:
            if day not in workdays:
                row.cells.append(MARKS["rest"])
                continue
            if day > today:
                row.cells.append(MARKS["future"])
                continue
            kind = excused.get((person.pk, day))
            if kind:
                (row.field_days if kind == "field_work" else row.leave_days).append(day)
                row.cells.append(MARKS[kind])
                continue
            found = punches.get((person.pk, day))
            if found is None:
                row.absent.append(day)
                row.cells.append(MARKS["absent"])
                continue
            row.present_days += 1
            late = found["first"] > hours.morning_start
            # The day's last punch before the afternoon end; today's only counts once the day is over.
            early = found["last"] < hours.afternoon_end and day < today
            if late:
                row.late.append((day, found["first"]))
            if early:
                row.early.append((day, found["last"]))
            row.cells.append(MARKS["late_early" if late and early else "late" if late else
                                   "early" if early else "present"])
        result.append(row)
    return result


def judged_staff(qs, month: Month):
    """Whose attendance the month judges: people at a window (the hall's attendance machine is theirs), and
    anyone else with a punch in the month."""
    punched = Punch.objects.filter(staff=OuterRef("pk"), date__range=(month.first, month.last))
    return qs.filter(Q(window__isnull=False) | Exists(punched))


def visible_staff(user, *, unit=None, window=None, month: Month | None = None):
    """The active people in the viewer's scope (judged in `month` when given)."""
    qs = Staff.objects.visible_to(user).filter(is_active=True)
    if month is not None:
        qs = judged_staff(qs, month)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if window is not None:
        qs = qs.filter(window=window)
    return qs


def month_findings(inspections_qs, month: Month):
    """The month's inspections with a finding (already scoped queryset), staff and unit in the same query."""
    return (inspections_qs.filter(inspected_on__range=(month.first, month.last)).exclude(finding="")
            .select_related("staff__unit", "window").order_by("staff__unit__path", "inspected_on", "pk"))


@dataclass
class UnitLine:
    unit: object
    people: int = 0
    late: int = 0
    early: int = 0
    absent: int = 0
    findings: list = field(default_factory=list)


def month_bulletin(user, month: Month, today: dt.date) -> list[UnitLine]:
    """月通报: per unit in the viewer's scope, the month's lateness, early leaves, absences and inspection
    findings; the page and the 公文 both read this."""
    from tongban.staffing.models import Inspection

    lines: dict[int, UnitLine] = {}
    for row in month_attendance(visible_staff(user, month=month), month, today):
        line = lines.setdefault(row.staff.unit_id, UnitLine(row.staff.unit))
        line.people += 1
        line.late += len(row.late)
        line.early += len(row.early)
        line.absent += len(row.absent)
    for inspection in month_findings(Inspection.objects.visible_to(user), month):
        lines.setdefault(inspection.staff.unit_id, UnitLine(inspection.staff.unit)).findings.append(inspection)
    return sorted(lines.values(), key=lambda line: line.unit.path)


@dataclass(frozen=True)
class BulletinTotals:
    people: int
    late: int
    early: int
    absent: int
    findings: int


def bulletin_totals(lines: list[UnitLine]) -> BulletinTotals:
    """The 月通报's totals over its unit lines: the one definition the page and the 公文 both print."""
    return BulletinTotals(people=sum(line.people for line in lines), late=sum(line.late for line in lines),
                          early=sum(line.early for line in lines), absent=sum(line.absent for line in lines),
                          findings=sum(len(line.findings) for line in lines))


@dataclass
class OpenWork:
    """What a person holds that must pass to someone else before they can be returned."""

    window: object | None
    measures: list

    @property
    def empty(self) -> bool:
        return self.window is None and not self.measures

    def describe(self) -> str:
        parts = [f"窗口“{self.window.name}”"] if self.window is not None else []
        parts += [f"整改措施“{m}”" for m in self.measures]
        return "、".join(parts)


def open_work(staff) -> OpenWork:
    """The person's window and the rectification measures they are responsible for that are not yet verified."""
    from tongban.rectification.choices import MeasureStatus
    from tongban.rectification.models import Measure

    measures = list(Measure.objects.filter(responsible_person=staff).exclude(status=MeasureStatus.VERIFIED)
                    .order_by("pk"))
    return OpenWork(staff.window if staff.window_id else None, measures)


def home_unit_contacts(unit):
    """Who at the home unit hears of a 约谈 or 退回: its heads and leaders with a login."""
    from django.db.models import Q

    from tongban.org.choices import Role

    heads = Q(role__in=[Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN]) | Q(is_leader=True)
    return [s.user for s in Staff.objects.filter(heads, unit=unit, is_active=True, user__isnull=False)
            .select_related("user")]
