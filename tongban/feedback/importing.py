"""12345 work orders from the hotline platform's export (CSV or a spreadsheet), on the ledger import's
machinery (docs/decisions/0004-imports.md): the upload check and the spreadsheet reader from `core`, the
pending upload between preview and confirm, `core.ImportSnapshot` to keep what people edited here.

The preview guesses which column is which from the header (the names platforms use), lets the user change
it, and lists every bad row with its row number; the confirm writes all rows or none. Idempotent by order
number: a second import of the same export changes nothing, and never moves an order's handling state.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from tongban.core import pending_uploads
from tongban.core.spreadsheets import SPREADSHEET_TYPES, read_workbook
from tongban.core.text import parse_int
from tongban.core.uploads import check_upload
from tongban.feedback import services
from tongban.feedback.choices import HotlineUrgency
from tongban.feedback.models import Complaint

KIND = "feedback.hotline"
FIELDS = {  # field: (label, header names the platforms use)
    "order_number": ("工单号", ("工单号", "工单编号", "工单号码", "编号")),
    "title": ("标题", ("标题", "诉求标题", "工单标题", "主题")),
    "content": ("诉求内容", ("诉求内容", "内容", "来电内容", "问题描述")),
    "name": ("来电人", ("来电人", "姓名", "诉求人", "联系人")),
    "phone": ("联系电话", ("联系电话", "电话", "来电号码", "手机")),
    "urgency": ("紧急程度", ("紧急程度", "办理类型", "工单类型", "缓急程度")),
    "received_at": ("来电时间", ("来电时间", "受理时间", "登记时间", "派单时间")),
}
REQUIRED = ("order_number", "title", "content")
URGENCY = {"一般": HotlineUrgency.ORDINARY, "普通": HotlineUrgency.ORDINARY, "复杂": HotlineUrgency.COMPLEX,
           "疑难": HotlineUrgency.COMPLEX, "紧急": HotlineUrgency.URGENT, "加急": HotlineUrgency.URGENT}


def read_table(data: bytes, name: str) -> list[list[str]]:
    """Rows of the file as text: CSV (UTF-8 or GB18030, as Excel in China saves it) or any spreadsheet."""
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 Excel 格式。", code="feedback_import_encoding")
        rows = list(csv.reader(io.StringIO(text)))
    else:
        sheet = read_workbook(data, name=name)[0]
        rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.rows]
    return [[cell.strip() for cell in row] for row in rows if any((cell or "").strip() for cell in row)]


def guess_mapping(header: list[str]) -> dict[str, int | None]:
    mapping: dict[str, int | None] = {}
    for key, (_, names) in FIELDS.items():
        mapping[key] = next((i for i, cell in enumerate(header) if cell in names), None)
    return mapping


@dataclass
class Preview:
    header: list[str]
    mapping: dict[str, int | None]
    orders: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new: int = 0
    existing: int = 0


def _parse_time(text: str):
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return timezone.make_aware(datetime.strptime(text, pattern))
        except ValueError:
            continue
    return None


def preview(rows: list[list[str]], mapping: dict[str, int | None] | None = None) -> Preview:
    """Read every row against the mapping; bad rows are listed with their row numbers (the header is row 1)."""
    if not rows:
        return Preview([], {}, errors=["文件是空的。"])
    header = rows[0]
    mapping = mapping or guess_mapping(header)
    result = Preview(header, mapping)
    missing = [FIELDS[key][0] for key in REQUIRED if mapping.get(key) is None]
    if missing:
        result.errors.append(f"请指定这些列：{'、'.join(missing)}。")
        return result
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        def cell(key):
            index = mapping.get(key)
            return row[index] if index is not None and index < len(row) else ""
        order = {key: cell(key) for key in FIELDS}
        problems = [f"“{FIELDS[key][0]}”为空" for key in REQUIRED if not order[key]]
        if order["order_number"] in seen:
            problems.append(f"工单号“{order['order_number']}”在文件中重复")
        seen.add(order["order_number"])
        if order["urgency"] and order["urgency"] not in URGENCY:
            problems.append(f"紧急程度“{order['urgency']}”无法识别（一般 / 复杂 / 紧急）")
        received = _parse_time(order["received_at"]) if order["received_at"] else None
        if order["received_at"] and received is None:
            problems.append(f"来电时间“{order['received_at']}”无法识别")
        if problems:
            result.errors.append(f"第 {number} 行：{'；'.join(problems)}。")
            continue
        order["urgency"] = URGENCY.get(order["urgency"], HotlineUrgency.ORDINARY)
        order["received_at"] = received
        result.orders.append(order)
    known = set(Complaint.objects.filter(order_number__in=[o["order_number"] for o in result.orders])
                .values_list("order_number", flat=True))
    result.existing = len(known)
    result.new = len(result.orders) - len(known)
    return result


def run(result: Preview, *, by) -> dict:
    """All rows or none."""
    if result.errors:
        raise ValidationError(result.errors[0], code="feedback_import_errors")
    created = 0
    with transaction.atomic():
        for order in result.orders:
            _, was_created = services.receive_hotline_order(**order, by=by)
            created += was_created
    return {"created": created, "updated": len(result.orders) - created}


# --- The page: upload → preview (mapping, row errors) → confirm --------------------------------------------

def _mapping_from(request, header: list[str]) -> dict[str, int | None]:
    mapping = {}
    for key in FIELDS:
        value = request.POST.get(f"map_{key}", "")
        mapping[key] = parse_int(value, min=0, max=len(header) - 1)
    return mapping


def import_view(request):
    token = request.POST.get("token", "")
    if request.method == "POST" and "file" in request.FILES:
        upload = request.FILES["file"]
        try:
            if upload.name.lower().endswith(".csv"):
                if upload.size > settings.UPLOAD_MAX_BYTES or not upload.size:
                    raise ValidationError("文件为空或过大。", code="feedback_import_size")
                ext = ".csv"
            else:
                ext = check_upload(upload, SPREADSHEET_TYPES)
            upload.seek(0)
            rows = read_table(upload.read(), upload.name)
        except ValidationError as exc:
            return render(request, "feedback/hotline_import.html", {"error": " ".join(exc.messages)}, status=400)
        token = pending_uploads.keep_upload(request, upload, kind=KIND, ext=ext)
        return _preview_page(request, token, rows, None)
    if request.method == "POST" and token:
        path, entry = pending_uploads.pending_upload(request, token, KIND)
        rows = read_table(path.read_bytes(), entry["name"])
        mapping = _mapping_from(request, rows[0] if rows else [])
        result = preview(rows, mapping)
        if "confirm" not in request.POST or result.errors:
            return _preview_page(request, token, rows, mapping, status=400 if "confirm" in request.POST else 200)
        summary = run(result, by=request.user)
        pending_uploads.forget(request, token, delete_file=True)
        messages.success(request, f"已导入 12345 工单：新增 {summary['created']} 件，已有 {summary['updated']} 件（未被修改的内容已按文件更新）。")
        return redirect("feedback:complaint_list")
    return render(request, "feedback/hotline_import.html", {"error": ""})


def _preview_page(request, token, rows, mapping, status=200):
    result = preview(rows, mapping)
    return render(request, "feedback/hotline_preview.html", {
        "token": token, "result": result, "fields": [(key, label, result.mapping.get(key)) for key, (label, _) in FIELDS.items()],
        "columns": list(enumerate(result.header)),
        # the urgency by its name (一般 / 复杂 / 紧急), never its code
        "sample": [{**order, "urgency_label": HotlineUrgency(order["urgency"]).label} for order in result.orders[:10]],
    }, status=status)
