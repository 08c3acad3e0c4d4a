"""The exchange with the provincial platform (the system of record elsewhere): its export in, ours out.

The layout is the provincial 办件过程信息 table: **one row per status change** of a case, the case's own
columns repeated on each row (or written on its first row only), the national case-status code (BLZT,
RULES.md) and its time. `COLUMNS` is the layout, its headers the export's; the import finds the header row
by these names and their synonyms, like the ledger import, and the preview lets the user change the mapping
(`column_overrides`: field → 0-based column, None unmaps).

Import (`import_province`), as every import here (docs/decisions/0004-imports.md):
- **keyed by the provincial case number** (`Case.province_number`; a case made in tongban and exported
  without one is matched by its own number), so importing the same file again changes nothing;
- **all or nothing**: every row is checked first; any error (with its row and column, in Chinese) and
  nothing is written;
- **events, not a second status**: each row becomes a `CaseEvent` with its BLZT code and the file's time; the
  case's status, dates and suspensions (特别程序, BLZT 9 / 10) follow from the events, and the clocks are
  refreshed set-based (`clocks.refresh_case_clocks`) so supervision scans imported cases like any other;
- **people's edits are kept**: a re-import compares tongban's value, the file's and what the last import
  wrote (`core.import_snapshots.Baseline`); a field edited in tongban since is kept (a conflict) unless the
  user takes the file's value. Events are append-only: the file's new ones are added, none is removed;
- **set-based**: the county's units, windows and items are read once, the existing cases and their events in
  a few queries, and everything is written with bulk inserts (`demo_bulk._insert`), whatever the rows.

Export (`export_province`): the cases received in a date range, every event that has a BLZT code, in the same
layout; the import reads it back to the same cases and events (tests/test_province.py).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePath

from django.db import transaction
from django.utils import timezone

from tongban.cases.choices import ApplicantKind, CaseStatus, Decision, IdType
from tongban.cases.models import Case, CaseEvent, CaseSettings, Suspension
from tongban.cases.transitions import FINAL, PROVINCE_STEPS, province_step
from tongban.core.import_snapshots import KEEP_ALL, Baseline, RecordChanges, TakeFileValues
from tongban.core.spreadsheets import SpreadsheetError, read_workbook
from tongban.core.text import parse_int

HEADER_SCAN_ROWS = 10
CSV_TYPES = (".csv",)


# --- The layout ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as the export writes it
    synonyms: tuple[str, ...] = ()
    required: bool = False


COLUMNS = (
    Column("province_number", "办件编号", ("省办件编号", "办件流水号", "申报流水号", "申办流水号", "受理编号"), True),
    Column("item_code", "事项编码", ("事项实施编码", "实施编码", "事项代码")),
    Column("title", "事项名称", ("申请事项", "办理事项")),
    Column("applicant_name", "申请人", ("申请人名称", "申请单位", "申请人姓名"), True),
    Column("applicant_kind", "申请人类型", ("申请主体类型",)),
    Column("id_number", "证件号码", ("申请人证件号码", "统一社会信用代码", "身份证号码")),
    Column("phone", "联系电话", ("手机号码", "申请人电话", "联系方式")),
    Column("unit", "受理部门", ("受理单位", "办理部门", "受理机构"), True),
    Column("window", "受理窗口", ("窗口",)),
    Column("budget", "承诺时限（工作日）", ("承诺时限", "承诺办结时限", "承诺期限")),
    Column("blzt", "办理状态代码", ("办理状态", "状态代码", "BLZT", "办件状态"), True),
    Column("status_label", "办理状态说明", ("状态说明",)),
    Column("at", "办理时间", ("状态时间", "发生时间", "操作时间"), True),
    Column("note", "办理意见", ("说明", "备注", "处理意见")),
)
FIELD_LABELS = {c.field: c.header for c in COLUMNS}
REQUIRED = tuple(c.field for c in COLUMNS if c.required)


def _norm(text: object) -> str:
    return re.sub(r"[\s*:：]+", "", str(text or "")).replace("(", "（").replace(")", "）")


_SYNONYMS = {_norm(name): c.field for c in COLUMNS for name in (c.header, *c.synonyms)}

# BLZT → (event code, label). The codes are the transition table's where one exists (transitions.py); the labels
# and what each code does to a case's status are the table's `PROVINCE_STEPS`.
BLZT = {code: (event, PROVINCE_STEPS[code].label) for code, event in {
    1: "case.received", 2: "case.withdrawn", 3: "case.accepted", 4: "case.refused", 5: "case.refused",
    6: "case.correction_notified", 7: "case.corrected", 8: "case.decided", 9: "case.suspended", 10: "case.resumed",
    11: "case.delivered", 12: "case.delivered", 13: "case.delivered", 14: "case.withdrawn", 15: "case.revoked",
    16: "case.withdrawal_requested"}.items()}
APPLICANT_KINDS = {"自然人": ApplicantKind.PERSON, "个人": ApplicantKind.PERSON,
                   "法人": ApplicantKind.ORGANISATION, "法人或其他组织": ApplicantKind.ORGANISATION,
                   "企业": ApplicantKind.ORGANISATION, "其他组织": ApplicantKind.ORGANISATION}
# What a re-import compares on an existing case (Baseline): the descriptive columns and what the events say.
COMPARED = {
    "title": "事项名称", "applicant_name": "申请人", "applicant_kind": "申请人类型", "id_number": "证件号码",
    "phone": "联系电话", "item_id": "事项", "bundle_id": "一件事", "intake_unit_id": "受理部门",
    "intake_window_id": "受理窗口", "budget_workdays": "承诺时限（工作日）", "status": "状态",
    "received_on": "收件日期", "accepted_on": "受理日期", "correction_notified_on": "一次性告知日期",
    "decided_on": "决定日期", "closed_on": "办结日期", "decision": "审批结果", "accepted_with_pending": "容缺受理",
}
STATE_FIELDS = ("status", "received_on", "accepted_on", "correction_notified_on", "decided_on", "closed_on",
                "decision", "accepted_with_pending")


# --- Reading ---------------------------------------------------------------------------------------
@dataclass
class Row:
    number: int  # the file's row number (1-based, as Excel shows it)
    values: dict[str, str]
    blzt: int
    at: datetime


@dataclass
class Parsed:
    name: str = ""
    header_row: int | None = None
    columns: list[str] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    bad_keys: set[str] = field(default_factory=set)  # cases with a row in error (not checked further)

    def column_header(self, name: str) -> str:
        index = self.mapping.get(name)
        return self.columns[index] if index is not None and index < len(self.columns) else FIELD_LABELS.get(name, "")

    def error(self, row: int | None, name: str, message: str) -> None:
        self.errors.append({"row": row, "column": self.column_header(name) if name else "", "message": message})


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def check_upload(upload) -> None:
    """The one upload check (`core.uploads`) for the file types this import reads."""
    from tongban.core.uploads import check_upload as check_csv, check_workbook_upload, extension

    if extension(upload.name) in CSV_TYPES:
        check_csv(upload, CSV_TYPES)
    else:
        check_workbook_upload(upload)


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(f"无法读取文件“{name}”：CSV 文件应为 UTF-8 或 GBK 编码。")


def read_table(source, name: str) -> list[list[object]]:
    """The rows of a CSV file or of the first sheet with a header (.xlsx, .xls, .et, .ods: `read_workbook`)."""
    if PurePath(name).suffix.lower() == ".csv":
        if isinstance(source, (str, Path)):
            data = Path(source).read_bytes()
        else:
            source.seek(0)
            data = source.read()
        if b"\x00" in data[:65536]:
            raise SpreadsheetError(f"文件“{name}”不是文本格式的 CSV 文件。")
        return [list(r) for r in csv.reader(io.StringIO(_decode(data, name)))]
    sheets = read_workbook(source, name=name)
    for sheet in sheets:
        if _find_header(sheet.rows) is not None:
            return sheet.rows
    return sheets[0].rows if sheets else []


def _find_header(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for column, value in enumerate(row):
            name = _SYNONYMS.get(_norm(value))
            if name and name not in found:
                found[name] = column
        if "province_number" in found and len(found) >= 3:
            return index, found
    return None


_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d",
                     "%Y/%m/%d", "%Y%m%d%H%M%S", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")


def parse_time(text: str) -> datetime | None:
    text = text.strip().replace("T", " ")
    text = re.sub(r"\.\d+$", "", text)
    for pattern in _DATETIME_FORMATS:
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    return None


def parse_province(source, *, name: str | None = None, column_overrides: dict[str, int | None] | None = None) -> Parsed:
    """Read the file (path or binary file object) into rows; never raises for bad content."""
    name = name or PurePath(str(source)).name
    parsed = Parsed(name=name)
    try:
        rows = read_table(source, name)
    except SpreadsheetError as exc:
        parsed.error(None, "", exc.messages[0])
        return parsed
    except OSError as exc:
        parsed.error(None, "", f"无法打开文件：{exc.strerror or exc}")
        return parsed
    header = _find_header(rows)
    if header is None:
        parsed.error(None, "", f"未找到表头：前 {HEADER_SCAN_ROWS} 行中没有一行同时包含“办件编号”“办理状态代码”“办理时间”等列名")
        return parsed
    index, mapping = header
    parsed.header_row = index + 1
    parsed.columns = [_cell(v) for v in rows[index]]
    for name_, column in (column_overrides or {}).items():
        if name_ not in FIELD_LABELS:
            parsed.error(None, "", f"未知的字段：{name_}")
        elif column is None:
            mapping.pop(name_, None)
        elif not 0 <= column < len(parsed.columns):
            parsed.error(None, name_, f"列号超出范围：{column + 1}")
        else:
            mapping[name_] = column
    parsed.mapping = mapping
    for name_ in REQUIRED:
        if name_ not in mapping:
            parsed.error(parsed.header_row, name_, f"缺少必需的列：{FIELD_LABELS[name_]}")
    if parsed.errors:
        return parsed
    for offset, raw in enumerate(rows[index + 1:], start=index + 2):
        values = {f: _cell(raw[c]) if c < len(raw) else "" for f, c in mapping.items()}
        if not any(values.values()):
            continue
        problems = len(parsed.errors)
        if not values["province_number"]:
            parsed.error(offset, "province_number", "缺少办件编号")
        elif len(values["province_number"]) > 64:
            parsed.error(offset, "province_number", "办件编号超过 64 个字符")
        code = values["blzt"]
        blzt = parse_int(code, 0)
        if blzt not in BLZT:
            parsed.error(offset, "blzt", f"办理状态代码“{code}”无效：应为 1—16 的数字（全国办件状态代码）")
        moment = parse_time(values["at"])
        if moment is None:
            parsed.error(offset, "at", f"办理时间“{values['at']}”无法识别：请写成 2026-11-02 09:30:00")
        if values.get("budget") and parse_int(values["budget"], min=0, max=999) is None:
            parsed.error(offset, "budget", f"承诺时限“{values['budget']}”应为工作日数")
        if len(parsed.errors) == problems:
            parsed.rows.append(Row(offset, values, blzt, moment))
        else:
            parsed.bad_keys.add(values["province_number"])
    return parsed


# --- Planning --------------------------------------------------------------------------------------
@dataclass
class PlannedCase:
    key: str
    rows: list[Row]
    fields: dict = field(default_factory=dict)  # the Case fields the file says
    suspensions: list[list] = field(default_factory=list)  # [started_on, ended_on | None]
    clock_start: date | None = None

    @property
    def first_row(self) -> int:
        return self.rows[0].number


class _County:
    """The units, windows, items and bundles of the county, read once."""

    def __init__(self) -> None:
        from tongban.catalog.models import Bundle, ServiceItem
        from tongban.org.choices import WindowKind
        from tongban.org.models import Unit, UnitAlias, Window

        self.units: dict[str, list] = {}
        for unit in Unit.objects.filter(is_active=True).only("pk", "name", "short_name"):
            for text in (unit.name, unit.short_name):
                if text:
                    self.units.setdefault(_norm(text), []).append(unit)
        by_pk = {u.pk: u for units in self.units.values() for u in units}
        for alias, unit_id in UnitAlias.objects.filter(unit__is_active=True).values_list("name", "unit_id"):
            if unit_id in by_pk:
                self.units.setdefault(_norm(alias), []).append(by_pk[unit_id])
        self.windows: dict[int, list] = {}
        rank = {WindowKind.INTAKE: 0, WindowKind.SPECIALIST: 1}
        for window in Window.objects.filter(is_active=True).order_by("code"):
            self.windows.setdefault(window.unit_id, []).append(window)
        for windows in self.windows.values():
            windows.sort(key=lambda w: (rank.get(w.kind, 2), w.code))
        self.items_by_code = {i.implementation_code: i for i in ServiceItem.objects.all()}
        self.items_by_name: dict[str, list] = {}
        for item in self.items_by_code.values():
            self.items_by_name.setdefault(_norm(item.name), []).append(item)
        self.bundles = {b.slug: b for b in Bundle.objects.all()}
        self.bundles_by_name = {_norm(b.name): b for b in self.bundles.values()}
        self._budgets: dict[int, int] = {}

    def unit(self, name: str):
        found = {u.pk: u for u in self.units.get(_norm(name), [])}
        if len(found) == 1:
            return next(iter(found.values()))
        if not found:
            return f"找不到受理部门“{name}”"
        return f"受理部门“{name}”不唯一，请写全称"

    def window(self, unit, text: str):
        windows = self.windows.get(unit.pk, [])
        if text:
            chosen = [w for w in windows if text in (w.code, w.name)]
            return chosen[0] if chosen else f"“{unit.name}”没有名为“{text}”的窗口"
        return windows[0] if windows else f"“{unit.name}”没有在用的窗口，无法登记受理窗口"

    def what(self, code: str, title: str):
        """(item, bundle) by the item's implementation code or the bundle's slug, else by the name."""
        if code:
            if code in self.items_by_code:
                return self.items_by_code[code], None
            if code in self.bundles:
                return None, self.bundles[code]
            return f"找不到事项编码“{code}”（事项目录中的实施编码）"
        items = self.items_by_name.get(_norm(title), [])
        if len(items) == 1:
            return items[0], None
        if _norm(title) in self.bundles_by_name:
            return None, self.bundles_by_name[_norm(title)]
        return f"事项“{title}”不唯一，请填写事项编码" if items else f"找不到事项“{title}”，请填写事项编码"

    def budget(self, item, bundle) -> int:
        from tongban.cases.services.intake import _budget

        key = ("i", item.pk) if item else ("b", bundle.pk)
        if key not in self._budgets:
            self._budgets[key] = _budget(item, bundle)
        return self._budgets[key]


def _first(rows: list[Row], name: str) -> str:
    return next((r.values[name] for r in rows if r.values.get(name)), "")


def _plan(key: str, rows: list[Row], county: _County, parsed: Parsed) -> PlannedCase | None:
    rows = sorted(rows, key=lambda r: (r.at, r.number))
    plan = PlannedCase(key, rows)
    first = rows[0].number
    errors = len(parsed.errors)
    what = county.what(_first(rows, "item_code"), _first(rows, "title"))
    if isinstance(what, str):
        parsed.error(first, "item_code" if _first(rows, "item_code") else "title", what)
        what = (None, None)
    item, bundle = what
    unit = county.unit(_first(rows, "unit"))
    window = None
    if isinstance(unit, str):
        parsed.error(first, "unit", unit)
    else:
        window = county.window(unit, _first(rows, "window"))
        if isinstance(window, str):
            parsed.error(first, "window", window)
    applicant = _first(rows, "applicant_name")
    if not applicant:
        parsed.error(first, "applicant_name", "缺少申请人")
    kind_text = _first(rows, "applicant_kind")
    id_number = _first(rows, "id_number").upper()
    if kind_text and kind_text not in APPLICANT_KINDS and kind_text not in ApplicantKind.values:
        parsed.error(first, "applicant_kind", f"申请人类型“{kind_text}”无法识别：应为 自然人 或 法人")
    kind = APPLICANT_KINDS.get(kind_text) or (kind_text if kind_text in ApplicantKind.values else None) or (
        ApplicantKind.ORGANISATION if re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}", id_number)
        and not re.fullmatch(r"\d{17}[\dX]", id_number) else ApplicantKind.PERSON)
    for name, limit in (("applicant_name", 200), ("id_number", 40), ("phone", 20), ("title", 200)):
        if len(_first(rows, name)) > limit:
            parsed.error(first, name, f"{FIELD_LABELS[name]}超过 {limit} 个字符")
    state = {"status": None, "received_on": None, "accepted_on": None, "correction_notified_on": None,
             "decided_on": None, "closed_on": None, "decision": "", "accepted_with_pending": False}
    intake_day = None
    for row in rows:
        # The status follows the one transition table (transitions.PROVINCE_STEPS); an impossible row is an
        # error naming it, so a closed case is never reopened and nothing is guessed.
        try:
            state["status"] = province_step(state["status"], row.blzt)
        except ValueError as exc:
            parsed.error(row.number, "blzt", f"办件“{key}”：{exc}")
            state["status"] = PROVINCE_STEPS[row.blzt].target or state["status"] or CaseStatus.RECEIVED
        day = timezone.localtime(row.at).date()
        b = row.blzt
        if b == 1:
            state["received_on"] = day
            intake_day = day
        elif b == 3:
            state["accepted_on"] = day
        elif b == 6:
            state["correction_notified_on"] = day
        elif b == 7:
            intake_day = day
        elif b == 8:
            state.update(decided_on=day, decision=state["decision"] or Decision.APPROVED)
        elif b == 9:  # the table allows 9 in 审查中 or 待出件 (another department finished), 10 after it
            plan.suspensions.append([day, None])
        elif b == 10:
            if plan.suspensions and plan.suspensions[-1][1] is None:
                plan.suspensions[-1][1] = day
            else:  # 10 from 待出件 with no 9 before it: no special procedure to end
                parsed.error(row.number, "blzt", f"办件“{key}”：没有进行中的特别程序，不能有“特别程序结束”（办理状态代码 10）")
        elif b in (11, 12, 13):
            state.update(closed_on=day, decided_on=state["decided_on"] or day,
                         decision=Decision.DENIED if b == 13 else Decision.APPROVED, accepted_with_pending=b == 12)
    if len(parsed.errors) > errors:
        return None
    plan.fields = {
        "province_number": key, "item": item, "bundle": bundle, "title": _first(rows, "title") or (item or bundle).name,
        "applicant_kind": kind, "applicant_name": applicant, "id_number": id_number, "phone": _first(rows, "phone"),
        "id_type": IdType.RESIDENT_ID if kind == ApplicantKind.PERSON and id_number else "",
        "intake_unit": unit, "intake_window": window,
        "budget_workdays": int(_first(rows, "budget")) if _first(rows, "budget") else county.budget(item, bundle),
        **state,
    }
    plan.clock_start = state["accepted_on"] or (None if state["status"] == CaseStatus.CORRECTING else intake_day)
    return plan


# --- The import ------------------------------------------------------------------------------------
@dataclass
class ProvinceImportResult:
    cases: int = 0
    events: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_events: int = 0
    conflicts: int = 0
    errors: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # RecordChanges.as_json() per existing case
    skipped: list[dict] = field(default_factory=list)  # cases closed in tongban the file would reopen: not imported
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        return {"cases": self.cases, "events": self.events, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "new_events": self.new_events, "conflicts": self.conflicts,
                "errors": [{"row": e["row"], "column": e["column"], "message": e["message"]} for e in self.errors],
                "changes": self.changes, "skipped": self.skipped, "dry_run": self.dry_run}

    def summary(self) -> str:
        if self.errors:
            return f"导入失败，共 {len(self.errors)} 处错误，数据库未做任何修改。"
        prefix = "检查通过（未写入）：" if self.dry_run else "导入完成："
        text = (f"{prefix}办件 {self.cases} 件、办理记录 {self.events} 条；新增办件 {self.created} 件，"
                f"更新 {self.updated} 件，未变化 {self.unchanged} 件；新增办理记录 {self.new_events} 条。")
        if self.conflicts:
            kept = "将保留" if self.dry_run else "保留"
            text += f"冲突 {self.conflicts} 处：导入后在系统中修改过的内容{kept}系统中的值（可选择采用文件中的值）。"
        if self.skipped:
            skip = "将跳过" if self.dry_run else "已跳过"
            text += f"{skip}已在系统中结束的办件 {len(self.skipped)} 件：文件中的办理记录会重新打开它们，未导入。"
        return text


def _second(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _show(name: str, county_names: Callable[[], dict]) -> Callable[[object], str]:
    def show(value) -> str:
        if value is None or value == "":
            return ""
        if name == "status":
            return CaseStatus(value).label
        if name == "decision":
            return Decision(value).label
        if name == "applicant_kind":
            return ApplicantKind(value).label
        if name in ("item_id", "bundle_id", "intake_unit_id", "intake_window_id"):
            return county_names().get((name, value), str(value))
        if isinstance(value, bool):
            return "是" if value else "否"
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    return show


def import_province(parsed: Parsed, *, by=None, dry_run: bool = False, take_file_values: TakeFileValues = KEEP_ALL,
                    progress: Callable[[int, int], None] | None = None) -> ProvinceImportResult:
    """Check every row, then (unless `dry_run` or there is an error) write everything in one transaction."""
    result = ProvinceImportResult(dry_run=dry_run, errors=list(parsed.errors))
    if parsed.header_row is None or (parsed.errors and not parsed.rows and not parsed.bad_keys):
        return result  # no header, or a column missing: nothing to check row by row
    groups: dict[str, list[Row]] = {}
    for row in parsed.rows:
        groups.setdefault(row.values["province_number"], []).append(row)
    county = _County()
    planned = [p for key, rows in groups.items()
               if key not in parsed.bad_keys and (p := _plan(key, rows, county, parsed)) is not None]
    result.errors = sorted(parsed.errors, key=lambda e: (e["row"] or 0, e["column"]))
    result.cases, result.events = len(groups | dict.fromkeys(parsed.bad_keys)), len(parsed.rows)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _apply(planned, result, by=by, take=take_file_values, dry_run=dry_run)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


class _DryRun(Exception):
    pass


def _existing(keys: list[str]) -> dict[str, Case]:
    found: dict[str, Case] = {}
    for start in range(0, len(keys), 2000):
        chunk = keys[start:start + 2000]
        for case in Case.objects.filter(province_number__in=chunk):
            found[case.province_number] = case
        for case in Case.objects.filter(province_number__isnull=True, number__in=chunk):
            found.setdefault(case.number, case)
    return found


def _apply(planned: list[PlannedCase], result: ProvinceImportResult, *, by, take: TakeFileValues, dry_run: bool) -> None:
    from tongban.cases.demo_bulk import _analyze, _claim_numbers, _insert

    existing = _existing([p.key for p in planned])
    new = [p for p in planned if p.key not in existing]
    old = [p for p in planned if p.key in existing]
    baseline = Baseline(Case, [existing[p.key].pk for p in old])
    baseline.prefetch_log([existing[p.key].pk for p in old])
    names: dict = {}

    def county_names() -> dict:
        if not names:
            from tongban.catalog.models import Bundle, ServiceItem
            from tongban.org.models import Unit, Window

            for key, model, label in (("item_id", ServiceItem, "name"), ("bundle_id", Bundle, "name"),
                                      ("intake_unit_id", Unit, "name"), ("intake_window_id", Window, "name")):
                names.update({(key, pk): text for pk, text in model.objects.values_list("pk", label)})
        return names

    # Existing cases: field changes (Baseline), new events, new or ended suspensions.
    events_by_case: dict[int, set] = {}
    for start in range(0, len(old), 2000):
        ids = [existing[p.key].pk for p in old[start:start + 2000]]
        for case_id, blzt, at in CaseEvent.objects.filter(case_id__in=ids, blzt__isnull=False).values_list(
                "case_id", "blzt", "at"):
            events_by_case.setdefault(case_id, set()).add((blzt, _second(at)))
    suspensions_by_case: dict[int, dict] = {}
    for start in range(0, len(old), 2000):
        ids = [existing[p.key].pk for p in old[start:start + 2000]]
        for suspension in Suspension.objects.filter(case_id__in=ids):
            suspensions_by_case.setdefault(suspension.case_id, {})[suspension.started_on] = suspension
    updates: list[tuple[Case, dict, RecordChanges]] = []
    new_event_rows: list[tuple] = []
    new_suspensions: list[Suspension] = []
    ended: list[Suspension] = []
    snapshots: dict[int, dict] = {}
    touched: set[int] = set()
    for plan in old:
        case = existing[plan.key]
        record = RecordChanges(pk=case.pk, label=f"办件 {plan.key}", row=plan.first_row)
        values: dict = {}
        wanted = _file_values(plan)
        for name, label in COMPARED.items():
            change = baseline.compare(case.pk, name, label, getattr(case, name), wanted[name], take,
                                      show=_show(name, county_names), ref=str(case.pk))
            if change is not None:
                record.fields.append(change)
                if change.taken:
                    values[name] = wanted[name]
        if any(name in values for name in STATE_FIELDS):
            values["clock_start"] = plan.clock_start
        seen = events_by_case.get(case.pk, set())
        fresh = [row for row in plan.rows if (row.blzt, _second(row.at)) not in seen]
        if case.status in FINAL and wanted["status"] != case.status and (fresh or "status" in values):
            # Closed in tongban before the province closed it: new rows (or the file's status, taken) would reopen
            # it. Its rows are skipped and reported as a conflict; the rest of the file is imported (refusing the
            # whole file would refuse it again every day). A stale file whose status is only a kept conflict
            # changes nothing and passes.
            row = fresh[0] if fresh else plan.rows[-1]
            result.skipped.append({"row": row.number, "label": f"办件 {plan.key}", "new_events": len(fresh), "message": (
                f"办件“{plan.key}”在系统中已是“{CaseStatus(case.status).label}”（已结束），文件中的办理记录会使其变为"
                f"“{CaseStatus(wanted['status']).label}”：已结束的办件不能重新打开，该办件的 {len(plan.rows)} 条记录未导入")})
            continue
        new_event_rows += [_event_row(case.pk, row, by) for row in fresh]
        have = suspensions_by_case.get(case.pk, {})
        for started, ended_on in plan.suspensions:
            current = have.get(started)
            if current is None:
                new_suspensions.append(_suspension(case.pk, started, ended_on, by))
            elif current.ended_on is None and ended_on is not None:
                current.ended_on = ended_on
                ended.append(current)
        snapshots[case.pk] = wanted
        if record.fields or fresh:
            result.changes.append({**record.as_json(), "new_events": len(fresh)})
            result.conflicts += len(record.conflicts)
        if values or fresh:
            result.updated += 1
            updates.append((case, values, record))
            touched.add(case.pk)
        else:
            result.unchanged += 1
    if result.errors:
        return  # nothing written yet
    result.new_events = len(new_event_rows) + sum(len(p.rows) for p in new)
    result.created = len(new)
    touched |= {s.case_id for s in new_suspensions} | {s.case_id for s in ended}
    if dry_run:
        return

    # New cases: numbers from the real sequence, one bulk INSERT, their events and suspensions in bulk.
    policy = CaseSettings.load()
    numbers = _claim_numbers(policy.region_code, [p.fields["received_on"] for p in new]) if new else []
    cases = Case.objects.bulk_create([
        Case(number=number, delivery_window=p.fields["intake_window"], received_by=None, clock_start=p.clock_start,
             delivery_workdays=policy.delivery_workdays if p.fields["decided_on"] else 0, **p.fields)
        for number, p in zip(numbers, new)], batch_size=1000)
    for case, plan in zip(cases, new):
        new_event_rows += [_event_row(case.pk, row, by) for row in plan.rows]
        new_suspensions += [_suspension(case.pk, started, ended_on, by) for started, ended_on in plan.suspensions]
        snapshots[case.pk] = _file_values(plan)
    now = timezone.now()
    marks = [(case.pk, None, "case.imported", None, f"由省平台导入（第 {plan.first_row} 行起）", by_pk(by),
              {"province": plan.key}, now) for case, plan in zip(cases, new)]
    for case, values, record in updates:
        applied = [f"{f.label}：{f.old or '—'} → {f.new or '—'}" for f in record.applied]
        kept = [f"{f.label}（系统 {f.old or '—'}，文件 {f.new or '—'}）" for f in record.conflicts]
        text = "按省平台数据更新" + ("：" + "；".join(applied) if applied else "")
        if kept:
            text += "；保留系统中的修改：" + "；".join(kept)
        marks.append((case.pk, None, "case.reimported", None, text[:500], by_pk(by),
                      {"changes": {f.field: [f.old, f.new] for f in record.applied},
                       "kept": {f.field: [f.old, f.new] for f in record.conflicts}}, now))
    _insert(CaseEvent, ["case", "task", "code", "blzt", "message", "actor", "data", "at"], new_event_rows + marks)
    Suspension.objects.bulk_create(new_suspensions, batch_size=1000)
    if ended:
        Suspension.objects.bulk_update(ended, ["ended_on"], batch_size=1000)
    for case, values, _record in updates:
        for name, value in values.items():
            setattr(case, name, value)
    fields = sorted({name for _c, values, _r in updates for name in values})
    if fields:
        Case.objects.bulk_update([c for c, _v, _r in updates], [*fields, "updated_at"], batch_size=1000)
    if cases or updates:
        from tongban.cases import reach

        reach.sync([c.pk for c in cases] + [c.pk for c, _v, _r in updates])  # their intake units may have moved
    if touched or cases:
        from django.db.models import Q

        from tongban.cases.clocks import count_suspension_workdays, refresh_case_clocks

        # The new cases by their key range (a plain index scan, as demo_bulk does; a case another session added in
        # between would only have its clock recomputed to what it already is), the updated ones by key.
        which = Q(pk__in=sorted(touched)) if touched else Q(pk__in=[])
        if cases:
            which |= Q(pk__gte=min(c.pk for c in cases), pk__lte=max(c.pk for c in cases))
        _analyze()
        affected = Case.objects.filter(which)
        count_suspension_workdays(Suspension.objects.filter(case__in=affected))
        refresh_case_clocks(affected)
    baseline.remember(snapshots, by=by)
    if cases:
        from tongban.history.services import record_events

        record_events(cases, "cases.province.imported", "由省平台导入", by=by)


def by_pk(by):
    return by.pk if getattr(by, "is_authenticated", False) else None


def _file_values(plan: PlannedCase) -> dict:
    f = plan.fields
    values = {name: f.get(name) for name in COMPARED if not name.endswith("_id")}
    values.update(item_id=f["item"].pk if f["item"] else None, bundle_id=f["bundle"].pk if f["bundle"] else None,
                  intake_unit_id=f["intake_unit"].pk, intake_window_id=f["intake_window"].pk)
    return values


def _event_row(case_id: int, row: Row, by) -> tuple:
    code, label = BLZT[row.blzt]
    message = row.values.get("note") or f"省平台：{label}"
    return (case_id, None, code, row.blzt, message[:500], by_pk(by), {"province_row": row.number}, row.at)


def _suspension(case_id: int, started: date, ended_on: date | None, by) -> Suspension:
    from tongban.catalog.choices import SpecialStepKind

    return Suspension(case_id=case_id, kind=SpecialStepKind.OTHER, reason="省平台：特别程序", started_on=started,
                      ended_on=ended_on, started_by=by if getattr(by, "is_authenticated", False) else None)


# --- The export ------------------------------------------------------------------------------------
def export_rows(cases) -> list[list[str]]:
    """The layout's rows (without the header) for `cases`: one per event with a BLZT code, in order."""
    from tongban.catalog.models import Bundle, ServiceItem
    from tongban.org.models import Unit, Window

    cases = list(cases.order_by("number").values(
        "pk", "number", "province_number", "item_id", "bundle_id", "title", "applicant_name", "applicant_kind",
        "id_number", "phone", "intake_unit_id", "intake_window_id", "budget_workdays"))
    items = dict(ServiceItem.objects.filter(pk__in={c["item_id"] for c in cases}).values_list("pk", "implementation_code"))
    bundles = dict(Bundle.objects.filter(pk__in={c["bundle_id"] for c in cases}).values_list("pk", "slug"))
    units = dict(Unit.objects.filter(pk__in={c["intake_unit_id"] for c in cases}).values_list("pk", "name"))
    windows = dict(Window.objects.filter(pk__in={c["intake_window_id"] for c in cases}).values_list("pk", "code"))
    events: dict[int, list] = {}
    ids = [c["pk"] for c in cases]
    for start in range(0, len(ids), 5000):
        for case_id, blzt, at, message in CaseEvent.objects.filter(
                case_id__in=ids[start:start + 5000], blzt__isnull=False).order_by("case_id", "at", "pk").values_list(
                "case_id", "blzt", "at", "message"):
            events.setdefault(case_id, []).append((blzt, at, message))
    rows = []
    for c in cases:
        code = items.get(c["item_id"]) or bundles.get(c["bundle_id"], "")
        for blzt, at, message in events.get(c["pk"], []):
            rows.append([c["province_number"] or c["number"], code, c["title"], c["applicant_name"],
                         ApplicantKind(c["applicant_kind"]).label if c["applicant_kind"] else "", c["id_number"],
                         c["phone"], units.get(c["intake_unit_id"], ""), windows.get(c["intake_window_id"], ""),
                         str(c["budget_workdays"]), str(blzt), BLZT.get(blzt, ("", ""))[1], _second(at), message])
    return rows


def export_province(start: date, end: date, path: str | Path, *, user=None) -> int:
    """Write the cases received from `start` to `end` (inclusive) to `path` (.csv or .xlsx); returns the rows.
    From a page, `user`'s scope decides which cases (the command line, run by the administrator, exports all)."""
    path = Path(path)
    cases = Case.objects.visible_to(user) if user is not None else Case.objects.all()
    cases = cases.filter(received_on__gte=start, received_on__lte=end)
    rows = export_rows(cases)
    header = [c.header for c in COLUMNS]
    if path.suffix.lower() == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(_csv_safe(rows))
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("办件过程信息")
        sheet.append(header)
        for row in _csv_safe(rows):
            sheet.append(row)
        book.save(path)
    return len(rows)


def _csv_safe(rows: list[list[str]]) -> list[list[str]]:
    """A cell starting with = + - @ would be a formula (in a spreadsheet, and openpyxl writes it as one):
    prefix it with ' (`_cell` takes it off again on import)."""
    return [[f"'{v}" if v[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"-?\d+", v) else v for v in row]
            for row in rows]
