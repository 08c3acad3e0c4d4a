"""Catalogue jobs: idempotent for their date (notify's dedupe_key makes a second run notify nobody)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from tongban.catalog.services import expiring_qualifications
from tongban.jobs.registry import job
from tongban.org.choices import Role

RECIPIENT_ROLES = (Role.UNIT_HEAD, Role.CENTER_LEADER, Role.SYSTEM_ADMIN)


def recipients_for(unit):
    """The heads of the unit that keeps the agency's filing, and the centre's leaders."""
    return get_user_model().objects.filter(is_active=True, staff__is_active=True).filter(
        Q(staff__unit=unit, staff__role__in=RECIPIENT_ROLES) | Q(staff__role=Role.CENTER_LEADER)
    ).distinct()


@job("catalog.qualification_expiry", frequency="daily", title="中介机构资质到期提醒")
def qualification_expiry(run, for_date):
    from tongban.notifications.services import notify

    found = notified = 0
    for qualification in expiring_qualifications(for_date):
        found += 1
        agency = qualification.intermediary
        days_left = (qualification.expires_on - for_date).days
        notified += notify(
            recipients_for(agency.supervising_unit),
            title=f"中介机构资质将到期：{agency.name}",
            body=f"“{qualification.name}”（证书编号 {qualification.number}）将于 {qualification.expires_on:%Y-%m-%d} 到期，"
                 f"还有 {days_left} 天。请督促其及时换证并更新备案。",
            link=agency.get_absolute_url(),
            code="catalog.qualification_expiry",
            # one reminder per qualification and expiry date, however many days the job runs
            dedupe_key=f"catalog.qualification_expiry:{qualification.pk}:{qualification.expires_on:%Y%m%d}",
        )
    return {"expiring": found, "notified": notified}
