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


# Waits are on events (a line in the log, a page answering, a file appearing, a process gone), each
# bounded so a broken build cannot hang the suite; the bounds are far beyond what any machine needs, so
# how busy the machine is never decides whether a test passes.
BOUND = 300


def _wait_for(predicate, what: str, timeout: float = BOUND):
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
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except OSError:
        return None


class Serve:
    """`tongban serve` as a real process, its output in a log file."""

    def __init__(self, var_dir, tmp_path, **env):
        self.port = free_port()
        self.log = tmp_path / "serve.log"
        self.env = process_env(var_dir, **env)
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(tongban("serve", "--addr", f"127.0.0.1:{self.port}"), env=self.env,
                                            stdout=output, stderr=subprocess.STDOUT)
        self.worker_pid = None

    def text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def wait_until_up(self) -> None:
        banner = _wait_for(lambda: re.search(r"通办已启动：(\S+)  （任务进程 PID (\d+)）", self.text()), "the serve banner")
        assert banner.group(1) == f"http://127.0.0.1:{self.port}"
        self.worker_pid = int(banner.group(2))
        assert _wait_for(lambda: _login_status(f"http://127.0.0.1:{self.port}/login/"), "/login/") == 200

    def interrupt_and_wait(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"serve did not stop:\n{self.text()[-3000:]}")

    def close(self) -> None:
        stop(self.process)
        if self.worker_pid and _pid_alive(self.worker_pid):
            os.kill(self.worker_pid, signal.SIGKILL)


@pytest.fixture
def serve(migrated_var_dir, tmp_path):
    started = []

    def start(**env) -> Serve:
        started.append(Serve(migrated_var_dir, tmp_path, **env))
        return started[-1]

    yield start
    for process in started:
        process.close()


def _hold_a_worker(serve: Serve, tmp_path) -> dict:
    """Enqueue `blocking_tasks.hold_worker` and wait until the worker is running it."""
    files = {name: tmp_path / name for name in ("started", "release", "finished")}
    enqueue = ("from tongban.jobs.tests.blocking_tasks import hold_worker; "
               f"hold_worker({str(files['started'])!r}, {str(files['release'])!r}, {str(files['finished'])!r})")
    done = subprocess.run(tongban("shell", "-c", enqueue), env=serve.env, capture_output=True, text=True, timeout=BOUND)
    assert done.returncode == 0, done.stderr[-2000:]
    _wait_for(files["started"].exists, "the worker to start the task")
    return files


def test_serve_starts_the_web_server_and_the_worker_and_stops_both(serve):
    server = serve()
    server.wait_until_up()
    assert _pid_alive(server.worker_pid)
    if os.path.exists(f"/proc/{server.worker_pid}/cmdline"):
        assert b"worker" in open(f"/proc/{server.worker_pid}/cmdline", "rb").read()

    assert server.interrupt_and_wait() == 0
    _wait_for(lambda: not _pid_alive(server.worker_pid), "the worker to stop")
    assert "任务进程已停止。" in server.text() and "强制结束" not in server.text()
    assert "通办已停止。" in server.text()


TASKS = "tongban.jobs.tests.blocking_tasks"


def test_a_worker_busy_with_a_long_task_is_interrupted_after_the_bounded_wait(serve, tmp_path):
    """Whatever the worker is doing, stopping takes at most the bounded wait (HUEY_SHUTDOWN_TIMEOUT):
    the worker gives up the task in hand and exits by itself; it is not left to be killed."""
    server = serve(HUEY_SHUTDOWN_TIMEOUT="2", HUEY_EXTRA_TASK_MODULES=TASKS)
    server.wait_until_up()
    files = _hold_a_worker(server, tmp_path)

    assert server.interrupt_and_wait() == 0
    assert not files["finished"].exists()  # the task was still running: it was interrupted, not awaited
    assert "Shutdown timeout of 2.0s elapsed" in server.text()
    assert "任务进程已停止。" in server.text() and "强制结束" not in server.text()
    _wait_for(lambda: not _pid_alive(server.worker_pid), "the worker to stop")


def test_the_task_in_hand_is_finished_when_it_ends_within_the_bounded_wait(serve, tmp_path):
    server = serve(HUEY_SHUTDOWN_TIMEOUT=str(BOUND), HUEY_EXTRA_TASK_MODULES=TASKS)
    server.wait_until_up()
    files = _hold_a_worker(server, tmp_path)

    server.process.send_signal(signal.SIGINT)
    _wait_for(lambda: "Shutting down gracefully" in server.text(), "the worker to begin its graceful stop")
    files["release"].write_text("go")  # the task can now end: the worker must let it
    assert server.process.wait(timeout=BOUND) == 0
    assert files["finished"].read_text() == "finished"
    assert "任务进程已停止。" in server.text() and "Shutdown timeout" not in server.text()


def test_serve_refuses_a_port_in_use_without_starting_a_worker(migrated_var_dir):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(tongban("serve", "--addr", f"127.0.0.1:{port}"), env=process_env(migrated_var_dir),
                              capture_output=True, text=True, timeout=BOUND)

    assert done.returncode == 1
    assert f"端口 {port} 已被占用" in done.stderr
    assert "任务进程" not in done.stdout
