"""Reading a holiday schedule file (CSV, or a spreadsheet — .xlsx, .xls, .et, .ods — with the columns
date, kind, name).

The whole file is checked before anything is written: `read_schedule` returns every row or raises
`ImportRejected` listing every problem with its row number, as the spreadsheet shows it.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from tongban.core.error_codes import ErrorCode, message_for, service_error
from tongban.workdays.choices import DayKind
from tongban.workdays.error_codes import CalendarError
from tongban.workdays.models import FIRST_DAY, LAST_DAY

ALLOWED_EXTENSIONS = (".csv", ".xlsx", ".xls", ".et", ".ods")
NAME_LIMIT = 40
COLUMNS = {
    "date": ("date", "日期"),
    "kind": ("kind", "类型", "类别"),
    "name": ("name", "名称", "节日", "节日名称", "节假日名称", "说明"),
}
COLUMN_LABELS = {"date": "日期", "kind": "类型", "name": "名称"}
KIND_WORDS = {
    DayKind.WORKDAY: ("工作日", "上班", "workday"),
    DayKind.WEEKEND: ("休息日", "休息", "周末", "weekend"),
    DayKind.HOLIDAY: ("节假日", "法定节假日", "假日", "放假", "holiday"),
    DayKind.MAKEUP_WORKDAY: ("调休", "调休上班", "补班", "makeup_workday", "makeup"),
}
KINDS = {word: kind for kind, words in KIND_WORDS.items() for word in words}
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class ScheduleRow:
    row: int
    date: date
    kind: str
    name: str


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        column = f"“{self.column}”列" if self.column else ""
        return f"{where}{column}：{self.message}"


class ImportRejected(ValidationError):
    """The file was refused; `errors` lists every problem by row. Nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(message_for(ErrorCode.IMPORT_FAILED, count=len(errors)), code=ErrorCode.IMPORT_FAILED.value)


def read_schedule(file) -> tuple[list[ScheduleRow], str]:
    """Parse an uploaded file or a path; return the rows and the file's name."""
    name, content = _read_bytes(file)
    if name.lower().endswith(".csv"):
        table = _csv_rows(content)
    else:
        table = _spreadsheet_rows(content, name)
    return _parse(table), name


def _read_bytes(file) -> tuple[str, bytes]:
    if isinstance(file, (str, Path)):
        path = Path(file)
        name, size = path.name, path.stat().st_size
        opener = path.open("rb")
    else:
        name, size = Path(getattr(file, "name", "") or "").name, getattr(file, "size", None)
        opener = None
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise service_error(ErrorCode.FILE_TYPE, ext=extension or "（无扩展名）", allowed="CSV、.xlsx、.xls、.et 或 .ods")
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise service_error(ErrorCode.FILE_TOO_LARGE, size_mb=round(size / 1024 / 1024, 1),
                            limit_mb=settings.UPLOAD_MAX_BYTES // 1024 // 1024)
    if size == 0:
        raise service_error(ErrorCode.UPLOAD_EMPTY, name=name)
    if opener is not None:
        with opener as handle:
            return name, handle.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return name, file.read()


def _unreadable(reason: str) -> ImportRejected:
    return ImportRejected([RowError(None, "", CalendarError.UNREADABLE.label.format(reason=reason))])


def _csv_rows(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _unreadable("文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV。")
    return [row for row in csv.reader(io.StringIO(text))]


def _spreadsheet_rows(content: bytes, name: str) -> list[list]:
    """The first sheet of an .xlsx / .xls / .et / .ods file, after the size and dimension checks."""
    from tongban.core.spreadsheets import SpreadsheetError, read_workbook

    try:
        sheets = read_workbook(content, name=name)
    except SpreadsheetError as exc:
        raise ImportRejected([RowError(None, "", exc.messages[0])])
    return sheets[0].rows if sheets else []


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse(table: list[list]) -> list[ScheduleRow]:
    table = [(number, row) for number, row in enumerate(table, start=1) if not all(_blank(v) for v in row)]
    if not table:
        raise ImportRejected([RowError(None, "", CalendarError.NO_ROWS.label)])
    positions, errors = _columns(table[0])
    if positions is None:
        positions = {"date": 0, "kind": 1, "name": 2}  # no header row: the columns in their usual order
    else:
        table = table[1:]
    if errors:
        raise ImportRejected(errors)
    rows: list[ScheduleRow] = []
    first_seen: dict[date, int] = {}
    for number, values in table:
        cell = lambda column: values[positions[column]] if positions[column] < len(values) else None  # noqa: E731
        row_errors = []
        day = _parse_date(cell("date"), number, row_errors)
        kind = _parse_kind(cell("kind"), number, row_errors)
        name = "" if _blank(cell("name")) else str(cell("name")).strip()
        if len(name) > NAME_LIMIT:
            row_errors.append(_error(number, "name", CalendarError.NAME_TOO_LONG, length=len(name), limit=NAME_LIMIT))
        if day is not None and day in first_seen:
            row_errors.append(_error(number, "date", CalendarError.DATE_DUPLICATE, value=day, first_row=first_seen[day]))
        elif day is not None:
            first_seen[day] = number
        if row_errors:
            errors += row_errors
        else:
            rows.append(ScheduleRow(number, day, kind, name))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(None, "", CalendarError.NO_ROWS.label)])
    return rows


