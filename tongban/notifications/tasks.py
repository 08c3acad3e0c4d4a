"""Huey tasks of the inbox: channel messages are sent by the worker after the commit, never in the request,
and the pending ones are retried every five minutes (`channels.retry_due`)."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tongban.notifications import channels


@db_task()
def deliver_channel_messages(ids: list[int]) -> dict:
    return channels.deliver(ids)


@db_periodic_task(crontab(minute="*/5"))
def retry_channel_messages() -> dict:
    return channels.retry_due()
