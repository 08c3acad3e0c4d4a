"""run_job / run_due / run_group: each (job, period) is done once, failures are retried and reported."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.history.models import DomainEvent
from tongban.jobs import services
from tongban.jobs.choices import Outcome, RunStatus, Trigger
from tongban.jobs.models import JobRun
from tongban.jobs.registry import SkipJob
from tongban.notifications.models import Notification

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)  # a Monday, the first workday of its week


def test_running_a_job_records_a_succeeded_run_with_its_result(counter_jobs):
    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    assert run.outcome == Outcome.RAN
    stored = JobRun.objects.get(pk=run.pk)
    assert stored.status == RunStatus.SUCCEEDED
    assert stored.period_key == DAY
    assert stored.attempts == 1
    assert stored.trigger == Trigger.CLI
    assert stored.result == {"calls": 1, "for_date": "2026-11-23"}
    assert stored.started_at <= stored.finished_at


def test_running_the_same_day_twice_does_the_work_once(counter_jobs):
    first = services.run_job("tests.daily", DAY, trigger=Trigger.SCHEDULE)
    second = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    assert counter_jobs["daily"].calls == [DAY]
    assert second.outcome == Outcome.ALREADY_DONE
    assert second.pk == first.pk
    stored = JobRun.objects.get(pk=first.pk)
    assert (stored.attempts, stored.trigger, stored.finished_at) == (1, Trigger.SCHEDULE, first.finished_at)


def test_the_next_day_is_a_new_period(counter_jobs):
    services.run_job("tests.daily", DAY, trigger=Trigger.CLI)
    services.run_job("tests.daily", DAY + timedelta(days=1), trigger=Trigger.CLI)

    assert counter_jobs["daily"].calls == [DAY, DAY + timedelta(days=1)]
    assert JobRun.objects.filter(job="tests.daily").count() == 2


def test_a_failed_run_keeps_the_traceback_and_is_claimed_again_by_the_next_run(counter_jobs):
    counter_jobs["daily"].fail_with = RuntimeError("数据源不可用")
    failed = services.run_job("tests.daily", DAY, trigger=Trigger.SCHEDULE)
    assert failed.outcome == Outcome.FAILED
    stored = JobRun.objects.get(pk=failed.pk)
    assert stored.status == RunStatus.FAILED
    assert "Traceback" in stored.error and "RuntimeError: 数据源不可用" in stored.error

    counter_jobs["daily"].fail_with = None
    retried = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    assert retried.outcome == Outcome.RAN
    stored.refresh_from_db()
    assert (stored.status, stored.attempts, stored.error) == (RunStatus.SUCCEEDED, 2, "")
    assert len(counter_jobs["daily"].calls) == 2


def test_a_failure_goes_on_the_runs_timeline_and_into_the_system_admins_inbox(counter_jobs, personas):
    counter_jobs["daily"].fail_with = ValueError("坏数据")
    run = services.run_job("tests.daily", DAY, trigger=Trigger.SCHEDULE)

    event = DomainEvent.objects.get(code="jobs.run.failed", object_id=str(run.pk))
    assert "坏数据" in event.message
    alerted = set(Notification.objects.filter(code="jobs.run_failed").values_list("recipient__username", flat=True))
    assert alerted == {personas.admin.username}
    message = Notification.objects.get(code="jobs.run_failed")
    assert message.link == f"/jobs/runs/{run.pk}/"
    assert "计数任务" in message.title


def test_each_failed_attempt_alerts_once(counter_jobs, personas):
    counter_jobs["daily"].fail_with = ValueError("坏数据")
    services.run_job("tests.daily", DAY, trigger=Trigger.SCHEDULE)
    services.run_job("tests.daily", DAY, trigger=Trigger.SCHEDULE)

    assert Notification.objects.filter(code="jobs.run_failed", recipient=personas.admin).count() == 2
    assert JobRun.objects.get(job="tests.daily").attempts == 2


def test_a_run_still_running_elsewhere_is_left_alone(counter_jobs):
    held = JobRun.objects.create(job="tests.daily", period_key=DAY, status=RunStatus.RUNNING, started_at=timezone.now())

    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    assert run.outcome == Outcome.BUSY
    assert counter_jobs["daily"].calls == []
    held.refresh_from_db()
    assert (held.status, held.attempts) == (RunStatus.RUNNING, 1)


def test_even_force_leaves_a_recent_running_run_alone(counter_jobs):
    JobRun.objects.create(job="tests.daily", period_key=DAY, status=RunStatus.RUNNING, started_at=timezone.now())

    assert services.run_job("tests.daily", DAY, trigger=Trigger.CLI, force=True).outcome == Outcome.BUSY
    assert counter_jobs["daily"].calls == []


def test_force_takes_over_a_run_presumed_dead(counter_jobs):
    started = timezone.now() - services.STALE_AFTER - timedelta(minutes=1)
    JobRun.objects.create(job="tests.daily", period_key=DAY, status=RunStatus.RUNNING, started_at=started)

    assert services.run_job("tests.daily", DAY, trigger=Trigger.CLI).outcome == Outcome.BUSY
    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI, force=True)

    assert run.outcome == Outcome.RAN
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 2


def test_force_runs_a_succeeded_period_again_and_says_so_on_the_timeline(counter_jobs, personas):
    services.run_job("tests.daily", DAY, trigger=Trigger.SCHEDULE)
    run = services.run_job("tests.daily", DAY, trigger=Trigger.WEB, by=personas.director, force=True)

    assert run.outcome == Outcome.RAN
    assert len(counter_jobs["daily"].calls) == 2
    stored = JobRun.objects.get(pk=run.pk)
    assert (stored.attempts, stored.trigger, stored.triggered_by) == (2, Trigger.WEB, personas.director)
    event = DomainEvent.objects.get(code="jobs.run.forced", object_id=str(run.pk))
    assert event.actor == personas.director


def test_a_job_with_nothing_to_do_is_recorded_as_skipped_and_counts_as_done(registry):
    calls = []

    @registry.job("tests.quiet", frequency="daily", title="安静任务")
    def quiet(run, for_date):
        calls.append(for_date)
        raise SkipJob("今天是节假日")

    run = services.run_job("tests.quiet", DAY, trigger=Trigger.CLI)
    again = services.run_job("tests.quiet", DAY, trigger=Trigger.CLI)

    assert run.outcome == Outcome.SKIPPED
    assert JobRun.objects.get(pk=run.pk).result == {"reason": "今天是节假日"}
    assert again.outcome == Outcome.ALREADY_DONE
    assert calls == [DAY]


def test_progress_reported_by_a_job_is_stored_while_it_runs(registry):
    seen = []

    @registry.job("tests.progress", frequency="daily", title="进度任务")
    def progress(run, for_date):
        run.set_progress(3, 10)
        seen.append(JobRun.objects.values_list("status", "progress_done", "progress_total").get(pk=run.pk))

    run = services.run_job("tests.progress", DAY, trigger=Trigger.CLI)

    assert seen == [(RunStatus.RUNNING, 3, 10)]
    assert JobRun.objects.get(pk=run.pk).percent == 30


def test_a_weekly_job_is_keyed_on_its_weeks_first_workday(counter_jobs):
    run = services.run_job("tests.weekly", date(2026, 10, 9), trigger=Trigger.CLI)

    assert run.period_key == date(2026, 10, 8)  # National Day week: Thursday is the first workday
    assert counter_jobs["weekly"].calls == [date(2026, 10, 8)]
    assert services.run_job("tests.weekly", date(2026, 10, 10), trigger=Trigger.CLI).outcome == Outcome.ALREADY_DONE


def test_run_due_runs_daily_jobs_and_weekly_monthly_ones_only_on_their_first_workday(counter_jobs):
    holiday = {r.spec.name: r.outcome for r in services.run_due(date(2026, 10, 5), trigger=Trigger.SCHEDULE)}
    assert holiday == {"tests.daily": Outcome.RAN, "tests.weekly": Outcome.NOT_DUE, "tests.monthly": Outcome.NOT_DUE}

    # 2026-10-08 is the first workday both of its week and of October.
    first = {r.spec.name: r.outcome for r in services.run_due(date(2026, 10, 8), trigger=Trigger.SCHEDULE)}
    assert first == {"tests.daily": Outcome.RAN, "tests.weekly": Outcome.RAN, "tests.monthly": Outcome.RAN}

    later = {r.spec.name: r.outcome for r in services.run_due(date(2026, 10, 9), trigger=Trigger.SCHEDULE)}
    assert later == {"tests.daily": Outcome.RAN, "tests.weekly": Outcome.NOT_DUE, "tests.monthly": Outcome.NOT_DUE}
    assert counter_jobs["weekly"].calls == counter_jobs["monthly"].calls == [date(2026, 10, 8)]


def test_run_due_twice_on_the_same_day_does_nothing_the_second_time(counter_jobs):
    services.run_due(DAY, trigger=Trigger.SCHEDULE)
    again = services.run_due(DAY, trigger=Trigger.SCHEDULE)

    assert {r.spec.name: r.outcome for r in again} == {
        "tests.daily": Outcome.ALREADY_DONE, "tests.weekly": Outcome.ALREADY_DONE, "tests.monthly": Outcome.NOT_DUE,
    }
    assert (len(counter_jobs["daily"].calls), len(counter_jobs["weekly"].calls)) == (1, 1)


def test_run_group_runs_a_missed_week_from_any_of_its_days(counter_jobs):
    reports = services.run_group("weekly", date(2026, 11, 26))

    assert [(r.spec.name, r.outcome, r.run.period_key) for r in reports] == [
        ("tests.weekly", Outcome.RAN, date(2026, 11, 23))
    ]
    assert counter_jobs["daily"].calls == counter_jobs["monthly"].calls == []


def test_run_target_names_a_group_a_job_or_due(counter_jobs):
    assert [r.spec.name for r in services.run_target("monthly", DAY, trigger=Trigger.CLI)] == ["tests.monthly"]
    assert [r.spec.name for r in services.run_target("tests.daily", DAY, trigger=Trigger.CLI)] == ["tests.daily"]
    assert len(services.run_target("due", DAY, trigger=Trigger.CLI)) == 3


def test_an_unknown_job_is_refused_with_a_stable_code(counter_jobs):
    with pytest.raises(ValidationError) as refused:
        services.run_target("tests.nope", DAY, trigger=Trigger.CLI)
    assert refused.value.code == "job_unknown"
    assert "tests.nope" in refused.value.messages[0]
