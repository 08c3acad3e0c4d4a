"""Uploaded import files waiting between preview and confirm.

The file is stored under MEDIA_ROOT/imports/ with a generated name (`<token><ext>`, never the user's
file name), and the uploader's session remembers the token with whatever the import needs (kind, the
original name, the target inspection …): only that user can continue it. A confirmed import deletes
its file; what was previewed and never confirmed is removed after `PENDING_UPLOAD_HOURS` (default 24)
by the daily job `core.remove_stale_uploads` (`tongban.jobs.jobs`).
"""
from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.http import Http404

SESSION_KEY = "pending_imports"
TOKEN = re.compile(r"[0-9a-f]{32}")
EXPIRED = "该导入已失效，请重新上传。"


def pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def keep_upload(request, upload, *, kind: str, ext: str, **data) -> str:
    """Store a checked upload under a generated name; return its token."""
    token = uuid.uuid4().hex
    folder = pending_dir()
    folder.mkdir(parents=True, exist_ok=True)
    upload.seek(0)
    with open(folder / f"{token}{ext}", "wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"kind": kind, "name": upload.name, "ext": ext, **data}
    request.session[SESSION_KEY] = pending
    return token


def pending_upload(request, token: str, kind: str) -> tuple[Path, dict]:
    """The waiting file and its session entry; 404 (in Chinese) for anything else."""
    entry = request.session.get(SESSION_KEY, {}).get(token) if TOKEN.fullmatch(token or "") else None
    if not entry or entry.get("kind") != kind:
        raise Http404(EXPIRED)
    path = pending_dir() / f"{token}{entry.get('ext', '')}"
    if not path.is_file():
        raise Http404(EXPIRED)
    return path, entry


def update_entry(request, token: str, **data) -> None:
    pending = request.session.get(SESSION_KEY, {})
    if token in pending:
        pending[token].update(data)
        request.session[SESSION_KEY] = pending


def forget(request, token: str, *, delete_file: bool = False) -> None:
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if delete_file and entry:
        (pending_dir() / f"{token}{entry.get('ext', '')}").unlink(missing_ok=True)


def remove_stale_uploads(*, now: float | None = None, hours: float | None = None) -> int:
    """Delete waiting files older than `hours` (default settings.PENDING_UPLOAD_HOURS): idempotent, a
    second run finds nothing left to do. Returns how many files were removed."""
    hours = settings.PENDING_UPLOAD_HOURS if hours is None else hours
    cutoff = (time.time() if now is None else now) - hours * 3600
    removed = 0
    folder = pending_dir()
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        if path.is_file() and TOKEN.fullmatch(path.stem) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