def _columns(header: tuple[int, list]) -> tuple[dict[str, int] | None, list[RowError]]:
    """Find the columns by their titles; (None, []) when the first row is already data."""
    number, values = header
    titles = [str(v).strip().lower() if not _blank(v) else "" for v in values]
    if titles and _looks_like_date(values[0]):
        return None, []
    positions = {}
    for column, names in COLUMNS.items():
        for index, title in enumerate(titles):
            if title in names:
                positions[column] = index
                break
    missing = [column for column in ("date", "kind") if column not in positions]
    errors = [_error(number, "", CalendarError.BAD_HEADER, title=COLUMN_LABELS[column]) for column in missing]
    positions.setdefault("name", len(values) + 1)
    return positions, errors


def _error(row: int, field: str, code: CalendarError, **params) -> RowError:
    return RowError(row, COLUMN_LABELS.get(field, ""), CalendarError(code).label.format(**params))


def _looks_like_date(value) -> bool:
    if isinstance(value, (date, datetime)):
        return True
    return isinstance(value, str) and bool(DATE_PATTERN.match(value.strip()) or COMPACT_DATE.match(value.strip()))


def _parse_date(value, number: int, errors: list[RowError]) -> date | None:
    if _blank(value):
        errors.append(_error(number, "date", CalendarError.DATE_REQUIRED))
        return None
    day = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and not COMPACT_DATE.match(f"{value:.0f}"):
        day = _excel_serial(value)
    else:
        text = f"{value:.0f}" if isinstance(value, (int, float)) else str(value).strip()
        match = DATE_PATTERN.match(text) or COMPACT_DATE.match(text)
        if match:
            try:
                day = date(*(int(part) for part in match.groups()))
            except ValueError:
                errors.append(_error(number, "date", CalendarError.DATE_IMPOSSIBLE, value=text))
                return None
    if day is None:
        errors.append(_error(number, "date", CalendarError.DATE_INVALID, value=value))
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        errors.append(_error(number, "date", CalendarError.DATE_OUT_OF_RANGE, value=day, low=FIRST_DAY, high=LAST_DAY))
        return None
    return day


def _excel_serial(value: float) -> date | None:
    """An unformatted Excel date cell holds the number of days since 1899-12-30."""
    from openpyxl.utils.datetime import from_excel

    try:
        result = from_excel(value)
    except (ValueError, OverflowError, TypeError):
        return None
    day = result.date() if isinstance(result, datetime) else None
    return day if day and FIRST_DAY <= day <= LAST_DAY else None  # a stray number is no date


def _parse_kind(value, number: int, errors: list[RowError]) -> str | None:
    if _blank(value):
        errors.append(_error(number, "kind", CalendarError.KIND_REQUIRED))
        return None
    kind = KINDS.get(str(value).strip().lower())
    if kind is None:
        errors.append(_error(number, "kind", CalendarError.KIND_UNKNOWN, value=str(value).strip()))
    return kind


def schedule_template():
    """A holiday schedule to fill in: the three columns and example rows for next year."""
    from django.utils import timezone

    from tongban.core.import_templates import TemplateSheet, template_workbook

    year = timezone.localdate().year + 1
    return template_workbook(
        [TemplateSheet("节假日安排", ["日期", "类型", "名称"], [
            [date(year, 1, 1), "法定节假日", "元旦"],
            [date(year, 10, 1), "法定节假日", "国庆节"],
            [date(year, 10, 10), "调休", "国庆节"],
        ], widths={1: 14, 2: 14, 3: 16})],
        (
            "节假日安排导入模板：填写说明",
            "1. 三列：日期（Excel 日期，或 2027-10-01、2027年10月1日）、类型（法定节假日 / 调休 / 工作日 / 休息日）、名称（如“国庆节”）。",
            "2. 只需列出与周一至周五规律不同的日子：放假的工作日写“法定节假日”，上班的周末写“调休”。",
            "3. 按国务院办公厅公布的当年节假日安排填写；灰色斜体的是示例行，请改写。",
            "4. 文件中出现的年份先按周一至周五重置，再套用各行；任何一行有错则整份文件不导入。支持 CSV、.xlsx、.xls、WPS .et、.ods。",
        ),
    )
