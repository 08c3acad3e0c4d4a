"""Clocks in SQL: subqueries over the calendar that other apps put in `annotate()` / `filter()`.

    from django.db.models import F, OuterRef
    from tongban.workdays.expressions import deadline_after, workday_index_of

    Case.objects.annotate(
        due_on=deadline_after("received_on", "promised_days"),           # add_workdays in SQL
        used=workday_index_of(OuterRef("closed_on")) - workday_index_of(OuterRef("received_on")),
    ).filter(due_on__lt=today)                                             # overdue, in one query

Indexes are recomputed when the calendar changes (a year is prepended, a day overridden), so use them
inside one query and never store them. Dates must lie in filled years: call
`services.ensure_years(first, last)` for the years your data spans (cheap when they exist); a date
outside the table gives NULL. Suspensions are not applied here: add the suspended workdays to the
days (e.g. an annotated sum) or use `services.add_workdays` for one case.
"""
from __future__ import annotations

from django.db.models import Case, Expression, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.fields import DateField

from tongban.workdays.models import Day


def _outer(ref) -> Expression:
    return OuterRef(ref) if isinstance(ref, str) else ref


def workday_index_of(day) -> Subquery:
    """The workday index of a date: a field name of the outer query or an expression such as
    `OuterRef("received_on")`. Workdays in (a, b] = index(b) - index(a)."""
    return Subquery(Day.objects.filter(date=_outer(day)).values("workday_index")[:1], output_field=IntegerField())


def workday_with_index(index) -> Subquery:
    """The date of the workday with this index (an expression over the outer query)."""
    return Subquery(Day.objects.filter(is_workday=True, workday_index=index).values("date")[:1],
                    output_field=DateField())


def deadline_after(start: str, days: str | int) -> Expression:
    """The date `days` workdays after `start` (counting from the day after), as `add_workdays` does.

    `start` is a date field of the queried model; `days` a field name or a number.
    """
    if days == 0:
        return F(start)
    start_index = Subquery(Day.objects.filter(date=OuterRef(OuterRef(start))).values("workday_index")[:1])
    if isinstance(days, int):
        return workday_with_index(start_index + Value(days))
    deadline = workday_with_index(start_index + OuterRef(days))
    return Case(When(Q(**{days: 0}), then=F(start)), default=deadline, output_field=DateField())
