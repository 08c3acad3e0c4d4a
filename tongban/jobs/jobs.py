"""Housekeeping of the platform itself (the apps register their own jobs in their jobs.py)."""
from __future__ import annotations

from datetime import date

from tongban.core.pending_uploads import remove_stale_uploads
from tongban.jobs.registry import job


@job("core.remove_stale_uploads", frequency="daily", title="清理未确认的导入文件")
def remove_stale_import_uploads(run, for_date: date) -> dict:
    """Import files uploaded and previewed but never confirmed, older than PENDING_UPLOAD_HOURS
    (default a day). Idempotent: a second run finds nothing older to remove."""
    return {"removed": remove_stale_uploads()}
