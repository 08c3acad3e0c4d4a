"""The Huey tasks: the 00:05 schedule, "run now", and a real consumer process executing a task."""
import sqlite3
import subprocess
import time
from datetime import date, datetime

import pytest
import time_machine

from tongban.jobs.choices import RunStatus, Trigger
from tongban.jobs.models import JobRun
from tongban.jobs.tasks import run_due_jobs, run_job_task
from tongban.jobs.tests.processes import process_env, stop, tongban


def test_the_schedule_fires_at_five_past_midnight_local_time():
    task = run_due_jobs.s()
    assert task.validate_datetime(datetime(2026, 11, 23, 0, 5))
    assert not task.validate_datetime(datetime(2026, 11, 23, 0, 6))
    assert not task.validate_datetime(datetime(2026, 11, 23, 12, 5))


@pytest.mark.django_db
def test_the_scheduled_task_runs_what_is_due_today_in_shanghai(counter_jobs):
    # 16:10 UTC on Sunday the 22nd is already 00:10 on Monday the 23rd in Asia/Shanghai.
    with time_machine.travel(datetime.fromisoformat("2026-11-22T16:10:00+00:00"), tick=False):
        run_due_jobs.call_local()

    runs = dict(JobRun.objects.values_list("job", "period_key"))
    assert runs == {"tests.daily": date(2026, 11, 23), "tests.weekly": date(2026, 11, 23)}
    assert set(JobRun.objects.values_list("trigger", flat=True)) == {Trigger.SCHEDULE}


@pytest.mark.django_db
def test_run_job_task_runs_for_the_user_who_asked(counter_jobs, personas, huey_immediate):
    run_job_task("tests.daily", "2026-11-23", personas.director.pk)

    run = JobRun.objects.get()
    assert (run.status, run.trigger, run.triggered_by) == (RunStatus.SUCCEEDED, Trigger.WEB, personas.director)


def _job_runs(database) -> list[tuple[str, str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT job, period_key, status FROM jobs_jobrun").fetchall()


def test_a_real_consumer_executes_an_enqueued_run_job_task(migrated_var_dir, tmp_path):
    """`tongban run_huey` in its own process picks up a task enqueued by another process (SQLite
    queue under the var dir, or Redis when REDIS_URL is set) and the JobRun row appears."""
    env = process_env(migrated_var_dir)
    database = migrated_var_dir / "tongban.sqlite3"
    before = _job_runs(database)
    log = tmp_path / "consumer.log"
    with open(log, "wb") as output:
        consumer = subprocess.Popen(tongban("run_huey", "--workers", "1"), env=env, stdout=output,
                                    stderr=subprocess.STDOUT)
    try:
        enqueue = ("from tongban.jobs.tasks import run_job_task; "
                   "run_job_task('notifications.purge_read', '2026-11-23', None)")
        done = subprocess.run(tongban("shell", "-c", enqueue), env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]

        def finished_runs():
            return {row for row in set(_job_runs(database)) - set(before) if row[2] != RunStatus.RUNNING}

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not finished_runs():
            assert consumer.poll() is None, log.read_text("utf-8")[-3000:]
            time.sleep(0.3)
        new = finished_runs()
        assert new == {("notifications.purge_read", "2026-11-02", RunStatus.SUCCEEDED)}, log.read_text("utf-8")[-3000:]
    finally:
        stop(consumer)
