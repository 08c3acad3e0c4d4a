"""Daily: licences past their validity become 已过期; those expiring soon are reminded once per validity."""
from __future__ import annotations

from datetime import date

from tongban.jobs.registry import job
from tongban.jobs.results import register_labels
from tongban.licences import services

register_labels({"licences_expired": "转为已过期的证照", "licences_reminded": "发出到期提醒的证照"})


@job("licences.expiry", frequency="daily", title="电子证照到期处理与提醒")
def expiry(run, for_date: date) -> dict:
    return {"licences_expired": services.expire_due(for_date), **services.remind_expiring(for_date)}
