"""The banner shown on every page while this year or next has no published holiday schedule."""
from __future__ import annotations

from django.utils import timezone


def calendar_banner(request) -> dict:
    """One small query per request (cached on the request); nothing for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(request, "_calendar_banner", None)
    if cached is None:
        cached = {}
        text = banner_text(timezone.localdate().year)
        if text:
            cached = {"calendar_banner": text}
        request._calendar_banner = cached
    return cached


def banner_text(this_year: int) -> str:
    from tongban.workdays.choices import YearStatus
    from tongban.workdays.services import year_status

    statuses = year_status([this_year, this_year + 1])
    provisional = [year for year, status in statuses.items() if status == YearStatus.PROVISIONAL]
    if not provisional:
        return ""
    years = "、".join(f"{year}年" for year in provisional)
    return f"{years}法定节假日安排尚未录入，涉及该年的期限按周一至周五临时推算。"
