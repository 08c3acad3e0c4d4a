"""Putting a Huey task on the queue from a write: `enqueue_on_commit(task, *args, **kwargs)`.

A service that writes rows for the worker (seal requests, channel messages, measures to re-scan) queues the
task once its transaction has committed — never before, so the worker cannot look for rows that are not there
yet, and never after a rollback, so it is not asked to work on rows that never existed. When the queue cannot
be reached (Redis down, the SQLite queue file locked) the error is logged on `tongban.jobs` and swallowed: the
request that made the change still succeeds, and each caller has a retry job that takes up the rows the queue
lost (the five-minute tasks `licences.tasks.retry_seal_requests` and `notifications.tasks.retry_channel_messages`,
the daily job `rectification.scan_signals`)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

logger = logging.getLogger("tongban.jobs")


def enqueue_on_commit(task: Callable, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` (a Huey task) after the current transaction commits — at once outside one —
    and never on rollback; a queue that is down is logged, not raised."""
    transaction.on_commit(partial(_enqueue, task, args, kwargs))


def _enqueue(task: Callable, args: tuple, kwargs: dict) -> None:
    try:
        task(*args, **kwargs)
    except Exception:  # the queue is down: the caller's retry job takes it up later
        logger.exception("could not queue %s%s", _name(task), _described(args))


def _name(task: Callable) -> str:
    function = getattr(task, "func", task)  # a Huey TaskWrapper keeps the decorated function
    module, name = getattr(function, "__module__", ""), getattr(function, "__qualname__", None)
    return f"{module}.{name}" if name else repr(task)


def _described(args: tuple) -> str:
    """"for 3 id(s)" when the first argument is a list of ids (what the callers pass), else nothing."""
    first = args[0] if args else None
    return f" for {len(first)} id(s)" if isinstance(first, (list, tuple, set)) else ""
