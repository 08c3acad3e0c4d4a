"""A case's clocks, stored on the case and its tasks (docs/decisions/0003-stored-clocks.md).

    clock_start, clock_workdays ──(workdays.clocks, over the calendar)──▶ due_date
    clock_start, warn_workdays  ──────────────────────────────────────▶ warn_date

- before acceptance (待受理): the §32 clock — `intake_workdays` (5) working days from the day of receipt (or
  of the last correction); `warn_date` one working day earlier (the clerk is warned on working day 4, the job
  records the deemed acceptance on day 6, the first workday after `due_date`);
- 补正中: no clock (`clock_start` is empty) — the applicant holds the pen;
- from acceptance: `budget_workdays` plus the workdays of every ended suspension, counted from the day after
  acceptance (§82); `warn_date` is `warn_workdays` (a setting, 1) working days before.
- a task (子办件): from the day its stage opened, the item's promised days plus the suspensions that began
  after it opened, plus the working days of approved extensions (§42, `extended_workdays`, which the case's
  clock carries too);
- a step of a task (环节, `TaskStep`): from the day it became current, its catalogue day limit plus the
  suspensions that began while it ran; a step without a day limit has no due date;
- 出件 (§44): from the decision, `delivery_workdays` (set from the policy at the decision) → `delivery_due_date`.

The services set `clock_start` and call `refresh_case_clocks(cases)` for the rows they touched (two UPDATEs
for the inputs and three for the dates, whatever their number); a new case is inserted with its clock
(`intake_clock`: one SELECT over the calendar); the calendar calls `recompute(since)`.
"""
from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Case as When_, DateField, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

from tongban.cases.choices import BEFORE_ACCEPTANCE
from tongban.cases.models import Case, CaseSettings, CaseTask, Suspension, TaskStep
from tongban.workdays import clocks
from tongban.workdays.expressions import workday_index_of
from tongban.workdays.models import FIRST_YEAR, LAST_YEAR

DUE_CLOCK = clocks.Clock(Case, start="clock_start", workdays="clock_workdays", due="due_date")
WARN_CLOCK = clocks.Clock(Case, start="clock_start", workdays="warn_workdays", due="warn_date")
TASK_CLOCK = clocks.Clock(CaseTask, start="opened_on", workdays="clock_workdays", due="due_date")
STEP_CLOCK = clocks.Clock(TaskStep, start="started_on", workdays="clock_workdays", due="due_date")
DELIVERY_CLOCK = clocks.Clock(Case, start="decided_on", workdays="delivery_workdays", due="delivery_due_date")
NEVER = date(9999, 12, 31)


def _sum(queryset: QuerySet) -> Coalesce:
    total = queryset.order_by().values("case_id").annotate(total=Sum("workdays")).values("total")[:1]
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def refresh_case_clocks(cases: QuerySet[Case]) -> int:
    """Recompute the clocks of `cases` (and of their tasks) from status, budget, start and suspensions;
    returns how many case due dates changed."""
    policy = CaseSettings.load()
    cases = Case.objects.filter(pk__in=cases.order_by().values("pk"))
    if not cases.exists():
        return 0
    ended = Suspension.objects.filter(ended_on__isnull=False)
    cases.update(suspended_workdays=_sum(ended.filter(case_id=OuterRef("pk"))))
    cases.update(clock_workdays=When_(When(status__in=BEFORE_ACCEPTANCE, then=Value(policy.intake_workdays)),
                                      default=F("budget_workdays") + F("suspended_workdays") + F("extended_workdays")))
    cases.update(warn_workdays=Greatest(F("clock_workdays") - Value(policy.warn_workdays), Value(0)))
    tasks = CaseTask.objects.filter(case__in=cases)
    tasks.update(suspended_workdays=_sum(ended.filter(case_id=OuterRef("case_id"), started_on__gte=OuterRef("opened_on"))))
    tasks.update(clock_workdays=F("budget_workdays") + F("suspended_workdays") + F("extended_workdays"))
    steps = TaskStep.objects.filter(task__case__in=cases)
    during = ended.filter(case__tasks=OuterRef("task_id"), started_on__gte=OuterRef("started_on"),
                          started_on__lte=Coalesce(OuterRef("completed_on"), Value(NEVER, output_field=DateField())))
    steps.filter(started_on__isnull=False).update(suspended_workdays=_sum(during))
    steps.update(clock_workdays=F("days") + F("suspended_workdays"))
    steps.filter(days=0).exclude(due_date=None).update(due_date=None)
    _ensure_calendar(cases)
    changed = clocks.update_due_dates(DUE_CLOCK, cases)
    clocks.update_due_dates(WARN_CLOCK, cases)
    clocks.update_due_dates(TASK_CLOCK, tasks)
    clocks.update_due_dates(STEP_CLOCK, steps.filter(days__gt=0))
    clocks.update_due_dates(DELIVERY_CLOCK, cases)
    return changed


