"""The jobs page, run details, the live progress bar and 立即运行, for each persona."""
from datetime import date
from html import unescape

import pytest
import time_machine
from django.utils import timezone

from tongban.jobs import services
from tongban.jobs.choices import RunStatus, Trigger
from tongban.jobs.models import JobRun

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)


@pytest.mark.parametrize("persona", ["director", "rectification_office", "inspector", "admin"])
def test_county_wide_personas_see_the_jobs_page(persona, personas, counter_jobs, client_for):
    services.run_job("tests.daily", DAY, trigger=Trigger.CLI)
    page = client_for(getattr(personas, persona)).get("/jobs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "计数任务（每日）" in html and "tests.weekly" in html and "尚未运行" in html


@pytest.mark.parametrize("persona", ["section_chief", "window_clerk", "township_admin"])
def test_everyone_else_is_refused_the_jobs_page_and_its_runs(persona, personas, counter_jobs, client_for):
    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)
    client = client_for(getattr(personas, persona))

    assert client.get("/jobs/").status_code == 403
    assert client.get(f"/jobs/runs/{run.pk}/").status_code == 403
    assert client.get(f"/jobs/runs/{run.pk}/progress/").status_code == 403


def test_failed_runs_are_highlighted_and_can_be_filtered(personas, counter_jobs, client_for):
    succeeded = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)
    counter_jobs["weekly"].fail_with = RuntimeError("邮件服务器无响应")
    failed = services.run_job("tests.weekly", DAY, trigger=Trigger.CLI)
    client = client_for(personas.inspector)

    html = client.get("/jobs/").content.decode()
    assert f'<tr class="table-danger" id="run-{failed.pk}">' in html

    only_failed = client.get("/jobs/", {"status": "failed"}).content.decode()
    assert f'id="run-{failed.pk}"' in only_failed
    assert f'id="run-{succeeded.pk}"' not in only_failed


