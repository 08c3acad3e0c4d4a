"""`tongban serve --addr 127.0.0.1:8000`: the web server and the job worker together, for `make run`.

The job worker runs as a child process (`python -m tongban.cli worker`, Huey's consumer); the web server
is Django's threaded development server without the auto-reloader, in the foreground. When the server
stops (Ctrl-C, SIGTERM) the worker is asked to finish its current task — it waits at most
HUEY_SHUTDOWN_TIMEOUT seconds for it, then gives it up — and both processes end as soon as their work
has stopped, without the seconds an interpreter takes to tear a loaded Django down (`jobs.shutdown`).
Only a worker that does not stop at all is terminated, then killed, each after a bounded wait. On Linux
the worker is also told to exit if this process dies without cleaning up.
"""
from __future__ import annotations

import importlib.util
import io
import signal
import socket
import subprocess
import sys

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from tongban.jobs.shutdown import exit_now

# After SIGINT the worker needs its bounded wait for the task in hand plus the moment it takes to exit;
# this margin only matters for a worker that hangs, and is generous so that a busy machine never trips it.
STOP_MARGIN = 30
TERMINATE_WAIT = KILL_WAIT = 10


class _Runserver(RunserverCommand):
    """runserver announcing itself in Chinese once the socket is bound."""

    def __init__(self, announce, **kwargs):
        super().__init__(**kwargs)
        self.announce = announce

    def on_bind(self, server_port):
        self.announce(server_port)

    def get_handler(self, *args, **options):
        # settings.WSGI_APPLICATION names a module the project may not ship yet; the plain Django
        # application is the same thing (static files are served by WhiteNoise either way).
        module = settings.WSGI_APPLICATION.rpartition(".")[0]
        if importlib.util.find_spec(module) is None:
            return get_wsgi_application()
        return super().get_handler(*args, **options)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _split_addr(addr: str) -> tuple[str, int]:
    host, _, port = addr.rpartition(":")
    return (host.strip("[]") or "127.0.0.1"), int(port)


class Command(BaseCommand):
    help = "启动通办：网站与后台任务进程一起运行（按 Ctrl-C 停止）。"

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000")

    def handle(self, *args, addr: str, **options):
        try:
            host, port = _split_addr(addr)
        except ValueError:
            self.stderr.write(f"监听地址“{addr}”格式不对，应为 主机:端口，例如 127.0.0.1:8000")
            sys.exit(2)
        if not self._port_free(host, port):
            self.stderr.write(f"端口 {port} 已被占用：通办可能已在运行，或请用 --addr 换一个端口。")
            sys.exit(1)
        self._warn_unapplied_migrations()

        from huey.contrib.djhuey import HUEY

        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        consumer = None
        code = 0
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            consumer = None if HUEY.immediate else self._start_consumer()
            worker = f"任务进程 PID {consumer.pid}" if consumer else "任务立即执行模式，无独立任务进程"

            def announce(_port):
                self.stdout.write(f"通办已启动：{url}  （{worker}）")
                self.stdout.write("按 Ctrl-C 停止。")
                self.stdout.flush()

            call_command(_Runserver(announce), f"{host}:{port}" if ":" not in host else f"[{host}]:{port}",
                         use_reloader=False, use_threading=True, stdout=io.StringIO())
        except KeyboardInterrupt:
            pass
        except SystemExit as stopped:  # SIGTERM, or runserver's own exit after Ctrl-C
            code = stopped.code if isinstance(stopped.code, int) else (0 if stopped.code is None else 1)
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # stopping now: a second SIGTERM must not cut it short
            if consumer:
                self.stdout.write(self._stop(consumer))
            self.stdout.write("通办已停止。")
            signal.signal(signal.SIGTERM, previous)
        if getattr(self, "_called_from_command_line", False):
            exit_now(code)
        if code:
            sys.exit(code)

    def _start_consumer(self) -> subprocess.Popen:
        preexec = _die_with_parent if sys.platform.startswith("linux") else None
        return subprocess.Popen([sys.executable, "-m", "tongban.cli", "worker"], preexec_fn=preexec)

    @staticmethod
    def _stop(consumer: subprocess.Popen) -> str:
        """SIGINT (the worker finishes the task in hand within its bounded wait, then exits); only a
        worker still running after that is sent SIGTERM, then SIGKILL. Says which way it stopped."""
        graceful_wait = (settings.HUEY.get("consumer", {}).get("shutdown_timeout") or 0) + STOP_MARGIN
        for sig, wait in ((signal.SIGINT, graceful_wait), (signal.SIGTERM, TERMINATE_WAIT), (signal.SIGKILL, KILL_WAIT)):
            if consumer.poll() is not None:
                break
            consumer.send_signal(sig)
            try:
                consumer.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            if sig == signal.SIGINT:
                return "任务进程已停止。"
            return f"任务进程未在 {graceful_wait:g} 秒内停止，已强制结束。"
        if consumer.poll() is None:
            return f"任务进程（PID {consumer.pid}）未能结束，请手动结束。"
        return "任务进程已停止。"

    @staticmethod
    def _port_free(host: str, port: int) -> bool:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                return False
        return True

    def _warn_unapplied_migrations(self) -> None:
        connection = connections["default"]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        connection.close()
        if plan:
            self.stderr.write(f"注意：有 {len(plan)} 个数据库迁移尚未执行，请先运行 tongban migrate。")
