"""A task that holds its worker until the test lets it go, for the shutdown tests of `tongban serve`.

The worker imports this module when HUEY_EXTRA_TASK_MODULES names it; the test enqueues the task from a
`tongban shell` that imports it too. Files are the events: `started` when the task is running, `finished`
once it has been let go (by `release` appearing)."""
from __future__ import annotations

import time
from pathlib import Path

from huey.contrib.djhuey import db_task

HOLD_AT_MOST = 600  # seconds: a task left running by a failed test still ends


@db_task()
def hold_worker(started: str, release: str, finished: str) -> None:
    Path(started).write_text("started")
    deadline = time.monotonic() + HOLD_AT_MOST
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    Path(finished).write_text("finished")
