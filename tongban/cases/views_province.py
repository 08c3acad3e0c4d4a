"""The provincial platform's pages (cases/province.py): upload → preview (column mapping, errors by row, what a
re-import changes, conflicts to settle) → confirm once; and the export in the same layout. For the centre's
leaders and administrators (`cases.exchange_province`)."""
from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from tongban.cases.forms import ProvinceExportForm, ProvinceUploadForm
from tongban.cases.views import _render, _require
from tongban.core.import_views import take_file_values
from tongban.core.pending_uploads import forget, keep_upload, pending_upload
from tongban.core.text import parse_int

KIND = "cases.province"
PERM = "cases.exchange_province"


def _column_overrides(data) -> dict[str, int | None]:
    from tongban.cases.province import FIELD_LABELS

    overrides: dict[str, int | None] = {}
    for name in FIELD_LABELS:
        raw = data.get(f"map_{name}")
        if raw is not None:
            overrides[name] = parse_int(raw, min=0, max=99_999)
    return overrides


@login_required
def province_import(request):
    """Step 1: the upload (the one upload check: type by content, size, a workbook's unpacked size); it
    waits under a generated name until confirmed; and the export form."""
    from tongban.cases.province import check_upload
    from tongban.core.uploads import extension

    _require(request, PERM)
    form = ProvinceUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            token = keep_upload(request, upload, kind=KIND, ext=extension(upload.name))
            return redirect("cases:province_preview", token=token)
    return _render(request, "cases/province_import.html", {"form": form, "export_form": ProvinceExportForm()})


@login_required
def province_preview(request, token: str):
    """Step 2: the detected header and the mapping (changeable), every error by row, the counts of a dry run,
    each field a re-import would change; step 3 (POST confirm): the import, once."""
    from tongban.cases.province import FIELD_LABELS, import_province, parse_province

    _require(request, PERM)
    data = request.POST if request.method == "POST" else request.GET
    path, entry = pending_upload(request, token, KIND)
    overrides = _column_overrides(data)
    take = take_file_values(data)
    parsed = parse_province(str(path), name=entry["name"], column_overrides=overrides or None)
    confirm = request.method == "POST" and data.get("confirm") == "1"
    result = import_province(parsed, by=request.user, dry_run=not confirm, take_file_values=take)
    if confirm and result.ok:
        forget(request, token, delete_file=True)
        messages.success(request, result.summary())
        return redirect("cases:province_import")
    mapping = [{"field": name, "label": label, "column": parsed.mapping.get(name)} for name, label in FIELD_LABELS.items()]
    return _render(request, "cases/province_preview.html", {
        "token": token, "entry": entry, "parsed": parsed, "result": result, "mapping": mapping, "take": take,
        "columns": list(enumerate(parsed.columns)), "rows": parsed.rows[:50],
    })


@login_required
def province_export(request):
    """The cases received in a date range, one row per event with its BLZT code."""
    from tongban.cases.province import export_province

    _require(request, PERM)
    form = ProvinceExportForm(request.GET or None)
    if not form.is_valid():
        return _render(request, "cases/province_import.html", {"form": ProvinceUploadForm(), "export_form": form},
                       status=400)
    start, end, kind = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["format"]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"export.{kind}"
        export_province(start, end, target, user=request.user)
        content = target.read_bytes()
    types = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    response = HttpResponse(content, content_type=types[kind])
    name = f"办件过程信息_{start:%Y%m%d}-{end:%Y%m%d}.{kind}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response



