"""Daily: make sure this year and next are in the calendar, and tell the admins about provisional ones."""
from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from tongban.jobs.registry import job
from tongban.org.choices import Role
from tongban.workdays import services


def calendar_managers():
    """The users holding workdays.manage_calendar (see rules.py), as one query."""
    return get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(staff__is_active=True, staff__role__in=[Role.CENTER_LEADER, Role.SYSTEM_ADMIN])
    ).distinct()


@job("workdays.check_calendar", frequency="daily", title="检查工作日历")
def check_calendar(run, for_date: date) -> dict:
    """Idempotent: filling is a no-op once the years exist, and notices are deduplicated per year."""
    first, last = for_date.year, for_date.year + 1
    services.fill_years(first, last)
    provisional = services.provisional_years(first, last)
    if provisional:
        from tongban.notifications.services import notify

        managers = list(calendar_managers())
        for year in provisional:
            notify(
                managers,
                title=f"{year}年节假日安排尚未录入",
                body=f"工作日历中{year}年按周一至周五临时推算，涉及该年的期限均为临时结果。"
                     f"国务院办公厅公布{year}年节假日安排后，请在工作日历页面导入。",
                link=f"{reverse('workdays:calendar')}?year={year}",
                code="workdays.calendar_provisional",
                dedupe_key=f"calendar-provisional-{year}",
            )
    return {"provisional_years": provisional}
