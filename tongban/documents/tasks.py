"""Huey tasks of the documents app (the consumer imports this module)."""
from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def run_export_task(export_id: int) -> None:
    """A large export, off the request: progress on the `Export`, the file under MEDIA_ROOT/exports/."""
    from tongban.documents.exports import run_export

    run_export(export_id)
