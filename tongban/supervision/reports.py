"""The supervisor's figures: ONE module read by the duty page, the dashboards, the API
(`/api/v1/supervision/figures/`) and the monthly bulletin (电子监察月通报), so they cannot disagree.

Every figure comes from the cases' stored clocks (`Case.due_date`, `CaseTask.due_date`, docs/cases.md) and the
calendar table, in SQL (GROUP BYs and annotations, never a loop over cases). "Overdue now" and "due soon" are
`cases.selectors.overdue_q` / `due_soon_q` — the one definition; the month's figures add what the stored dates
say about the past:

- a case (or a department's task) is **decided on time** when its decision day is on or before its due date
  (the clock measures up to the decision; §44's delivery is its own rule, as in `overdue_q`);
- a case **ran late during a month** when it was past its due date on a working day of the month: at least
  one workday lies between its due date and the month's last day (or today), and it was not decided,
  withdrawn or refused by its due date nor before the month began;
- its **overdue working days** are the calendar's workdays in (due date, decision day or the month's end].

`scope` is a user (their `visible_to`) or None for the whole county (the bulletin).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DateField, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Least, TruncMonth, TruncWeek
from django.utils import timezone

from tongban.cases.choices import CaseStatus, TaskStatus
from tongban.cases.models import Case, CaseTask
from tongban.cases.selectors import due_soon_q, overdue_q
from tongban.core.months import parse_month
from tongban.org.models import Unit
from tongban.org.sites import CENTRE_KIND, site_of_units
from tongban.workdays.expressions import workday_index_of
from tongban.workdays.models import Day

# Sites of the morning check: the county centre, each sub-centre, each township (seed 000: "县乡两级及两个分中心"),
# the one roll-up of `org.sites`.
DECIDED_TASK = (TaskStatus.APPROVED, TaskStatus.DENIED)
NEVER_LATE = (CaseStatus.REFUSED,)  # refused at intake: no decision clock
TREND_WEEKS = 12
TREND_MONTHS = 12


# --------------------------------------------------------------------------------------------------
# Scope and periods


def visible_cases(scope) -> QuerySet[Case]:
    return Case.objects.all() if scope is None else Case.objects.visible_to(scope)


def visible_tasks(scope) -> QuerySet[CaseTask]:
    return CaseTask.objects.all() if scope is None else CaseTask.objects.visible_to(scope)


@dataclass(frozen=True)
class Month:
    first: date
    last: date

    @classmethod
    def of(cls, day: date) -> Month:
        first = day.replace(day=1)
        return cls(first, first.replace(day=calendar.monthrange(first.year, first.month)[1]))

    @classmethod
    def parse(cls, text: str) -> Month:
        """"2026-10" → October 2026; otherwise MonthError (a ValueError with the Chinese reason): the one month
        parser, `core.months`, bounded to the years the platform serves."""
        return cls.of(parse_month(text))

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.first.year}年{self.first.month}月"

    def as_of(self, today: date) -> date:
        """The month's last day, or today while the month is still running."""
        return min(self.last, today)

    def previous(self) -> Month:
        return Month.of(self.first - timedelta(days=1))


