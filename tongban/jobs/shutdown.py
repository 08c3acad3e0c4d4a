"""Ending a long-running tongban process (`serve`, `worker`) promptly once its work is done.

A Python process with Django and the whole project loaded spends seconds tearing its interpreter down
(modules, memory) after its last line has run; on a busy machine that took `tongban serve` past 30 s after
Ctrl-C. When such a process has stopped its work cleanly there is nothing left for that teardown to do: the
output is flushed, logging is shut down, the database connections are closed, and the process ends at once.
"""
from __future__ import annotations

import logging
import os
import sys

from django.db import connections


def exit_now(code: int = 0) -> None:
    """Flush, close, and end the process with `code` without the interpreter's teardown."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    logging.shutdown()
    connections.close_all()
    os._exit(code)
