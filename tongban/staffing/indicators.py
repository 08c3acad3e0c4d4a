"""Per unit and per staff counts of a month for the assessment's scoring (wired by the lead): lateness (迟到 and
早退, each with its own label), absences, inspection findings, 约谈. Each count carries its records'
detail (label, url, date). Built on selectors.month_attendance and selectors.month_findings, the definitions the
sheet and the 月通报 use."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from tongban.org.models import Staff
from tongban.staffing.models import Inspection, Talk
from tongban.staffing.selectors import Month, judged_staff, month_attendance, month_findings

KINDS = ("lateness", "absences", "inspection_findings", "talks")


@dataclass(frozen=True)
class Detail:
    label: str
    url: str
    date: dt.date


@dataclass
class Counts:
    lateness: list[Detail] = field(default_factory=list)
    absences: list[Detail] = field(default_factory=list)
    inspection_findings: list[Detail] = field(default_factory=list)
    talks: list[Detail] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return len(getattr(self, kind))

    def as_dict(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in KINDS}


def month_indicators(year: int, month: int, *, staff_qs=None, today: dt.date | None = None
                     ) -> tuple[dict[int, Counts], dict[int, Counts]]:
    """({unit_id: Counts}, {staff_id: Counts}) for the month; `staff_qs` defaults to all active staff."""
    the_month = Month(year, month)
    today = today or timezone.localdate()
    qs = staff_qs if staff_qs is not None else Staff.objects.filter(is_active=True)
    judged = judged_staff(qs, the_month)  # whose attendance counts: as on the sheet
    by_unit: dict[int, Counts] = defaultdict(Counts)
    by_staff: dict[int, Counts] = defaultdict(Counts)
    sheet = reverse("staffing:attendance")
    for row in month_attendance(judged, the_month, today):
        person = row.staff
        url = f"{sheet}?{urlencode({'month': str(the_month), 'unit': person.unit_id})}"
        for day, clock in row.late:
            detail = Detail(f"{person.name} {day:%m-%d} 迟到（{clock:%H:%M} 打卡）", url, day)
            by_unit[person.unit_id].lateness.append(detail)
            by_staff[person.pk].lateness.append(detail)
        for day, clock in row.early:  # 早退 counts with 迟到 (the scheme's one 迟到、早退 indicator)
            detail = Detail(f"{person.name} {day:%m-%d} 早退（{clock:%H:%M} 打卡）", url, day)
            by_unit[person.unit_id].lateness.append(detail)
            by_staff[person.pk].lateness.append(detail)
        for day in row.absent:
            detail = Detail(f"{person.name} {day:%m-%d} 缺勤", url, day)
            by_unit[person.unit_id].absences.append(detail)
            by_staff[person.pk].absences.append(detail)
    inspections = Inspection.objects.filter(staff__in=qs.values("pk"))
    findings_url = reverse("staffing:inspection_list")
    for inspection in month_findings(inspections, the_month):
        person = inspection.staff
        detail = Detail(f"{person.name} {inspection.inspected_on:%m-%d} {inspection.get_aspect_display()}：{inspection.finding[:40]}",
                        f"{findings_url}?month={the_month}", inspection.inspected_on)
        by_unit[person.unit_id].inspection_findings.append(detail)
        by_staff[person.pk].inspection_findings.append(detail)
    talks_url = reverse("staffing:talk_list")
    for talk in (Talk.objects.filter(staff__in=qs.values("pk"), held_on__range=(the_month.first, the_month.last))
                 .select_related("staff").order_by("held_on", "pk")):
        detail = Detail(f"{talk.staff.name} {talk.held_on:%m-%d} 被约谈：{talk.reason[:40]}", talks_url, talk.held_on)
        by_unit[talk.staff.unit_id].talks.append(detail)
        by_staff[talk.staff_id].talks.append(detail)
    return dict(by_unit), dict(by_staff)
