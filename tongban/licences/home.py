"""工作台: licences of the reader's units expiring soon (a renewal to prompt), for those who see licences."""
from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.licences.choices import LicenceStatus
from tongban.licences.models import Licence, LicenceSettings

SHOWN = 8


def expiring_section(request, today: date) -> HomeContent | None:
    if not request.user.has_perm("licences.view_licences"):
        return None
    days = LicenceSettings.load().expiry_reminder_days
    rows = (Licence.objects.visible_to(request.user)
            .filter(status=LicenceStatus.VALID, valid_until__gte=today, valid_until__lte=today + timedelta(days=days))
            .order_by("valid_until", "pk"))
    count = rows.count()
    if not count:
        return None
    return HomeContent(count, {"licences": list(rows[:SHOWN])}, more_link=reverse("licences:list") + "?status=valid")


def register_sections() -> None:
    register(HomeSection("licences.expiring", "即将到期的电子证照", "licences/home/_expiring.html", expiring_section,
                         empty="本单位出具的电子证照在有效期届满前 30 天出现在这里，请提醒持证人办理延续。",
                         order=64, icon="bi-patch-exclamation"))
