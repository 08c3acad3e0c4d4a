"""Reads of 领导坐班 and the meetings: a leader's units, the problem sheet, the agenda, the monthly statistics.

The sheet page, its printed .docx and the 工作台 line read the same `duty_sheet`; the meeting page and the
minutes read the same `agenda`; the statistics page and its API read the same `monthly_statistics`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from django.db.models import Count, Q, QuerySet

from tongban.core.problems import Problem, open_problems
from tongban.meetings.choices import Attendance
from tongban.meetings.models import Decision, DutyRota, Meeting
from tongban.org.models import Staff, Unit
from tongban.rectification.choices import MeasureStatus

SHEET_LIMIT = 200  # rows shown on a page or a sheet; the count says how many there are in all


def subtree_ids(units: Iterable[Unit]) -> list[int]:
    """The units and every unit below them (one query over the materialised paths)."""
    paths = {unit.path for unit in units}
    if not paths:
        return []
    in_any = Q(pk__in=[])
    for path in paths:
        in_any |= Q(path__startswith=path)
    return list(Unit.objects.filter(in_any).values_list("pk", flat=True))


def leader_unit_ids(leader: Staff) -> list[int]:
    """The units a leader answers for: the units in their charge (分管), or else their own unit, with all below."""
    in_charge = list(leader.units_in_charge.all())
    return subtree_ids(in_charge or [leader.unit])


@dataclass
class Sheet:
    """A list of open problems with the name of each one's unit, ready for a page or a printed sheet."""

    problems: list[Problem]
    unit_names: dict[int, str]

    @property
    def count(self) -> int:
        return len(self.problems)

    @property
    def shown(self) -> list[Problem]:
        return self.problems[:SHEET_LIMIT]

    def rows(self) -> list[tuple[Problem, str]]:
        return [(problem, self.unit_names.get(problem.unit_id, "")) for problem in self.shown]


def sheet_of(unit_ids: Sequence[int], on_date: date) -> Sheet:
    problems = open_problems(unit_ids, on_date)
    ids = {p.unit_id for p in problems[:SHEET_LIMIT]}
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    return Sheet(problems, names)


def in_scope(unit_ids: Sequence[int], reader) -> list[int]:
    """Those of `unit_ids` the reader may see (the one scope layer); all of them when there is no reader (the
    daily job hands the leader their own sheet)."""
    if reader is None or not unit_ids:
        return list(unit_ids)
    return list(Unit.objects.visible_to(reader).filter(pk__in=unit_ids).values_list("pk", flat=True))


def duty_sheet(duty: DutyRota, reader=None) -> Sheet:
    """The problem sheet handed to the leader on duty: the open problems of their units on the rota day, as far
    as `reader` may see them."""
    return sheet_of(in_scope(leader_unit_ids(duty.leader), reader), duty.duty_date)


def meeting_unit_ids(meeting: Meeting) -> list[int]:
    return subtree_ids(meeting.units.all())


def carried_decisions(meeting: Meeting) -> QuerySet[Decision]:
    """Decisions of earlier meetings of the same kind whose measure is not yet signed off: the next meeting's
    agenda opens with them."""
    return (Decision.objects.filter(meeting__kind=meeting.kind, meeting__held_on__lt=meeting.held_on)
            .exclude(measure__status=MeasureStatus.VERIFIED)
            .select_related("meeting", "unit", "owner", "measure").order_by("meeting__held_on", "number", "pk"))


@dataclass
class Agenda:
    carried: list[Decision]
    sheet: Sheet


def agenda(meeting: Meeting, reader=None) -> Agenda:
    """议程: first the decisions not yet done, then the open problems of the attending units on the meeting day —
    both as far as `reader` may see them."""
    carried = carried_decisions(meeting)
    if reader is not None:
        carried = carried.filter(pk__in=Decision.objects.visible_to(reader).values("pk"))
    return Agenda(list(carried), sheet_of(in_scope(meeting_unit_ids(meeting), reader), meeting.held_on))


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, following


def monthly_statistics(duties: QuerySet[DutyRota], month: date) -> dict:
    """领导坐班统计 of one month (each leader, each unit): days scheduled, present, absent, on leave, decisions.
    Two grouped queries, whatever the number of leaders."""
    first, following = month_bounds(month)
    in_month = duties.filter(duty_date__gte=first, duty_date__lt=following)
    counts = {
        "scheduled": Count("pk", distinct=True),
        "present": Count("pk", filter=Q(attendance=Attendance.PRESENT), distinct=True),
        "absent": Count("pk", filter=Q(attendance=Attendance.ABSENT), distinct=True),
        "excused": Count("pk", filter=Q(attendance=Attendance.EXCUSED), distinct=True),
        "decisions": Count("decisions", distinct=True),
    }
    by_leader = list(in_month.values("leader_id", "leader__name", "unit__name").annotate(**counts)
                     .order_by("unit__name", "leader__name"))
    by_unit = list(in_month.values("unit_id", "unit__name").annotate(
        leaders=Count("leader", distinct=True), **counts).order_by("unit__name"))
    return {"month": first, "by_leader": by_leader, "by_unit": by_unit}