def workday_index(day: date) -> int:
    """The calendar's running workday index of `day` (workdays in (a, b] = index(b) − index(a))."""
    from tongban.workdays.services import ensure_years

    ensure_years(day.year, day.year)
    return Day.objects.filter(date=day).values_list("workday_index", flat=True).get()


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None when there is nothing to divide (shown as “—”)."""
    return round(100 * part / whole, 1) if whole else None


# --------------------------------------------------------------------------------------------------
# Today: intake and completions by site


def today_by_site(scope, today: date) -> list[dict]:
    """Today's received, accepted and closed (办结) cases per site, in one GROUP BY over the visible cases;
    the sites the reader can see are listed even when they have nothing today."""
    rows = (visible_cases(scope).filter(Q(received_on=today) | Q(accepted_on=today) | Q(closed_on=today))
            .order_by().values("intake_unit_id")
            .annotate(received=Count("pk", filter=Q(received_on=today)),
                      accepted=Count("pk", filter=Q(accepted_on=today)),
                      closed=Count("pk", filter=Q(closed_on=today, status=CaseStatus.CLOSED))))
    site_of, sites = site_of_units()
    visible_units = set(Unit.objects.all().values_list("pk", flat=True)) if scope is None else \
        set(Unit.objects.visible_to(scope).values_list("pk", flat=True))
    totals = {pk: {"received": 0, "accepted": 0, "closed": 0} for pk in sites if pk in visible_units}
    for row in rows:
        site = site_of.get(row["intake_unit_id"], row["intake_unit_id"])
        bucket = totals.setdefault(site, {"received": 0, "accepted": 0, "closed": 0})
        for key in bucket:
            bucket[key] += row[key]
    kind_order = {CENTRE_KIND: 0, "sub_center": 1, "township": 2}
    ordered = sorted(totals, key=lambda pk: (kind_order.get(sites[pk].kind.code, 3), sites[pk].sort_order, pk)) \
        if sites else []
    return [{"unit_id": pk, "site": sites[pk].name, "kind": sites[pk].kind.code, **totals[pk]} for pk in ordered]


def due_soon_cases(scope, today: date) -> QuerySet[Case]:
    """临期: `cases.selectors.due_soon_q`, soonest due first."""
    return (visible_cases(scope).filter(due_soon_q(today)).select_related("intake_unit")
            .order_by("due_date", "pk"))


def overdue_cases(scope, today: date) -> QuerySet[Case]:
    """超期 now (`cases.selectors.overdue_q`), with `overdue_workdays`: workdays in (due date, today]."""
    return (visible_cases(scope).filter(overdue_q(today)).select_related("intake_unit")
            .annotate(overdue_workdays=Value(workday_index(today)) - workday_index_of("due_date"))
            .order_by("due_date", "pk"))


# --------------------------------------------------------------------------------------------------
# A month's figures


def _end_of_clock() -> Coalesce:
    """The day a case's clock stopped: its decision, else the day it was withdrawn (NULL while it runs)."""
    return Coalesce("decided_on", "closed_on")


def late_in_month_q(as_of: date, first: date) -> Q:
    """Past due on some day of [first, as_of]: due before as_of, and not stopped on or before the due date
    nor before the month began."""
    stopped = Q(decided_on__isnull=False) | Q(closed_on__isnull=False)
    return (Q(due_date__lt=as_of) & ~Q(status__in=NEVER_LATE)
            & ~(stopped & Q(clock_end__lte=F("due_date")))
            & ~(stopped & Q(clock_end__lt=first)))


def late_cases(scope, month: Month, today: date) -> QuerySet[Case]:
    """Cases past due during the month, with their overdue working days up to the decision or the month's
    end (`overdue_workdays`) and whether they are still open at that point (`still_open`)."""
    as_of = month.as_of(today)
    return (visible_cases(scope).annotate(clock_end=_end_of_clock())
            .filter(late_in_month_q(as_of, month.first))
            .annotate(counted_to=Least(Coalesce("clock_end", Value(as_of)), Value(as_of), output_field=DateField()))
            .annotate(overdue_workdays=ExpressionWrapper(workday_index_of("counted_to") - workday_index_of("due_date"),
                                                         output_field=IntegerField()))
            .filter(overdue_workdays__gt=0)  # due on a Friday: late from Monday, in the month holding Monday
            .select_related("intake_unit").order_by("due_date", "pk"))


def late_case_rows(scope, month: Month, today: date) -> list[dict]:
    """`late_cases` as the plain rows the dashboard, the API and the bulletin list (read as values: no model
    instances, which cost ten times more at county scale)."""
    rows = late_cases(scope, month, today).values_list(
        "number", "title", "intake_unit__name", "due_date", "overdue_workdays", "status", "decided_on")
    return [{"number": number, "title": title, "unit": unit, "due_date": due.isoformat(), "overdue_workdays": days,
             "status": CaseStatus(status).label, "decided_on": decided.isoformat() if decided else None}
            for number, title, unit, due, days, status, decided in rows]


