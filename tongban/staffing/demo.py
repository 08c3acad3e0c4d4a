"""Demo attendance: last month for every staff member at a window, through the real import, with three late
arrivals and one early leave for 窗口人员 ZX110 (persona chuangkou), one absence for another, one approved
field-work day, one 周督查 with a finding and one 约谈 (both about ZX110). Idempotent: the import skips punches
already there; the leave, inspection and 约谈 are made once."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from tongban.org.models import Staff
from tongban.staffing import importing, services
from tongban.staffing.models import Inspection, Leave, Talk
from tongban.workdays.models import Day
from tongban.workdays.services import ensure_years

CLERK = "ZX110"


def build_demo(county) -> str:
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    ensure_years(first.year, first.year)
    days = list(Day.objects.filter(date__range=(first, last), is_workday=True).order_by("date")
                .values_list("date", flat=True))
    at_windows = Staff.objects.filter(window__isnull=False, is_active=True)
    people = list(at_windows.filter(staff_no=CLERK)) + list(at_windows.exclude(staff_no=CLERK).order_by("staff_no"))
    if not days or not people:
        return "考勤：无窗口人员"
    late = set(days[2:15:5])  # three late arrivals
    lines = ["工号,姓名,日期,时间"]
    for index, person in enumerate(people):
        for day in days:
            if index == 1 and day == days[4]:
                continue  # one absence
            if index == 2 and day == days[6]:
                continue  # field work, approved below
            morning = "09:12" if person.staff_no == CLERK and day in late else f"08:{40 + index % 15:02d}"
            evening = "16:45" if person.staff_no == CLERK and day == days[8] else f"17:{5 + index % 50:02d}"
            lines.append(f"{person.staff_no},{person.name},{day:%Y-%m-%d},{morning}")
            lines.append(f"{person.staff_no},{person.name},{day:%Y-%m-%d},{evening}")
    report = importing.import_attendance("\n".join(lines).encode(), name="演示考勤机导出.csv")
    chief = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if len(people) > 2 and chief and not Leave.objects.filter(staff=people[2], first_day=days[6]).exists():
        services.enter_leave(staff=people[2], kind="field_work", first_day=days[6], last_day=days[6],
                             reason="下乡帮办", by=chief)
    clerk = people[0]
    if chief and not Inspection.objects.exists():
        services.record_inspection(staff=clerk, inspected_on=days[5], aspect="dress",
                                   finding="未按规定佩戴工作牌，着装不统一。", by=chief)
    if chief and not Talk.objects.exists():
        services.record_talk(staff=clerk, held_on=days[10], reason="本月迟到 3 次、督查发现未佩戴工作牌",
                             agreed="本人承认问题，保证严格遵守作息时间和着装规定；中心下月跟踪督查。", by=chief)
    return f"考勤 {len(people)} 人 {first:%Y-%m}，新增打卡 {report.new} 条"
