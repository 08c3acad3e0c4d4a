"""Huey tasks: the daily schedule and the web page's "run now". The consumer (`tongban run_huey`,
started by `tongban serve`) imports this module; Huey's `utc: False` makes crontab local time."""
from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tongban.jobs import schedule, services
from tongban.jobs.choices import Trigger


@db_periodic_task(crontab(minute="5", hour="0"))
def run_due_jobs() -> None:
    """00:05 Asia/Shanghai every day: run what is due today (daily jobs; weekly and monthly jobs on
    the first workday of their week / month). A day the worker missed is run by hand:
    `tongban jobs run due --date YYYY-MM-DD`."""
    services.run_due(schedule.today(), trigger=Trigger.SCHEDULE)


@db_task()
def run_job_task(name: str, date_iso: str, user_id: int | None, force: bool = False) -> None:
    """Run one job for one date on behalf of the user who pressed 立即运行."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    services.run_job(name, date.fromisoformat(date_iso), trigger=Trigger.WEB, by=user, force=force)