def month_totals(scope, month: Month, today: date, *, overdue: int | None = None) -> dict:
    """The month's case counts, one aggregate query (plus the late cases' count unless it is given)."""
    decided = Q(decided_on__gte=month.first, decided_on__lte=month.last)
    figures = visible_cases(scope).aggregate(
        received=Count("pk", filter=Q(received_on__gte=month.first, received_on__lte=month.last)),
        accepted=Count("pk", filter=Q(accepted_on__gte=month.first, accepted_on__lte=month.last)),
        decided=Count("pk", filter=decided),
        on_time=Count("pk", filter=decided & Q(decided_on__lte=F("due_date"))),
        closed=Count("pk", filter=Q(closed_on__gte=month.first, closed_on__lte=month.last, status=CaseStatus.CLOSED)),
    )
    figures["late"] = figures["decided"] - figures["on_time"]
    figures["on_time_rate"] = rate(figures["on_time"], figures["decided"])
    figures["overdue"] = late_cases(scope, month, today).count() if overdue is None else overdue
    return figures


def on_time_by_unit(scope, month: Month, today: date) -> list[dict]:
    """Per reviewing department (子办件 unit): tasks decided in the month, on time, late, the rate, and tasks
    still in review past their due date at the month's end (or today). One GROUP BY."""
    as_of = month.as_of(today)
    decided = Q(status__in=DECIDED_TASK, decided_on__gte=month.first, decided_on__lte=month.last)
    rows = (visible_tasks(scope).filter(decided | Q(status=TaskStatus.REVIEWING, due_date__lt=as_of))
            .order_by().values("unit_id", "unit__name")
            .annotate(decided=Count("pk", filter=decided),
                      on_time=Count("pk", filter=decided & Q(decided_on__lte=F("due_date"))),
                      overdue_open=Count("pk", filter=Q(status=TaskStatus.REVIEWING, due_date__lt=as_of))))
    result = [{"unit_id": r["unit_id"], "unit": r["unit__name"], "decided": r["decided"], "on_time": r["on_time"],
               "late": r["decided"] - r["on_time"], "on_time_rate": rate(r["on_time"], r["decided"]),
               "overdue_open": r["overdue_open"]} for r in rows]
    return sorted(result, key=lambda r: (r["on_time_rate"] if r["on_time_rate"] is not None else 101, r["unit"]))


def on_time_by_month(scope, month: Month, months: int = TREND_MONTHS) -> list[dict]:
    """Cases decided per month and on time, for the `months` months ending with `month` (one GROUP BY)."""
    first = month.first
    for _ in range(months - 1):
        first = Month.of(first - timedelta(days=1)).first
    rows = (visible_cases(scope).filter(decided_on__gte=first, decided_on__lte=month.last)
            .annotate(m=TruncMonth("decided_on", output_field=DateField())).order_by().values("m")
            .annotate(decided=Count("pk"), on_time=Count("pk", filter=Q(decided_on__lte=F("due_date")))))
    by_month = {r["m"]: r for r in rows}
    result, cursor = [], Month.of(first)
    while cursor.first <= month.first:
        row = by_month.get(cursor.first, {"decided": 0, "on_time": 0})
        result.append({"month": cursor.key, "decided": row["decided"], "on_time": row["on_time"],
                       "on_time_rate": rate(row["on_time"], row["decided"])})
        cursor = Month.of(cursor.last + timedelta(days=1))
    return result


