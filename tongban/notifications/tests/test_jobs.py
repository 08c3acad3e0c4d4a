"""The notifications app's registered jobs, run through the real job runner."""
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tongban.jobs import services as jobs
from tongban.jobs.choices import Outcome, RunStatus, Trigger
from tongban.jobs.registry import get_job
from tongban.notifications import services
from tongban.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_both_jobs_are_registered_with_their_frequency():
    assert get_job("notifications.weekly_digest").frequency == "weekly"
    assert get_job("notifications.purge_read").frequency == "monthly"


def test_the_weekly_digest_runs_once_for_its_week(user_factory):
    alice = user_factory("alice", "alice@example.cn")
    services.notify([alice], title="待办事项", email=False)

    first = jobs.run_job("notifications.weekly_digest", date(2026, 11, 25), trigger=Trigger.CLI)
    second = jobs.run_job("notifications.weekly_digest", date(2026, 11, 27), trigger=Trigger.CLI)

    assert (first.status, first.period_key) == (RunStatus.SUCCEEDED, date(2026, 11, 23))
    assert first.result == {"sent": 1, "without_email": 0, "already_sent": 0}
    assert (first.progress_done, first.progress_total) == (1, 1)
    assert second.outcome == Outcome.ALREADY_DONE
    assert len(mail.outbox) == 1


def test_a_forced_digest_rerun_still_mails_nobody_twice(user_factory):
    alice = user_factory("alice", "alice@example.cn")
    services.notify([alice], title="待办事项", email=False)

    jobs.run_job("notifications.weekly_digest", date(2026, 11, 23), trigger=Trigger.CLI)
    again = jobs.run_job("notifications.weekly_digest", date(2026, 11, 23), trigger=Trigger.CLI, force=True)

    assert again.result == {"sent": 0, "without_email": 0, "already_sent": 1}
    assert len(mail.outbox) == 1


def test_purge_read_deletes_what_was_read_half_a_year_before_its_month(user_factory):
    alice = user_factory("alice")
    services.notify([alice], title="旧的", email=False)
    services.notify([alice], title="新的", email=False)
    period = date(2026, 11, 2)  # the first workday of November 2026
    start = timezone.make_aware(timezone.datetime(2026, 11, 2))
    Notification.objects.filter(title="旧的").update(read_at=start - timedelta(days=181))
    Notification.objects.filter(title="新的").update(read_at=start - timedelta(days=179))

    run = jobs.run_job("notifications.purge_read", date(2026, 11, 20), trigger=Trigger.CLI)

    assert (run.status, run.period_key) == (RunStatus.SUCCEEDED, period)
    assert run.result["deleted"] == 1
    assert list(Notification.objects.values_list("title", flat=True)) == ["新的"]