def test_a_running_run_shows_a_progress_bar_that_polls_every_two_seconds(personas, client_for):
    run = JobRun.objects.create(job="tests.daily", period_key=DAY, status=RunStatus.RUNNING,
                                started_at=timezone.now(), progress_done=3, progress_total=12)
    client = client_for(personas.director)

    html = client.get("/jobs/").content.decode()
    assert f'hx-get="/jobs/runs/{run.pk}/progress/" hx-trigger="every 2s"' in html
    assert 'class="progress"' in html and "width: 25%" in html and "3/12" in html

    partial = client.get(f"/jobs/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in partial.content.decode()
    assert "HX-Refresh" not in partial


def test_the_progress_bar_stops_polling_and_reloads_the_page_when_the_run_ends(personas, counter_jobs, client_for):
    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    partial = client_for(personas.director).get(f"/jobs/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")

    assert partial["HX-Refresh"] == "true"
    assert "hx-trigger" not in partial.content.decode()
    assert "成功" in partial.content.decode()


def test_the_run_detail_shows_the_traceback_of_a_failure(personas, counter_jobs, client_for):
    counter_jobs["daily"].fail_with = RuntimeError("数据源不可用")
    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    html = client_for(personas.inspector).get(f"/jobs/runs/{run.pk}/").content.decode()

    assert 'id="run-error"' in html and "RuntimeError: 数据源不可用" in html
    assert "失败" in html
    assert "重新运行本周期" not in html  # the inspector reads, does not run


def test_the_run_detail_shows_the_result(personas, counter_jobs, client_for):
    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    html = unescape(client_for(personas.director).get(f"/jobs/runs/{run.pk}/").content.decode())

    assert '"calls": 1' in html and "2026-11-23" in html
    assert "重新运行本周期" in html


def test_a_missing_run_answers_404(personas, client_for):
    assert client_for(personas.director).get("/jobs/runs/999999/").status_code == 404


def test_run_now_puts_the_job_on_the_queue_for_the_chosen_date(personas, counter_jobs, huey_immediate, client_for):
    client = client_for(personas.director)
    assert 'id="run-now-form"' in client.get("/jobs/").content.decode()

    response = client.post("/jobs/run/", {"job": "tests.weekly", "for_date": "2026-11-25"}, follow=True)

    assert response.status_code == 200
    assert "已提交后台运行" in response.content.decode()
    run = JobRun.objects.get(job="tests.weekly")
    assert (run.period_key, run.status, run.trigger, run.triggered_by) == (
        date(2026, 11, 23), RunStatus.SUCCEEDED, Trigger.WEB, personas.director)


def test_run_now_with_force_runs_a_done_period_again(personas, counter_jobs, huey_immediate, client_for):
    services.run_job("tests.daily", DAY, trigger=Trigger.SCHEDULE)
    client = client_for(personas.admin)

    client.post("/jobs/run/", {"job": "tests.daily", "for_date": "2026-11-23"})
    assert len(counter_jobs["daily"].calls) == 1
    client.post("/jobs/run/", {"job": "tests.daily", "for_date": "2026-11-23", "force": "on"})
    assert len(counter_jobs["daily"].calls) == 2


def test_readers_may_not_run_jobs(personas, counter_jobs, huey_immediate, client_for):
    client = client_for(personas.rectification_office)
    assert 'id="run-now-form"' not in client.get("/jobs/").content.decode()

    response = client.post("/jobs/run/", {"job": "tests.daily", "for_date": "2026-11-23"})

    assert response.status_code == 403
    assert not JobRun.objects.exists()


def test_run_now_with_a_bad_date_says_so_in_chinese(personas, counter_jobs, huey_immediate, client_for):
    response = client_for(personas.director).post("/jobs/run/", {"job": "tests.daily", "for_date": "明天"}, follow=True)

    assert "未能提交" in response.content.decode()
    assert not JobRun.objects.exists()


def test_run_now_shows_the_queued_run_at_once_and_the_worker_takes_that_row(personas, counter_jobs, client_for):
    """立即运行 used to show nothing until the worker started (~5 s): the run is recorded as 排队中 first.
    Here the worker has not picked it up yet (the page is read before `run_job` runs, as a worker would)."""
    queued = services.queue_run("tests.daily", DAY, by=personas.director)
    client = client_for(personas.director)

    page = client.get("/jobs/").content.decode()
    progress = client.get(f"/jobs/runs/{queued.pk}/progress/", HTTP_HX_REQUEST="true")

    assert f'id="run-{queued.pk}"' in page and "排队中，等待后台进程" in page
    assert f'hx-get="/jobs/runs/{queued.pk}/progress/"' in page  # polled until the worker has run it
    assert "HX-Refresh" not in progress
    run = services.run_job("tests.daily", DAY, trigger=Trigger.WEB, by=personas.director)
    assert (run.pk, run.status, run.attempts, len(counter_jobs["daily"].calls)) == (queued.pk, RunStatus.SUCCEEDED, 1, 1)


def test_queueing_a_done_period_again_needs_force_and_leaves_a_running_one_alone(personas, counter_jobs):
    done = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    again = services.queue_run("tests.daily", DAY, by=personas.director)
    forced = services.queue_run("tests.daily", DAY, by=personas.director, force=True)
    twice = services.queue_run("tests.daily", DAY, by=personas.director, force=True)

    assert (again.pk, again.outcome, again.status) == (done.pk, "already_done", RunStatus.SUCCEEDED)
    assert (forced.outcome, forced.status) == ("ran", RunStatus.QUEUED)
    assert (twice.outcome, twice.status) == ("busy", RunStatus.QUEUED)


def test_the_home_page_lists_failed_runs_for_those_who_may_run_jobs(personas, counter_jobs, client_for):
    counter_jobs["weekly"].fail_with = RuntimeError("邮件服务器无响应")
    failed = services.run_job("tests.weekly", DAY, trigger=Trigger.CLI)
    services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    with time_machine.travel("2026-11-24 09:00 +0800", tick=False):
        director = client_for(personas.director).get("/workbench/")
        office = client_for(personas.rectification_office).get("/workbench/")

    shown = {s.section.key: s.content.context.get("runs") for s, _ in director.context["sections"]}
    assert [run.pk for run in shown["jobs.failed"]] == [failed.pk]
    assert f'href="/jobs/runs/{failed.pk}/"' in director.content.decode()
    assert "jobs.failed" not in [s.section.key for s, _ in office.context["sections"]]  # may read, not run jobs
