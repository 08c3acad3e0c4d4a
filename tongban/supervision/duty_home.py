"""The 工作台 section of the morning check (registered from apps.py): for those who watch a whole area —
the centre's leaders, the inspector, administrators, township admins and unit heads — today's overdue and
due-soon cases and the terminals in fault, with the link to the duty page. Figures from `reports`."""
from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.org.choices import Role
from tongban.org.scopes import scope_for
from tongban.supervision import reports
from tongban.terminals.selectors import open_faults

WATCHERS = (Role.CENTER_LEADER, Role.SYSTEM_ADMIN, Role.INSPECTOR, Role.TOWNSHIP_ADMIN, Role.UNIT_HEAD)


def duty_section(request, today: date) -> HomeContent | None:
    scope = scope_for(request.user)
    if not (request.user.is_superuser or scope.role in WATCHERS):
        return None
    overdue = reports.overdue_cases(request.user, today).count()
    due_soon = reports.due_soon_cases(request.user, today).count()
    faults = open_faults(request.user).count()
    return HomeContent(overdue + due_soon + faults, {"overdue": overdue, "due_soon": due_soon, "faults": faults},
                       more_link=reverse("supervision:duty"), empty_link=reverse("supervision:duty"),
                       empty_action="打开值班查看")


def register_sections() -> None:
    register(HomeSection("supervision.duty", "值班查看", "supervision/home/_duty.html", duty_section,
                         empty="没有超期、临期办件，乡镇终端心跳正常。出现时这里会提示，点开值班查看逐件核查。",
                         order=55, icon="bi-binoculars"))