def refresh_case_clock(case: Case) -> Case:
    refresh_case_clocks(Case.objects.filter(pk=case.pk))
    case.refresh_from_db(fields=["suspended_workdays", "clock_start", "clock_workdays", "warn_workdays",
                                 "due_date", "warn_date", "extended_workdays", "delivery_due_date"])
    return case


def intake_clock(day: date, policy: CaseSettings) -> dict:
    """The clock columns of a case received on `day` (待受理, no suspension yet), to be written with its
    INSERT: the values `refresh_case_clocks` would store, the two dates from one SELECT over the calendar
    (`workdays.clocks.due_dates`) instead of the set-based UPDATEs afterwards."""
    workdays = policy.intake_workdays
    warn = max(workdays - policy.warn_workdays, 0)
    due, warn_date = clocks.due_dates(day, [workdays, warn])
    if due is None or warn_date is None:  # the calendar lacks the year of the start or of the due date
        from tongban.workdays.services import ensure_years

        if FIRST_YEAR <= day.year <= LAST_YEAR:
            ensure_years(day.year, min(LAST_YEAR, day.year + 1))
        due, warn_date = clocks.due_dates(day, [workdays, warn])
        due = due or day + timedelta(days=workdays)  # outside 1990–2100, as update_due_dates falls back
        warn_date = warn_date or day + timedelta(days=warn)
    return {"clock_start": day, "suspended_workdays": 0, "clock_workdays": workdays, "warn_workdays": warn,
            "due_date": due, "warn_date": warn_date}


def count_suspension_workdays(suspensions: QuerySet[Suspension]) -> int:
    """Workdays in (started_on, ended_on] of ended suspensions, from the calendar, in one UPDATE."""
    suspensions = Suspension.objects.filter(pk__in=suspensions.filter(ended_on__isnull=False).values("pk"))
    span = suspensions.aggregate(low=Min("started_on"), high=Max("ended_on"))
    if span["low"] is None:
        return 0
    from tongban.workdays.services import ensure_years

    ensure_years(max(FIRST_YEAR, span["low"].year), min(LAST_YEAR, span["high"].year))
    return suspensions.update(workdays=Greatest(
        Coalesce(workday_index_of("ended_on") - workday_index_of("started_on"), Value(0)), Value(0)))


def recompute(since: date | None) -> int:
    """The calendar's hook (workdays.clocks.register): suspensions ending on or after `since` are
    recounted, their cases rebuilt; then every date a change on or after `since` can move."""
    if since is None:
        count_suspension_workdays(Suspension.objects.all())
        return refresh_case_clocks(Case.objects.all())
    touched = Suspension.objects.filter(ended_on__gte=since)
    changed = 0
    if touched.exists():
        count_suspension_workdays(touched)
        changed += refresh_case_clocks(Case.objects.filter(pk__in=touched.values("case_id")))
    changed += clocks.update_due_dates(DUE_CLOCK, since=since)
    clocks.update_due_dates(WARN_CLOCK, since=since)
    clocks.update_due_dates(TASK_CLOCK, since=since)
    clocks.update_due_dates(STEP_CLOCK, TaskStep.objects.filter(days__gt=0), since=since)
    clocks.update_due_dates(DELIVERY_CLOCK, since=since)
    return changed


def _ensure_calendar(cases: QuerySet[Case]) -> None:
    from tongban.workdays.services import ensure_years

    span = cases.aggregate(low=Min("clock_start"), high=Max("clock_start"), decided=Max("decided_on"))
    if span["low"] is None and span["decided"] is None:
        return
    span["low"] = span["low"] or span["decided"]
    span["high"] = max(d for d in (span["high"], span["decided"]) if d)
    low, high = max(FIRST_YEAR, span["low"].year), min(LAST_YEAR, span["high"].year + 1)
    if low <= high:
        ensure_years(low, high)


CLOCK_SETTINGS = {"intake_workdays", "warn_workdays"}  # what `refresh_case_clocks` reads from the policy


def settings_changed(sender, fields, **kwargs) -> int | None:
    """`core.models.policy_changed` of `CaseSettings`: when the §32 days or the warning days really changed,
    re-date every open case's clocks (set-based, a few UPDATEs whatever their number); returns how many open
    cases that was, None when no clock setting changed (the region code, the delivery days … apply from the
    next intake or decision)."""
    if not CLOCK_SETTINGS & set(fields):
        return None
    from tongban.cases.choices import OPEN_STATUSES

    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    refresh_case_clocks(open_cases)
    return open_cases.count()
