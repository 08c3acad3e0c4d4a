"""Huey tasks of the rectification app (the consumer imports this module)."""
from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def import_ledger_task(run_id: int) -> None:
    """The web ledger import's confirm step, off the request: progress on the `ImportRun`; the changes
    are recorded as the uploader's."""
    from tongban.core.audit import acting_as
    from tongban.rectification.importing import run_import
    from tongban.rectification.models import ImportRun

    run = ImportRun.objects.filter(pk=run_id).select_related("by").first()
    with acting_as(run.by if run else None):
        run_import(run_id)


@db_task()
def scan_signals_task(measure_ids: list[int]) -> None:
    """After a change (on commit): fingerprint the new files and re-compute the signals of these measures."""
    from tongban.rectification.signals import scan

    scan(measure_ids)
