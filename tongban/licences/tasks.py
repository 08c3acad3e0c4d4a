"""Huey tasks of the licences app (the consumer imports this module): the documents a decision asks to be
sealed, after its commit, and every five minutes whatever is due again (a failure, a lost queue entry)."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def seal_requests_task(ids: list[int]) -> dict:
    from tongban.licences.services import seal_pending

    return seal_pending(ids)


@db_periodic_task(crontab(minute="*/5"))
def retry_seal_requests() -> dict:
    from tongban.licences.services import seal_pending

    return seal_pending()
