"""Daily: remove export files older than EXPORT_KEEP_DAYS."""
from __future__ import annotations

from datetime import date

from tongban.documents import exports
from tongban.jobs.registry import job


@job("documents.purge_exports", frequency="daily", title="清理过期的导出文件")
def purge_exports(run, for_date: date) -> dict:
    return exports.purge(exports.keep_until(for_date))
