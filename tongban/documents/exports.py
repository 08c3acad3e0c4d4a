"""Exports: small ones are written during the request, large ones by the worker with a progress bar.

    from tongban.documents import exports

    exports.register("rectification.list", write_list)       # in AppConfig.ready()

    def write_list(export, target, progress) -> int:         # on the worker, or in the request
        ...                                                  # rebuild the rows from export.params and
        return list_workbook(spec, rows, target, progress=progress)   # export.by's scope; stream them

    return exports.respond(request, kind="rectification.list", title="任务清单", file_name="任务清单.xlsx",
                           params={...}, rows=count)

`respond` writes the file at once when `rows` is at most `settings.EXPORT_ASYNC_ROWS` (a download), and
otherwise records an `Export`, queues it (`tasks.run_export_task`) and sends the user to its page, which
polls the progress and offers the file when it is done. The exporter rebuilds its rows from `params` and
the requester's scope on the worker, so a queued export never holds more than its requester may see.
Files live under MEDIA_ROOT/exports/ and are served only to their requester; the daily job
`documents.purge_exports` removes them after `EXPORT_KEEP_DAYS` days.
"""
from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from tongban.documents.models import Export, ExportStatus

logger = logging.getLogger("tongban.documents")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Exporter = Callable[[Export, object, Callable[[int], None]], int]

_exporters: dict[str, Exporter] = {}


def register(kind: str, exporter: Exporter) -> None:
    """`exporter(export, target, progress)` writes the file into `target` (a path or a binary file),
    calls `progress(rows_written)` now and then, and returns the number of rows."""
    _exporters[kind] = exporter


def respond(request, *, kind: str, title: str, file_name: str, params: dict, rows: int) -> HttpResponse:
    """The export as a download, or (above EXPORT_ASYNC_ROWS rows) queued for the worker."""
    export = Export(kind=kind, title=title, file_name=file_name, params=params, by=request.user,
                    progress_total=rows)
    if rows <= settings.EXPORT_ASYNC_ROWS:
        buffer = io.BytesIO()
        _exporters[kind](export, buffer, lambda done: None)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
        return response
    export.save()
    from tongban.documents.tasks import run_export_task

    run_export_task(export.pk)
    return redirect(export)


def run_export(export_id: int) -> Export | None:
    """Write the export's file on the worker, reporting progress; a run already claimed is left alone."""
    if not Export.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(status=ExportStatus.RUNNING):
        return Export.objects.filter(pk=export_id).first()
    export = Export.objects.select_related("by").get(pk=export_id)
    relative = f"exports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.xlsx"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        rows = _exporters[export.kind](export, target, lambda done: export.set_progress(done))
    except Exception as exc:
        logger.exception("export %s failed", export_id)
        target.unlink(missing_ok=True)
        _finish(export, ExportStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
    else:
        _finish(export, ExportStatus.SUCCEEDED, path=relative, rows=rows, progress_done=rows)
    return export


def file_path(export: Export) -> Path | None:
    if export.status != ExportStatus.SUCCEEDED or not export.path:
        return None
    path = Path(settings.MEDIA_ROOT) / export.path
    return path if path.is_file() else None


def purge(before: date) -> dict:
    """Delete the files and records of exports made before `before` (Asia/Shanghai)."""
    cutoff = timezone.make_aware(datetime.combine(before, time.min))
    old = Export.objects.filter(created_at__lt=cutoff)
    removed = 0
    for relative in old.exclude(path="").values_list("path", flat=True):
        path = Path(settings.MEDIA_ROOT) / relative
        if path.is_file():
            path.unlink()
            removed += 1
    deleted, _ = old.delete()
    return {"deleted": deleted, "files": removed}


def keep_until(for_date: date) -> date:
    return for_date - timedelta(days=settings.EXPORT_KEEP_DAYS)


def _finish(export: Export, status: str, **changes) -> None:
    changes.update(status=status, finished_at=timezone.now())
    for name, value in changes.items():
        setattr(export, name, value)
    export.save(update_fields=[*changes, "updated_at"])
