"""A measure's clock, stored on the measure (docs/decisions/0003-stored-clocks.md).

    due_start, due_workdays ──(workdays.clocks, over the calendar)──▶ due_date

- 限期完成, or 立行立改 with a date: the deadline; due on the first workday on or after it (a deadline
  inside the National Day holiday falls due on the first workday after it);
- 长期坚持: the earliest checkpoint not yet reported (no due date once none is left); the deadline of
  an ongoing measure is only the first time node as the ledger wrote it;
- 立行立改 without a date: `immediate_due_workdays()` working days after the day it was created.

`refresh_measure_clocks(measures)` rewrites the inputs and then the due dates of those measures, two
set-based UPDATEs whatever their number. The services call it after every change that can move a due
date (a measure created or edited, its deadline kind changed, a checkpoint added or reported, a
reopening by 回头看, an import); the calendar calls `recompute(since)` (registered in apps.py) when
its days change.
"""
from __future__ import annotations

from datetime import date

from django.db.models import Case, F, Max, Min, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate

from tongban.rectification.choices import DeadlineKind
from tongban.rectification.models import Checkpoint, Measure, immediate_due_workdays
from tongban.workdays import clocks
from tongban.workdays.models import FIRST_YEAR, LAST_YEAR

MEASURE_CLOCK = clocks.Clock(Measure, start="due_start", workdays="due_workdays", due="due_date")


def clock_inputs() -> dict:
    """The expressions of `due_start` and `due_workdays`, for `QuerySet.update()`."""
    next_checkpoint = (
        Checkpoint.objects.filter(measure=OuterRef("pk"), reported_at__isnull=True)
        .order_by("due_date").values("due_date")[:1]
    )
    undated_immediate = {"deadline_kind": DeadlineKind.IMMEDIATE, "deadline__isnull": True}
    return {
        "due_start": Case(
            When(deadline_kind=DeadlineKind.ONGOING, then=Subquery(next_checkpoint)),
            When(**undated_immediate, then=TruncDate("created_at")),
            default=F("deadline"),
        ),
        "due_workdays": Case(When(**undated_immediate, then=Value(immediate_due_workdays())), default=Value(0)),
    }


def refresh_measure_clocks(measures: QuerySet[Measure]) -> int:
    """Recompute the clocks of `measures` (a plain filter on Measure) from their deadline, deadline
    kind, checkpoints and creation day; returns how many due dates changed."""
    measures = Measure.objects.filter(pk__in=measures.values("pk"))
    measures.update(**clock_inputs())
    _ensure_calendar(measures)
    return clocks.update_due_dates(MEASURE_CLOCK, measures)


def refresh_measure_clock(measure: Measure) -> Measure:
    """One measure's clock, and its in-memory copy brought up to date."""
    refresh_measure_clocks(Measure.objects.filter(pk=measure.pk))
    measure.refresh_from_db(fields=["due_start", "due_workdays", "due_date"])
    return measure


def recompute(since: date | None) -> int:
    """The calendar's hook (workdays.clocks.register): due dates a change on or after `since` can move;
    everything, inputs included, when `since` is None (`tongban calendar clocks`)."""
    if since is None:
        return refresh_measure_clocks(Measure.objects.all())
    return clocks.update_due_dates(MEASURE_CLOCK, since=since)


def _ensure_calendar(measures: QuerySet[Measure]) -> None:
    """The years the clocks count in are in the calendar (one query when they are): from the earliest
    start to the year after the latest (a few workdays after a late-December start)."""
    from tongban.workdays.services import ensure_years

    span = measures.aggregate(low=Min("due_start"), high=Max("due_start"))
    if span["low"] is None:
        return
    low, high = max(FIRST_YEAR, span["low"].year), min(LAST_YEAR, span["high"].year + 1)
    if low <= high:
        ensure_years(low, high)