def _weeks(end: date, weeks: int) -> list[date]:
    last_monday = end - timedelta(days=end.weekday())
    return [last_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _late_by_due_q() -> Q:
    """Ran past its due date (counted in the week of the due date): not stopped on or before it."""
    stopped = Q(decided_on__isnull=False) | Q(closed_on__isnull=False)
    return ~Q(status__in=NEVER_LATE) & ~(stopped & Q(clock_end__lte=F("due_date")))


def overdue_trend(scope, end: date, weeks: int = TREND_WEEKS) -> list[dict]:
    """Cases that went overdue per week (the week holding their due date), for the weeks up to `end`."""
    mondays = _weeks(end, weeks)
    rows = (visible_cases(scope).annotate(clock_end=_end_of_clock())
            .filter(_late_by_due_q(), due_date__gte=mondays[0], due_date__lt=min(end, mondays[-1] + timedelta(days=7)))
            .annotate(week=TruncWeek("due_date", output_field=DateField())).order_by().values("week")
            .annotate(n=Count("pk")))
    counts = {r["week"]: r["n"] for r in rows}
    return [{"week": monday.isoformat(), "overdue": counts.get(monday, 0)} for monday in mondays]


def unit_week_heat(scope, end: date, weeks: int = TREND_WEEKS) -> dict:
    """Tasks that ran past their due date, per reviewing department and week of the due date (one GROUP BY):
    {"weeks": [...], "units": [...], "cells": [[week index, unit index, count], ...]}."""
    mondays = _weeks(end, weeks)
    late = (Q(status=TaskStatus.REVIEWING) & Q(due_date__lt=end)) | (Q(status__in=DECIDED_TASK) & Q(decided_on__gt=F("due_date")))
    rows = (visible_tasks(scope).filter(late, due_date__gte=mondays[0], due_date__lt=mondays[-1] + timedelta(days=7))
            .annotate(week=TruncWeek("due_date", output_field=DateField())).order_by()
            .values("unit_id", "unit__name", "week").annotate(n=Count("pk")))
    rows = list(rows)
    units = sorted({(r["unit__name"], r["unit_id"]) for r in rows})
    unit_index = {pk: i for i, (_, pk) in enumerate(units)}
    week_index = {monday: i for i, monday in enumerate(mondays)}
    cells = [[week_index[r["week"]], unit_index[r["unit_id"]], r["n"]] for r in rows if r["week"] in week_index]
    return {"weeks": [m.isoformat() for m in mondays], "units": [name for name, _ in units], "cells": sorted(cells)}


def month_figures(scope, month: Month, today: date) -> dict:
    """Everything the dashboard, the API and the bulletin say about one month, as plain JSON-able data."""
    late = late_case_rows(scope, month, today)
    return {
        "month": month.key, "label": month.label, "as_of": month.as_of(today).isoformat(),
        "totals": month_totals(scope, month, today, overdue=len(late)),
        "by_unit": on_time_by_unit(scope, month, today),
        "overdue_cases": late,
        "terminal_faults": month_faults(scope, month),
    }


def month_faults(scope, month: Month) -> list[dict]:
    """Terminal faults open at some moment of the month (in the reader's scope), hours down within it."""
    from tongban.terminals.models import TerminalFault
    from tongban.terminals.selectors import faults_between

    start = timezone.make_aware(datetime.combine(month.first, time.min))
    end = timezone.make_aware(datetime.combine(month.last + timedelta(days=1), time.min))
    qs = TerminalFault.objects.all() if scope is None else TerminalFault.objects.visible_to(scope)
    rows = []
    for fault in faults_between(start, end, qs):
        stop = fault.ended_at or timezone.now()
        rows.append({"terminal": fault.terminal.name, "unit": fault.terminal.unit.name,
                     "started_at": timezone.localtime(fault.started_at).strftime("%Y-%m-%d %H:%M"),
                     "ended_at": timezone.localtime(fault.ended_at).strftime("%Y-%m-%d %H:%M") if fault.ended_at else None,
                     "hours": round((min(stop, end) - max(fault.started_at, start)).total_seconds() / 3600, 1)})
    return rows
