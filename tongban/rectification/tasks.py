"""Huey tasks of the rectification app (the consumer imports this module)."""
from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def import_ledger_task(run_id: int) -> None:
    """The web ledger import's confirm step, off the request: progress on the `ImportRun`."""
    from tongban.rectification.importing import run_import

    run_import(run_id)
