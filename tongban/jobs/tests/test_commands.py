"""`tongban jobs …` through call_command, and `tongban serve` as a real process."""
import os
import re
import signal
import subprocess
import time
import urllib.request
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from tongban.jobs.choices import RunStatus
from tongban.jobs.models import JobRun
from tongban.jobs.tests.processes import free_port, process_env, stop, tongban


def jobs(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("jobs", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_running_a_day_twice_does_no_work_twice(counter_jobs):
    code, out, _ = jobs("run", "daily", "--date", "2026-11-23")
    assert code == 0
    assert out.strip() == '已运行：计数任务（每日）（tests.daily） 周期 2026-11-23，结果：{"calls": 1, "for_date": "2026-11-23"}'

    code, out, _ = jobs("run", "daily", "--date", "2026-11-23")
    assert code == 0
    assert out.strip() == "已完成过，未重复运行：计数任务（每日）（tests.daily） 周期 2026-11-23"
    assert counter_jobs["daily"].calls == [date(2026, 11, 23)]


@pytest.mark.django_db
def test_a_failed_job_is_reported_and_the_command_exits_1(counter_jobs):
    counter_jobs["daily"].fail_with = RuntimeError("数据源不可用")

    code, out, err = jobs("run", "daily", "--date", "2026-11-23")

    assert code == 1
    assert "失败：计数任务（每日）（tests.daily） 周期 2026-11-23，错误：RuntimeError: 数据源不可用" in out
    assert "1 个任务运行失败" in err
    assert JobRun.objects.get().status == RunStatus.FAILED


@pytest.mark.django_db
def test_weekly_by_hand_is_keyed_on_the_weeks_first_workday(counter_jobs):
    code, out, _ = jobs("run", "weekly", "--date", "2026-10-09")

    assert code == 0
    assert "已运行：计数任务（每周）（tests.weekly） 周期 2026-10-08" in out
    assert counter_jobs["daily"].calls == []


@pytest.mark.django_db
def test_due_says_which_jobs_are_not_due_today(counter_jobs):
    code, out, _ = jobs("run", "due", "--date", "2026-11-24")

    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("已运行：计数任务（每日）")
    assert lines[1:] == ["跳过（今天不是运行日）：计数任务（每月）（tests.monthly）",
                         "跳过（今天不是运行日）：计数任务（每周）（tests.weekly）"]


@pytest.mark.django_db
def test_a_single_job_can_be_run_by_name_and_forced(counter_jobs):
    jobs("run", "tests.monthly", "--date", "2026-11-23")
    code, out, _ = jobs("run", "tests.monthly", "--date", "2026-11-23", "--force")

    assert code == 0
    assert out.startswith("已运行：计数任务（每月）（tests.monthly） 周期 2026-11-02")
    assert JobRun.objects.get(job="tests.monthly").attempts == 2


@pytest.mark.django_db
def test_an_unknown_job_name_is_refused_in_chinese(counter_jobs):
    code, _, err = jobs("run", "no.such.job", "--date", "2026-11-23")

    assert code == 2
    assert "没有名为“no.such.job”的任务或任务组。" in err


def test_list_shows_the_registered_jobs():
    code, out, _ = jobs("list")

    assert code == 0
    assert "notifications.weekly_digest\t每周\t每周未读消息邮件摘要" in out
    assert "notifications.purge_read\t每月\t清理半年前的已读消息" in out


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _login_status(url: str):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return None


def test_serve_starts_the_web_server_and_the_worker_and_stops_both(migrated_var_dir, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        serve = subprocess.Popen(tongban("serve", "--addr", f"127.0.0.1:{port}"), env=process_env(migrated_var_dir),
                                 stdout=output, stderr=subprocess.STDOUT)
    worker_pid = None
    try:
        banner = _wait_for(lambda: re.search(r"通办已启动：(\S+)  （任务进程 PID (\d+)）", log.read_text("utf-8")),
                           60, "the serve banner")
        assert banner.group(1) == f"http://127.0.0.1:{port}"
        worker_pid = int(banner.group(2))
        assert _pid_alive(worker_pid)
        if os.path.exists(f"/proc/{worker_pid}/cmdline"):
            assert b"run_huey" in open(f"/proc/{worker_pid}/cmdline", "rb").read()

        assert _wait_for(lambda: _login_status(f"http://127.0.0.1:{port}/login/"), 30, "/login/") == 200

        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=30) == 0
        _wait_for(lambda: not _pid_alive(worker_pid), 20, "the worker to stop")
        assert "通办已停止。" in log.read_text("utf-8")
    finally:
        stop(serve)
        if worker_pid and _pid_alive(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)


def test_serve_refuses_a_port_in_use_without_starting_a_worker(migrated_var_dir):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(tongban("serve", "--addr", f"127.0.0.1:{port}"), env=process_env(migrated_var_dir),
                              capture_output=True, text=True, timeout=60)

    assert done.returncode == 1
    assert f"端口 {port} 已被占用" in done.stderr
    assert "任务进程" not in done.stdout
