"""Import the attendance machine's export (CSV or any spreadsheet core.spreadsheets reads): find the header row,
map its columns (工号 or 姓名, 日期, 时间 — or one 打卡时间 column with both), check every row, then write all
punches or none. Idempotent: a punch already stored for (staff, date, time) is skipped."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from tongban.core.spreadsheets import SpreadsheetError, read_bytes, read_workbook
from tongban.history.services import record_event
from tongban.org.models import Staff
from tongban.staffing.models import Punch

FIELDS = {
    "staff_no": ("工号", "人员编号", "考勤号", "考勤号码", "员工号", "编号"),
    "name": ("姓名", "人员姓名", "员工姓名"),
    "date": ("日期", "打卡日期", "考勤日期"),
    "time": ("时间", "打卡时间", "签到时间", "考勤时间"),
}
FIELD_LABELS = {"staff_no": "工号", "name": "姓名", "date": "日期", "time": "时间（或日期时间）"}


class ImportRejected(Exception):
    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


@dataclass
class AttendanceReport:
    dry_run: bool
    rows: int = 0
    new: int = 0
    existing: int = 0
    staff_count: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, int | None] = field(default_factory=dict)
    preview: list[tuple] = field(default_factory=list)

    def summary(self) -> str:
        verb = "将导入" if self.dry_run else "已导入"
        span = f"（{self.first}—{self.last}）" if self.first else ""
        return (f"共 {self.rows} 行{span}，{self.staff_count} 人：{verb} {self.new} 条打卡记录，"
                f"{self.existing} 条已存在（不重复导入）。")

    @property
    def mapped(self) -> list[tuple[str, str]]:
        return [(FIELD_LABELS[k], self.headers[i] if i is not None else "（无）") for k, i in self.mapping.items()]


def _error(row: int, column: str, message: str) -> dict:
    return {"sheet": "考勤记录", "row": row, "column": column, "message": message}


def read_rows(source, name: str) -> list[list]:
    """The file's first sheet as rows of values (CSV in UTF-8 or GBK, as attendance machines write)."""
    data, found = read_bytes(source)
    name = name or found
    if not data:
        raise ImportRejected(f"文件“{name}”是空的。")
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ImportRejected(f"文件“{name}”超过 {settings.UPLOAD_MAX_BYTES // 1048576} MB，请按月分开导出。")
    if name.lower().endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportRejected(f"无法识别文件“{name}”的文字编码，请另存为 UTF-8 或 GBK 编码的 CSV。")
        dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] else "excel"
        return [[cell.strip() or None for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    try:
        sheets = read_workbook(data, name=name)
    except SpreadsheetError as exc:
        raise ImportRejected(" ".join(exc.messages)) from None
    if not sheets:
        raise ImportRejected(f"文件“{name}”中没有工作表。")
    return sheets[0].rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def find_header(rows: list[list]) -> tuple[int, dict[str, int | None]]:
    """The first row (of the first ten) naming a date or time column, and the columns it maps."""
    for index, row in enumerate(rows[:10]):
        names = [_text(v) for v in row]
        mapping: dict[str, int | None] = {}
        for key, aliases in FIELDS.items():
            mapping[key] = next((i for i, n in enumerate(names) if n in aliases), None)
        if mapping["time"] is not None or mapping["date"] is not None:
            return index, mapping
    raise ImportRejected("未找到表头：文件前 10 行中应有“日期”“时间”（或“打卡时间”）及“工号”或“姓名”列；"
                         "表头不同时请在“列对应”中指定各列。")


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        return None


def _parse_time(value) -> dt.time | None:
    if isinstance(value, dt.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0)
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    text = _text(value).replace("：", ":")
    parts = text.split(":")
    try:
        numbers = [int(p) for p in parts]
        return dt.time(*numbers) if 2 <= len(numbers) <= 3 else None
    except ValueError:
        return None


def _split_datetime(value) -> tuple[dt.date | None, dt.time | None]:
    if isinstance(value, dt.datetime):
        return value.date(), value.time().replace(microsecond=0)
    text = _text(value)
    if " " in text:
        day, _, clock = text.partition(" ")
        return _parse_date(day), _parse_time(clock.strip())
    return None, _parse_time(value)


def import_attendance(source, *, name: str = "", dry_run: bool = False, by=None,
                      mapping_overrides: dict[str, int | None] | None = None) -> AttendanceReport:
    rows = read_rows(source, name)
    try:
        header_at, mapping = find_header(rows)
    except ImportRejected:
        if "time" not in (mapping_overrides or {}):
            raise
        header_at, mapping = 0, dict.fromkeys(FIELDS)  # headers unknown: the first row, mapped by hand
    for key, column in (mapping_overrides or {}).items():
        if key in FIELDS:
            mapping[key] = column
    headers = [_text(v) or f"第{i + 1}列" for i, v in enumerate(rows[header_at])]
    if mapping["time"] is None:
        raise ImportRejected("缺少“时间”列（或“打卡时间”列），请在列对应中选择。")
    if mapping["staff_no"] is None and mapping["name"] is None:
        raise ImportRejected("缺少“工号”或“姓名”列，请在列对应中选择。")
    staff = Staff.objects.only("pk", "staff_no", "name")
    by_no = {s.staff_no: s.pk for s in staff}
    by_name: dict[str, list[int]] = {}
    for s in staff:
        by_name.setdefault(s.name, []).append(s.pk)

    def cell(row, key):
        column = mapping.get(key)
        return row[column] if column is not None and column < len(row) else None

    errors: list[dict] = []
    punches: dict[tuple[int, dt.date, dt.time], int] = {}
    report = AttendanceReport(dry_run=dry_run, headers=headers, mapping=dict(mapping))
    for offset, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not any(v is not None and _text(v) for v in row):
            continue
        report.rows += 1
        number, person = _text(cell(row, "staff_no")), _text(cell(row, "name"))
        staff_id = None
        if number:
            staff_id = by_no.get(number)
            if staff_id is None:
                errors.append(_error(offset, "工号", f"工号“{number}”不在组织机构中。"))
                continue
        elif person:
            found = by_name.get(person, [])
            if len(found) != 1:
                errors.append(_error(offset, "姓名", f"姓名“{person}”" + ("有重名，请改用工号。" if found else "不在组织机构中。")))
                continue
            staff_id = found[0]
        else:
            errors.append(_error(offset, "工号", "工号和姓名都为空。"))
            continue
        if mapping["date"] is not None:
            day, clock = _parse_date(cell(row, "date")), None
            time_value = cell(row, "time")
            if day is None:
                day, clock = _split_datetime(cell(row, "date"))
            if clock is None:
                found_day, clock = _split_datetime(time_value)
                day = day or found_day
        else:
            day, clock = _split_datetime(cell(row, "time"))
        if day is None:
            errors.append(_error(offset, "日期", f"日期“{_text(cell(row, 'date') or cell(row, 'time'))}”无法识别，应如 2026-11-02。"))
            continue
        if clock is None:
            errors.append(_error(offset, "时间", f"时间“{_text(cell(row, 'time'))}”无法识别，应如 08:57。"))
            continue
        punches.setdefault((staff_id, day, clock), offset)
    if errors:
        raise ImportRejected(f"文件有 {len(errors)} 处错误，未导入任何记录。", errors)
    if not punches:
        raise ImportRejected("文件中没有打卡记录。")
    days = [key[1] for key in punches]
    report.first, report.last = min(days), max(days)
    report.staff_count = len({key[0] for key in punches})
    existing = set(Punch.objects.filter(date__range=(report.first, report.last), staff_id__in={k[0] for k in punches})
                   .values_list("staff_id", "date", "time"))
    new = [key for key in punches if key not in existing]
    report.new, report.existing = len(new), len(punches) - len(new)
    names = {s.pk: s.name for s in staff}
    report.preview = [(names[k[0]], k[1], k[2]) for k in new[:10]]
    if dry_run or not new:
        return report
    with transaction.atomic():
        Punch.objects.bulk_create([Punch(staff_id=s, date=d, time=t, imported_by=by, source_name=name[:200])
                                   for s, d, t in new], batch_size=1000, ignore_conflicts=True)
        settings_row = _settings_row()
        record_event(settings_row, "staffing.attendance.imported",
                     f"导入考勤机记录“{name}”：{report.new} 条（{report.first}—{report.last}，{report.staff_count} 人）。",
                     by=by, file=name, new=report.new)
    return report


def _settings_row():
    from tongban.staffing.models import AttendanceSettings

    return AttendanceSettings.load()
