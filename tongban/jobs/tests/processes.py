"""Helpers for tests that start real `tongban` processes (migrate, run_huey, serve)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a child `tongban`: its own SQLite database and Huey queue under `var_dir`.

    DATABASE_URL is dropped (the children never touch the suite's database); REDIS_URL is kept, so
    when CI sets it the queue is Redis, isolated by a queue name of its own.
    """
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "HUEY_IMMEDIATE"}}
    env.update({
        "TONGBAN_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "tongban.settings",
        "HUEY_NAME": f"tongban-test-{uuid.uuid4().hex[:12]}",
        "HUEY_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra,
    })
    return env


def tongban(*args: str) -> list[str]:
    return [sys.executable, "-m", "tongban.cli", *args]


def stop(process: subprocess.Popen) -> None:
    """Always end a child we started: politely, then firmly."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
