"""The 工作台 line for the chief: leave and field work waiting for their approval, and this month's inspection
findings in their unit."""
from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.org.scopes import scope_for
from tongban.staffing import rules
from tongban.staffing.models import Inspection, Leave, LeaveStatus


def leave_section(request, today: date) -> HomeContent | None:
    role = scope_for(request.user).role
    if not (request.user.is_superuser or role in rules.CENTRE or role in rules.CHIEFS):
        return None
    waiting = Leave.objects.visible_to(request.user).filter(status=LeaveStatus.PENDING).count()
    month_start = today.replace(day=1)
    findings = (Inspection.objects.visible_to(request.user).filter(inspected_on__gte=month_start)
                .exclude(finding="").count())
    link = reverse("staffing:leave_list")
    return HomeContent(waiting + findings, {"waiting": waiting, "findings": findings, "link": link,
                                            "findings_link": reverse("staffing:inspection_list")},
                       more_link=link, empty_link=reverse("staffing:attendance"), empty_action="打开考勤表")


def register_sections() -> None:
    register(HomeSection("staffing.leave", "窗口人员：请假审批与督查问题", "staffing/home/_leave.html", leave_section,
                         empty="没有待审批的请假或外勤，本月周督查未发现本单位问题。", order=70, icon="bi-calendar-check"))
