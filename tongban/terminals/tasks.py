"""Huey: the fault scan every 15 minutes (the consumer imports this module)."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def detect_terminal_faults() -> None:
    from tongban.terminals.services import detect_faults

    detect_faults()
