"""The page flow the workbook imports share (org, catalogue): upload → check only (the file waits, under
a generated name) → confirm with the conflicts the user chose to settle with the file's values; or
upload and import at once. The apps pass their import function; this module knows no domain."""
from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib import messages

from tongban.core.import_snapshots import TakeFileValues
from tongban.core.pending_uploads import forget, keep_upload, pending_upload
from tongban.core.uploads import extension

KEY = re.compile(r"[^\s]{1,200}")


def take_file_values(data) -> TakeFileValues:
    """The conflicts ticked on the page ("单位:center:phone"), or all of them."""
    return TakeFileValues(all=data.get("take_all") == "1",
                          fields=frozenset(k for k in data.getlist("take") if KEY.fullmatch(k)))


def workbook_import(request, form, *, kind: str, run: Callable, rejected: type[Exception]) -> dict:
    """Handle the import page's POST; return the template context (form, report, errors, token).

    `run(source, *, name, dry_run, take)` imports (or checks) an upload or a waiting file's path and
    returns a report with `summary()`; it raises `rejected` (with `.errors` and `.message`) for a file
    it refuses."""
    context = {"form": form, "report": None, "errors": [], "token": None}
    if request.method != "POST":
        return context
    take = take_file_values(request.POST)
    token = request.POST.get("token", "")
    try:
        if token:
            path, entry = pending_upload(request, token, kind)
            report = run(str(path), name=entry["name"], dry_run=False, take=take)
            forget(request, token, delete_file=True)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            report = run(upload, name=upload.name, dry_run=dry_run, take=take)
            if dry_run:
                context["token"] = keep_upload(request, upload, kind=kind, ext=extension(upload.name))
        else:
            return context
    except rejected as refused:
        context["errors"] = refused.errors
        messages.error(request, refused.message)
        return context
    context["report"] = report
    messages.success(request, report.summary())
    return context
