"""The page of a queued export: its progress (polled), then its download — for its requester only."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from tongban.documents.exports import XLSX, file_path
from tongban.documents.models import Export
from tongban.org.scopes import get_visible_or_404


@login_required
def export_page(request, pk: int):
    export = get_visible_or_404(Export, request.user, pk=pk)
    return render(request, "documents/export.html", {"export": export})


@login_required
def export_progress(request, pk: int):
    export = get_visible_or_404(Export, request.user, pk=pk)
    return render(request, "documents/_export_progress.html", {"export": export})


@login_required
def export_download(request, pk: int):
    export = get_visible_or_404(Export, request.user, pk=pk)
    path = file_path(export)
    if path is None:
        raise Http404("文件尚未生成或已清理，请重新导出。")
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.file_name, content_type=XLSX)
