"""Import of licences issued elsewhere (Excel or CSV): one row per licence, keyed by 证照编号, all-or-nothing
with row numbers, a check-only run first (the shared page flow `core.import_views.workbook_import`),
idempotent (the same file twice changes nothing). A licence revoked or replaced here keeps that status: the
file never brings a licence back to life."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core.error_codes import ErrorCode, service_error
from tongban.core.spreadsheets import read_bytes, read_workbook
from tongban.core.uploads import check_workbook_upload, extension
from tongban.history.services import record_events
from tongban.licences.choices import HolderKind, LicenceSource, LicenceStatus
from tongban.licences.models import Licence
from tongban.licences.services import ImportReport

COLUMNS = {  # header → field
    "证照编号": "number", "证照类型": "kind", "证照名称": "title", "持证主体": "holder_name",
    "持证主体类型": "holder_kind", "证件号码": "holder_id", "发证机关": "issuer_name", "发证日期": "issued_on",
    "有效期自": "valid_from", "有效期至": "valid_until",
}
REQUIRED = ("number", "kind", "holder_name", "holder_id", "issuer_name", "issued_on")
HOLDER_KINDS = {"自然人": HolderKind.PERSON, "个人": HolderKind.PERSON, "法人": HolderKind.ORGANISATION,
                "法人或其他组织": HolderKind.ORGANISATION, "企业": HolderKind.ORGANISATION}
COMPARED = ("kind_id", "title", "holder_kind", "holder_name", "holder_id", "issuer_name", "issued_on", "valid_from",
            "valid_until")


class ImportRejected(Exception):
    """Nothing was written. `errors`: [{sheet, row, column, message, code}]."""

    def __init__(self, errors: list[dict], message: str | None = None):
        self.errors = errors
        self.message = message or f"文件有 {len(errors)} 处错误，未导入任何证照。"
        super().__init__(self.message)


def _refuse_file(message: str, code: str) -> ImportRejected:
    return ImportRejected([{"sheet": "", "row": "", "column": "", "message": message, "code": code}], message)


def check_csv_upload(upload) -> None:
    name = PurePath(upload.name or "").name
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise service_error(ErrorCode.FILE_TOO_LARGE, size_mb=f"{upload.size / 1048576:.1f}",
                            limit_mb=settings.UPLOAD_MAX_BYTES // 1048576)
    if not upload.size:
        raise service_error(ErrorCode.UPLOAD_EMPTY, name=name)


def import_upload(upload, *, dry_run: bool = False, by=None, unit=None, **_) -> ImportReport:
    """The upload check (type by content, size, unpacked size) first, then the import."""
    try:
        if extension(upload.name) == ".csv":
            check_csv_upload(upload)
        else:
            check_workbook_upload(upload)
    except ValidationError as exc:
        raise _refuse_file(exc.messages[0], exc.code)
    return import_licences(upload, name=upload.name, dry_run=dry_run, by=by, unit=unit)


def _rows(source, name: str) -> tuple[str, list[list]]:
    if extension(name) == ".csv":
        data, _ = read_bytes(source)
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise _refuse_file("CSV 文件的编码无法识别，请另存为 UTF-8。", "licence_import_encoding")
        if "\x00" in text:
            raise _refuse_file("CSV 文件内容无效（含空字符）。", "licence_import_encoding")
        return "CSV", [row for row in csv.reader(io.StringIO(text))]
    try:
        sheets = read_workbook(source, name=name)
    except ValidationError as exc:
        raise _refuse_file(exc.messages[0], exc.code)
    if not sheets:
        raise _refuse_file("文件中没有工作表。", "licence_import_empty")
    return sheets[0].name, sheets[0].rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))


def import_licences(source, *, name: str, dry_run: bool = False, by=None, unit=None, take=None) -> ImportReport:
    from tongban.catalog.models import MaterialIdentity

    sheet, rows = _rows(source, name)
    if not rows:
        raise _refuse_file("文件是空的。", "licence_import_empty")
    header = [_text(h) for h in rows[0]]
    columns = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
    missing = [h for h, f in COLUMNS.items() if f in REQUIRED and f not in columns]
    if missing:
        raise _refuse_file(f"缺少列：{'、'.join(missing)}（表头见导入模板）。", "licence_import_columns")
    kinds = {}
    for identity in MaterialIdentity.objects.all().only("pk", "code", "name"):
        kinds[identity.code] = kinds[identity.name] = identity
    errors, parsed, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        values = {f: row[i] if i < len(row) else None for f, i in columns.items()}
        if not any(_text(v) for v in values.values()):
            continue

        def fail(field, message):
            header_name = next(h for h, f in COLUMNS.items() if f == field)
            errors.append({"sheet": sheet, "row": number, "column": header_name, "message": message,
                           "code": "licence_import_row"})

        record = {f: _text(values.get(f)) for f in COLUMNS.values() if f not in ("issued_on", "valid_from", "valid_until")}
        for field in REQUIRED:
            if field not in ("issued_on",) and not record.get(field):
                fail(field, "必填")
        for field in ("number", "holder_id"):
            if len(record.get(field, "")) > 40 + 40 * (field == "number"):
                fail(field, "过长")
        kind = kinds.get(record.get("kind", ""))
        if record.get("kind") and kind is None:
            fail("kind", f"没有名为“{record['kind']}”的证照类型（目录中的材料名称或编码）")
        holder_kind = HOLDER_KINDS.get(record.get("holder_kind") or "", None)
        if holder_kind is None:
            holder_kind = HolderKind.ORGANISATION if len(record.get("holder_id", "")) == 18 and not record[
                "holder_id"][:17].isdigit() else HolderKind.PERSON
        dates = {}
        for field in ("issued_on", "valid_from", "valid_until"):
            try:
                dates[field] = _date(values.get(field))
            except (ValueError, TypeError):
                fail(field, f"日期“{_text(values.get(field))}”无法识别，请写成 2026-03-01")
                dates[field] = None
        if dates.get("issued_on") is None and "issued_on" in columns and not any(e["row"] == number and e["column"] == "发证日期" for e in errors):
            fail("issued_on", "必填")
        if dates.get("valid_until") and dates.get("valid_from") and dates["valid_until"] < dates["valid_from"]:
            fail("valid_until", "有效期至早于有效期自")
        if record.get("number") in seen:
            fail("number", f"与第 {seen[record['number']]} 行的证照编号重复")
        seen[record.get("number")] = number
        parsed.append((number, record, kind, holder_kind, dates))
    if errors:
        raise ImportRejected(errors)
    report = ImportReport(dry_run=dry_run)
    existing = {lic.number: lic for lic in Licence.objects.filter(number__in=[r["number"] for _, r, *_ in parsed])}
    owner = unit or getattr(getattr(by, "staff", None), "unit", None)
    if owner is None:
        from tongban.org.models import Unit

        owner = Unit.objects.order_by("path").first()
    to_create, to_update = [], []
    for _, record, kind, holder_kind, dates in parsed:
        values = {"kind_id": kind.pk, "title": record.get("title") or kind.name, "holder_kind": holder_kind,
                  "holder_name": record["holder_name"][:200], "holder_id": record["holder_id"].upper(),
                  "issuer_name": record["issuer_name"][:200], "issued_on": dates["issued_on"],
                  "valid_from": dates["valid_from"] or dates["issued_on"], "valid_until": dates["valid_until"]}
        current = existing.get(record["number"])
        if current is None:
            to_create.append(Licence(number=record["number"], unit=owner, source=LicenceSource.IMPORTED, **values))
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            to_update.append(current)
        else:
            report.unchanged += 1
    report.created, report.updated = len(to_create), len(to_update)
    if dry_run:
        return report
    with transaction.atomic():
        created = Licence.objects.bulk_create(to_create)
        if to_update:
            Licence.objects.bulk_update(to_update, list(COMPARED))
        today = date.today()
        expired = [lic.pk for lic in created if lic.valid_until and lic.valid_until < today]
        Licence.objects.filter(pk__in=expired, status=LicenceStatus.VALID).update(status=LicenceStatus.EXPIRED)
        created = [lic for lic in created if lic.pk]
        if not created:
            created = list(Licence.objects.filter(number__in=[lic.number for lic in to_create]))
        record_events(created, "licences.imported", f"从文件“{PurePath(name).name}”导入", by=by)
        record_events(to_update, "licences.import_updated", f"按文件“{PurePath(name).name}”更新", by=by)
    return report
