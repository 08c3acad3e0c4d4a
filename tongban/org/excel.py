"""Excel in and out for the organisation: one workbook, three sheets (单位, 窗口, 人员).

Import is all-or-nothing. The whole file is read and checked first, against itself and the database
(every error with its sheet, Excel row and column); only a clean file is written, in one transaction,
through the org services, so every created or changed record gets its audit-log entry and its domain
event exactly as an edit in the browser would. Records are matched by their natural keys (单位代码,
窗口编号, 工号), and a row whose cells equal the database is left alone: importing the same file twice
writes nothing the second time.

Reading is set-based (one query per model); writing goes through the per-row services, but only for
rows that are new or changed, so the cost of an import follows the size of the change, not of the file.

Cell normalisation: codes, numbers, phones, e-mail, login names, yes/no and the kind / role columns are
NFKC-normalised (full-width "Ａ０１" is "A01"); free text (names, addresses, positions) only loses the
surrounding blanks, so that "（进驻）" keeps the full-width brackets Chinese text is written with.
"""
from __future__ import annotations

import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tongban.core.error_codes import ErrorCode, message_for
from tongban.core.import_snapshots import KEEP_ALL, Baseline, RecordChanges, TakeFileValues
from tongban.core.spreadsheets import SpreadsheetError, read_workbook
from tongban.core.uploads import check_workbook_upload
from tongban.documents.excel import append_row
from tongban.org import services
from tongban.org.services import split_aliases
from tongban.org.choices import Role, WindowKind
from tongban.org.models import Staff, Unit, UnitKind, Window

SHEET_UNITS, SHEET_WINDOWS, SHEET_STAFF = "单位", "窗口", "人员"
SHEET_HELP = "说明"
HEADER_SEARCH_ROWS = 5  # the header may sit below a title row or two
YES, NO = "是", "否"
_TRUE = {"是", "y", "yes", "true", "1", "√", "启用", "在岗", "领导"}
_FALSE = {"否", "n", "no", "false", "0", "×", "x", "停用", "离岗", "不在岗"}
WRITE_CONFLICT = "写入时与他人同时进行的修改冲突，请重新导入。"
_LIST_SEPARATORS = re.compile(r"[、,;；，\s]+")


class ExcelError(models.TextChoices):
    """Stable codes and the Chinese message of every import error (the core codes cover file checks)."""

    UNREADABLE = "excel_unreadable", "无法读取该文件，请确认它是用 Excel 或 WPS 保存的 .xlsx、.xls、.et 或 .ods 表格。"
    NO_SHEETS = "excel_no_sheets", "工作簿中没有名为“单位”“窗口”“人员”的工作表。"
    NO_HEADER = "excel_no_header", "前 {rows} 行中没有找到表头（表头应包含“{key}”列）。"
    MISSING_COLUMN = "excel_missing_column", "缺少必需的列“{column}”。"
    REQUIRED = "excel_required", "“{column}”不能为空。"
    DUPLICATE = "excel_duplicate", "“{value}”在本表第 {first_row} 行已出现，同一文件中不能重复。"
    UNKNOWN_UNIT_KIND = "excel_unknown_unit_kind", "未知的单位类型“{value}”，可填：{choices}。"
    UNKNOWN_WINDOW_KIND = "excel_unknown_window_kind", "未知的窗口类型“{value}”，可填：{choices}。"
    UNKNOWN_ROLE = "excel_unknown_role", "未知的系统角色“{value}”，可填：{choices}。"
    UNKNOWN_UNIT = "excel_unknown_unit", "单位代码“{value}”不存在（本文件“单位”表和系统中都没有）。"
    UNKNOWN_WINDOW = "excel_unknown_window", "窗口编号“{value}”不存在（本文件“窗口”表和系统中都没有）。"
    CYCLE = "excel_cycle", "上级单位形成循环：{chain}。"
    NOT_INTEGER = "excel_not_integer", "“{value}”不是整数。"
    NOT_BOOLEAN = "excel_not_boolean", "“{value}”无法识别，请填写“是”或“否”。"
    WINDOW_OUTSIDE_UNIT = "excel_window_outside_unit", "窗口“{window}”属于“{window_unit}”，不在人员所属单位“{unit}”或其上级单位中。"
    USERNAME_INVALID = "excel_username_invalid", "登录账号“{value}”只能包含字母、数字和 @ . + - _，且不超过 150 个字符。"
    USERNAME_TAKEN = "excel_username_taken", "登录账号“{value}”已被工号“{staff_no}”的人员使用。"
    USERNAME_EXISTS = "excel_username_exists", "登录账号“{value}”已被系统中的其他账号使用，不能改名为它。"
    ALIAS_TAKEN = "excel_alias_taken", "别名“{value}”已是{owner}的名称、简称或别名，一个名称只能指一个单位。"


def _error_message(code: ExcelError, **params) -> str:
    return ExcelError(code).label.format(**params)


# --- The workbook layout ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    width: int = 12
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def key_column(self) -> Column:
        return self.columns[0]

    def header_of(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)

    def canonical(self) -> dict[str, str]:
        """Normalised header text → column key, aliases included."""
        mapping = {}
        for column in self.columns:
            for text in (column.header, *column.aliases):
                mapping[_normalise_header(text)] = column.key
        return mapping


UNIT_SHEET = SheetSpec(SHEET_UNITS, (
    Column("单位代码", "code", 16, True, ("单位编码", "代码")),
    Column("单位名称", "name", 30, True, ("名称",)),
    Column("简称", "short_name", 14, aliases=("单位简称",)),
    Column("别名", "aliases", 24, aliases=("其他简称", "别称", "其他名称")),
    Column("单位类型", "kind", 18, True, ("类型",)),
    Column("上级单位代码", "parent", 16, aliases=("上级单位编码", "上级代码")),
    Column("地址", "address", 30, aliases=("办公地址",)),
    Column("联系电话", "phone", 16, aliases=("电话",)),
    Column("办公时间", "service_hours", 26, aliases=("服务时间",)),
    Column("排序", "sort_order", 8, aliases=("排序号", "序号")),
    Column("启用", "is_active", 8, aliases=("是否启用",)),
))
WINDOW_SHEET = SheetSpec(SHEET_WINDOWS, (
    Column("窗口编号", "code", 12, True, ("窗口编码", "窗口号", "编号")),
    Column("窗口名称", "name", 28, True, ("名称",)),
    Column("窗口类型", "kind", 12, True, ("类型",)),
    Column("所属单位代码", "unit", 16, True, ("单位代码", "所属单位编码")),
    Column("位置", "location", 20, aliases=("窗口位置",)),
    Column("启用", "is_active", 8, aliases=("是否启用",)),
))
STAFF_SHEET = SheetSpec(SHEET_STAFF, (
    Column("工号", "staff_no", 14, True, ("人员编号", "编号")),
    Column("姓名", "name", 10, True),
    Column("所属单位代码", "unit", 16, True, ("单位代码", "所属单位编码")),
    Column("窗口编号", "window", 10, aliases=("所在窗口编号", "窗口号")),
    Column("职务", "position", 20, aliases=("职位",)),
    Column("系统角色", "role", 16, aliases=("角色",)),
    Column("是否领导", "is_leader", 10, aliases=("领导",)),
    Column("分管单位代码", "units_in_charge", 30, aliases=("分管单位",)),
    Column("联系电话", "phone", 16, aliases=("电话", "手机")),
    Column("电子邮箱", "email", 24, aliases=("邮箱", "email")),
    Column("登录账号", "username", 14, aliases=("用户名", "账号")),
    Column("在岗", "is_active", 8, aliases=("是否在岗",)),
))
SHEETS = (UNIT_SHEET, WINDOW_SHEET, STAFF_SHEET)
SHEET_ORDER = tuple(spec.name for spec in SHEETS)

ROLE_ALIASES = {"科室负责人": Role.UNIT_HEAD, "部门负责人": Role.UNIT_HEAD, "股室负责人": Role.UNIT_HEAD,
                "窗口工作人员": Role.WINDOW_CLERK, "管理员": Role.SYSTEM_ADMIN}


# --- Cell normalisation -------------------------------------------------------------------------


def _normalise_header(value: Any) -> str:
    """'＊单位代码 ' and '启用（是/否）' read as '单位代码' and '启用'."""
    text = unicodedata.normalize("NFKC", _text(value))
    text = re.sub(r"\s+", "", text).strip("*")
    return re.sub(r"\(.*\)$", "", text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _plain(value: Any) -> str:
    """Codes, numbers, phones, logins and choice labels: full-width becomes half-width."""
    return unicodedata.normalize("NFKC", _text(value)).strip()


def _codes(value: Any) -> list[str]:
    return [part for part in _LIST_SEPARATORS.split(_plain(value)) if part]


# --- The report and the rejection ---------------------------------------------------------------


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class ImportReport:
    units: SheetCounts = field(default_factory=SheetCounts)
    windows: SheetCounts = field(default_factory=SheetCounts)
    staff: SheetCounts = field(default_factory=SheetCounts)
    dry_run: bool = False
    sheets: tuple[str, ...] = ()  # the sheets the workbook had
    # Every existing record the file would change: its fields old → new, and which were edited in
    # tongban since the last import (kept, as conflicts, unless the user takes the file's value).
    changes: list[dict] = field(default_factory=list)
    conflicts: int = 0

    def summary(self) -> str:
        parts = []
        for name, counts in ((SHEET_UNITS, self.units), (SHEET_WINDOWS, self.windows), (SHEET_STAFF, self.staff)):
            if name in self.sheets:
                parts.append(f"{name}：新增 {counts.created}、更新 {counts.updated}、未变 {counts.unchanged}")
            else:
                parts.append(f"{name}：文件中无此工作表")
        text = "；".join(parts)
        if self.conflicts:
            text += (f"。冲突 {self.conflicts} 处：导入后在系统中修改过的内容"
                     f"{'将' if self.dry_run else '已'}保留系统中的值（可选择采用文件中的值）")
        return f"{text}（仅检查，数据库未修改）" if self.dry_run else text

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "sheets": list(self.sheets),
            "units": vars(self.units).copy(),
            "windows": vars(self.windows).copy(),
            "staff": vars(self.staff).copy(),
            **({"conflicts": self.conflicts, "changes": self.changes} if self.changes else {}),
        }


class ImportRejected(Exception):
    """The file was refused; nothing was written. `errors`: [{sheet, row, column, message, code}]."""

    def __init__(self, errors: list[dict], message: str | None = None):
        self.errors = errors
        self.message = message or message_for(ErrorCode.IMPORT_FAILED, count=len(errors))
        super().__init__(self.message)

    @classmethod
    def for_file(cls, message: str, code: str) -> ImportRejected:
        return cls([{"sheet": "", "row": "", "column": "", "message": message, "code": code}], message=message)


# --- Import -------------------------------------------------------------------------------------


def import_org_upload(uploaded_file, *, dry_run: bool = False, by=None, **options) -> ImportReport:
    """Check an uploaded file's type, size, unpacked size and dimensions, then import it
    (see `import_org_workbook`)."""
    try:
        check_workbook_upload(uploaded_file)
    except ValidationError as exc:
        raise ImportRejected.for_file(exc.messages[0], exc.code)
    return import_org_workbook(uploaded_file, dry_run=dry_run, by=by, **options)


def import_org_workbook(path_or_filelike, *, dry_run: bool = False, by=None, name: str | None = None,
                        take_file_values: TakeFileValues = KEEP_ALL) -> ImportReport:
    """Import units, windows and staff from a workbook; all-or-nothing, idempotent.

    A field edited in tongban since the last import keeps tongban's value (reported in
    `report.changes` as a conflict) unless `take_file_values` takes the file's ("单位:center:phone").
    Raises `ImportRejected` with every error found; the database is then unchanged.
    """
    sheets = _read_workbook(path_or_filelike, name)
    importer = _OrgImport(sheets, by=by, take=take_file_values)
    importer.plan()
    if importer.errors:
        raise ImportRejected(importer.sorted_errors())
    report = importer.report(dry_run=dry_run)
    if not dry_run:
        importer.write()
    return report


@dataclass
class _Sheet:
    spec: SheetSpec
    header_row: int
    present: set[str]  # column keys the sheet has
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, key → raw cell)


def _read_workbook(path_or_filelike, name: str | None = None) -> dict[str, _Sheet | dict]:
    """Every known sheet, read (.xlsx, .xls, .et or .ods, checked for size and dimensions first); a
    sheet whose header cannot be found maps to its error instead."""
    try:
        book = read_workbook(path_or_filelike, name=name)
    except SpreadsheetError as exc:
        raise ImportRejected.for_file(exc.messages[0], exc.code) from exc
    names = {_normalise_header(sheet.name): sheet for sheet in book}
    found: dict[str, _Sheet | dict] = {}
    for spec in SHEETS:
        if spec.name in names:
            found[spec.name] = _read_sheet(names[spec.name].rows, spec)
    if not found:
        raise ImportRejected.for_file(ExcelError.NO_SHEETS.label, ExcelError.NO_SHEETS.value)
    return found


def _read_sheet(rows: Iterable[tuple], spec: SheetSpec) -> _Sheet | dict:
    canonical = spec.canonical()
    header: dict[int, str] | None = None
    header_row = 0
    data: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=1):
        if header is None:
            if number > HEADER_SEARCH_ROWS:
                break
            candidate = {}
            for index, cell in enumerate(values):
                key = canonical.get(_normalise_header(cell))
                if key and key not in candidate.values():
                    candidate[index] = key
            if spec.key_column.key in candidate.values():
                header, header_row = candidate, number
            continue
        record = {key: values[index] for index, key in header.items() if index < len(values)}
        if any(_text(value) for value in record.values()):
            data.append((number, record))
    if header is None:
        message = _error_message(ExcelError.NO_HEADER, rows=HEADER_SEARCH_ROWS, key=spec.key_column.header)
        return {"sheet": spec.name, "row": "", "column": "", "message": message, "code": ExcelError.NO_HEADER.value}
    return _Sheet(spec=spec, header_row=header_row, present=set(header.values()), rows=data)


@dataclass
class _Row:
    """One checked row: the values it sets (only for the columns the sheet has) and what to do."""

    sheet: str
    number: int
    key: str
    values: dict[str, Any]
    existing: Any = None
    outcome: str = "unchanged"  # created / updated / unchanged
    changes: dict[str, Any] = field(default_factory=dict)
    login: tuple[str, Any] | None = None  # ("create"|"rename", username) or ("link", user)

    def __post_init__(self) -> None:
        if self.existing is None:
            self.outcome = "created"


class _OrgImport:
    """Checks a parsed workbook against itself and the database, then writes it in one transaction."""

    def __init__(self, sheets: dict[str, _Sheet | dict], *, by=None, take: TakeFileValues = KEEP_ALL):
        self.by = by
        self.take = take
        self.changes: list[RecordChanges] = []
        self.sheets: dict[str, _Sheet] = {}
        self.errors: list[dict] = []
        for name, sheet in sheets.items():
            if isinstance(sheet, dict):
                self.errors.append(sheet)
            else:
                self.sheets[name] = sheet
        self.kinds = {k.pk: k for k in UnitKind.objects.all()}
        self.units_db = {u.code: u for u in Unit.objects.select_related("parent").prefetch_related("aliases")}
        self.windows_db = {w.code: w for w in Window.objects.select_related("unit")}
        self.staff_db = {
            s.staff_no: s
            for s in Staff.objects.select_related("unit", "window", "user").prefetch_related(
                Prefetch("units_in_charge", queryset=Unit.objects.only("code"))
            )
        }
        self.unit_rows: list[_Row] = []
        self.window_rows: list[_Row] = []
        self.staff_rows: list[_Row] = []
        # The tree as it will be after the import: unit code → parent code; window code → unit code.
        self.parent_of = {code: (u.parent.code if u.parent_id else None) for code, u in self.units_db.items()}
        self.unit_of_window = {code: w.unit.code for code, w in self.windows_db.items()}
        self.unit_names = {code: u.name for code, u in self.units_db.items()}
        # What the last import wrote into each record: tells tongban's edits from the file's changes.
        self.baselines = {}
        for sheet_name, model, records in ((SHEET_UNITS, Unit, self.units_db), (SHEET_WINDOWS, Window, self.windows_db),
                                           (SHEET_STAFF, Staff, self.staff_db)):
            if sheet_name in self.sheets:
                pks = [record.pk for record in records.values()]
                self.baselines[sheet_name] = Baseline(model, pks)
                self.baselines[sheet_name].prefetch_log(pks)

    # -- errors

    def error(self, sheet: str, row: int | str, column: str, message: str, code: str) -> None:
        self.errors.append({"sheet": sheet, "row": row, "column": column, "message": message, "code": code})

    def fail(self, sheet: str, row: int | str, column: str, code: ExcelError, /, **params) -> None:
        self.error(sheet, row, column, _error_message(code, **params), code.value)

    def sorted_errors(self) -> list[dict]:
        order = {spec.name: index for index, spec in enumerate(SHEETS)}
        return sorted(self.errors,
                      key=lambda e: (order.get(e["sheet"], -1), e["row"] if isinstance(e["row"], int) else 0))

    # -- planning

    def plan(self) -> None:
        if SHEET_UNITS in self.sheets:
            self._plan_units(self.sheets[SHEET_UNITS])
        if SHEET_WINDOWS in self.sheets:
            self._plan_windows(self.sheets[SHEET_WINDOWS])
        if SHEET_STAFF in self.sheets:
            self._plan_staff(self.sheets[SHEET_STAFF])

    def _rows(self, sheet: _Sheet) -> Iterable[tuple[int, dict[str, Any], str]]:
        """Rows with their key; reports missing columns, blank keys and keys repeated in the file."""
        spec = sheet.spec
        missing = [c for c in spec.columns if c.required and c.key not in sheet.present]
        for column in missing:
            self.fail(spec.name, sheet.header_row, column.header, ExcelError.MISSING_COLUMN, column=column.header)
        if missing:
            return
        first_seen: dict[str, int] = {}
        key_header = spec.key_column.header
        for number, record in sheet.rows:
            for column in spec.columns:
                if column.required and not _text(record.get(column.key)):
                    self.fail(spec.name, number, column.header, ExcelError.REQUIRED, column=column.header)
            key = _plain(record.get(spec.key_column.key))
            if not key:
                continue
            if key in first_seen:
                self.fail(spec.name, number, key_header, ExcelError.DUPLICATE, value=key, first_row=first_seen[key])
                continue
            first_seen[key] = number
            yield number, record, key

    def _bool(self, spec: SheetSpec, number: int, key: str, raw: Any, default: bool) -> bool:
        text = _plain(raw).lower()
        if not text:
            return default
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.fail(spec.name, number, spec.header_of(key), ExcelError.NOT_BOOLEAN, value=_text(raw))
        return default

    def _choice(self, spec, number, key, raw, options: dict[str, Any], code: ExcelError, choices: str):
        text = _plain(raw)
        if text in options:
            return options[text]
        self.fail(spec.name, number, spec.header_of(key), code, value=_text(raw), choices=choices)
        return None

    def _unit_ref(self, spec: SheetSpec, number: int, key: str, code: str) -> bool:
        if code in self.parent_of:
            return True
        self.fail(spec.name, number, spec.header_of(key), ExcelError.UNKNOWN_UNIT, value=code)
        return False

    def _field_errors(self, spec: SheetSpec, number: int, model: type[models.Model], key: str, values: dict,
                      relations: tuple[str, ...]) -> None:
        """Length, slug and e-mail checks of the model itself, reported against the column.

        Relations are checked by code elsewhere; blank or unresolved cells have already been reported."""
        fields = {k: v for k, v in values.items() if k not in relations and v not in ("", None)}
        instance = model(**{spec.key_column.key: key}, **fields)
        exclude = [f.name for f in model._meta.fields if f.name not in fields and f.name != spec.key_column.key]
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                header = spec.header_of(name) if any(c.key == name for c in spec.columns) else name
                for message in messages:
                    self.error(spec.name, number, header, message, "invalid")

    def _diff(self, row: _Row, current: dict[str, Any]) -> None:
        """Compare the row with the existing record; sets `changes` (what applies) and the outcome. A
        field edited in tongban since the last import is kept unless the user takes the file's value."""
        spec = next(s for s in SHEETS if s.name == row.sheet)
        baseline = self.baselines[row.sheet]
        record = RecordChanges(pk=row.existing.pk, label=f"{row.key} {getattr(row.existing, 'name', '')}".strip(),
                               row=row.number, sheet=row.sheet)
        row.changes = {}
        for key, value in row.values.items():
            change = baseline.compare(row.existing.pk, key, spec.header_of(key), current[key], value, self.take,
                                      ref=f"{row.sheet}:{row.key}")
            if change is None:
                continue
            record.fields.append(change)
            if change.taken:
                row.changes[key] = value
        if record.fields:
            self.changes.append(record)
        row.outcome = "updated" if row.changes or row.login else "unchanged"

    def _plan_units(self, sheet: _Sheet) -> None:
        spec = sheet.spec
        kinds_by_text = {}
        for kind in self.kinds.values():
            kinds_by_text[_plain(kind.code)] = kinds_by_text[_plain(kind.name)] = kind
        kind_choices = "、".join(k.name for k in self.kinds.values())
        for number, record, code in self._rows(sheet):
            values = self._text_values(sheet, record, ("name", "short_name", "address", "phone", "service_hours"))
            if _text(record["kind"]):
                values["kind"] = self._choice(spec, number, "kind", record["kind"], kinds_by_text,
                                              ExcelError.UNKNOWN_UNIT_KIND, kind_choices)
            if "parent" in sheet.present:
                values["parent"] = _plain(record["parent"]) or None
            if "sort_order" in sheet.present:
                values["sort_order"] = self._integer(spec, number, "sort_order", record["sort_order"], default=100)
            if "is_active" in sheet.present:
                values["is_active"] = self._bool(spec, number, "is_active", record["is_active"], default=True)
            if "aliases" in sheet.present:
                values["aliases"] = frozenset(split_aliases(_text(record["aliases"])))
            row = _Row(spec.name, number, code, values, existing=self.units_db.get(code))
            self.unit_rows.append(row)
            self.parent_of[code] = values.get("parent", self.parent_of.get(code))
            self.unit_names[code] = values.get("name") or self.unit_names.get(code, code)
            self._field_errors(spec, number, Unit, code, values, relations=("kind", "parent", "aliases"))
        if "aliases" in sheet.present:
            self._check_aliases(spec)
        for row in self.unit_rows:
            parent = row.values.get("parent")
            if parent and self._unit_ref(spec, row.number, "parent", parent):
                self._check_cycle(row)
            if row.existing is not None:
                existing = row.existing
                current = {**_model_values(existing, row.values, skip=("kind", "parent", "aliases")),
                           "kind": self.kinds.get(existing.kind_id), "parent": self._parent_code(existing),
                           "aliases": frozenset(existing.alias_names)}
                self._diff(row, current)

    def _check_aliases(self, spec: SheetSpec) -> None:
        """An alias names one unit only: not twice in the file, not another unit's name, short name or
        alias (in the file or, for units the file leaves alone, in the system)."""
        header = spec.header_of("aliases")
        in_file: dict[str, str] = {}
        for row in self.unit_rows:
            for text in (row.values.get("name"), row.values.get("short_name")):
                if text:
                    in_file.setdefault(text, row.key)
        codes_in_file = {row.key for row in self.unit_rows}
        in_system = {name: code for name, code in (
            *((a.name, u.code) for u in self.units_db.values() for a in u.aliases.all()),
            *((u.name, u.code) for u in self.units_db.values()),
            *((u.short_name, u.code) for u in self.units_db.values() if u.short_name)) if code not in codes_in_file}
        for row in self.unit_rows:
            for name in sorted(row.values.get("aliases", ())):
                owner = in_file.get(name) or in_system.get(name)
                if owner is not None and owner != row.key:
                    self.fail(row.sheet, row.number, header, ExcelError.ALIAS_TAKEN, value=name,
                              owner=f"单位“{self.unit_names.get(owner, owner)}”")
                in_file.setdefault(name, row.key)

    def _parent_code(self, unit: Unit) -> str | None:
        return unit.parent.code if unit.parent_id else None

    def _check_cycle(self, row: _Row) -> None:
        chain = [row.key]
        code = self.parent_of.get(row.key)
        while code is not None and code in self.parent_of:
            chain.append(code)
            if code == row.key:
                text = " → ".join(self.unit_names.get(c, c) for c in chain)
                self.fail(row.sheet, row.number, UNIT_SHEET.header_of("parent"), ExcelError.CYCLE, chain=text)
                return
            if len(chain) > len(self.parent_of) + 1:
                return  # a cycle further up; its own rows report it
            code = self.parent_of.get(code)

    def _text_values(self, sheet: _Sheet, record: dict, keys: tuple[str, ...],
                     plain: tuple[str, ...] = ("phone",)) -> dict:
        """Text cells of the columns the sheet has; `plain` ones are NFKC-normalised, the rest only trimmed."""
        values = {}
        for key in keys:
            if key in sheet.present:
                values[key] = _plain(record[key]) if key in plain else _text(record[key])
        return values

    def _integer(self, spec: SheetSpec, number: int, key: str, raw: Any, default: int) -> int:
        text = _plain(raw)
        if not text:
            return default
        try:
            return int(text)
        except ValueError:
            self.fail(spec.name, number, spec.header_of(key), ExcelError.NOT_INTEGER, value=_text(raw))
            return default

    def _plan_windows(self, sheet: _Sheet) -> None:
        spec = sheet.spec
        kinds = {}
        for value, label in WindowKind.choices:
            kinds[value] = kinds[_plain(label)] = value
        kind_choices = "、".join(WindowKind.labels)
        for number, record, code in self._rows(sheet):
            values = self._text_values(sheet, record, ("name", "location"))
            if _text(record["kind"]):
                values["kind"] = self._choice(spec, number, "kind", record["kind"], kinds,
                                              ExcelError.UNKNOWN_WINDOW_KIND, kind_choices)
            unit_code = _plain(record["unit"])
            if unit_code and self._unit_ref(spec, number, "unit", unit_code):
                values["unit"] = unit_code
                self.unit_of_window[code] = unit_code
            if "is_active" in sheet.present:
                values["is_active"] = self._bool(spec, number, "is_active", record["is_active"], default=True)
            row = _Row(spec.name, number, code, values, existing=self.windows_db.get(code))
            self.window_rows.append(row)
            self._field_errors(spec, number, Window, code, values, relations=("unit",))
            if row.existing is not None:
                self._diff(row, {**_model_values(row.existing, values, skip=("unit",)), "unit": row.existing.unit.code})

    def _ancestors_or_self(self, code: str) -> list[str]:
        chain = []
        while code is not None and code not in chain and len(chain) <= len(self.parent_of):
            chain.append(code)
            code = self.parent_of.get(code)
        return chain

    def _plan_staff(self, sheet: _Sheet) -> None:
        spec = sheet.spec
        roles = dict(ROLE_ALIASES)
        for value, label in Role.choices:
            roles[value] = roles[_plain(label)] = value
        role_choices = "、".join(Role.labels)
        usernames: dict[str, int] = {}
        users = self._users_named(sheet)
        for number, record, staff_no in self._rows(sheet):
            values = self._text_values(sheet, record, ("name", "position", "phone", "email"), plain=("phone", "email"))
            unit_code = _plain(record["unit"])
            if unit_code and self._unit_ref(spec, number, "unit", unit_code):
                values["unit"] = unit_code
            if "window" in sheet.present:
                window = _plain(record["window"]) or None
                values["window"] = self._staff_window(spec, number, window, values.get("unit"))
            if "role" in sheet.present:
                text = _plain(record["role"])
                values["role"] = self._choice(spec, number, "role", text, roles, ExcelError.UNKNOWN_ROLE,
                                              role_choices) if text else Role.STAFF
            if "is_leader" in sheet.present:
                values["is_leader"] = self._bool(spec, number, "is_leader", record["is_leader"], default=False)
            if "units_in_charge" in sheet.present:
                codes = _codes(record["units_in_charge"])
                valid = [c for c in codes if self._unit_ref(spec, number, "units_in_charge", c)]
                values["units_in_charge"] = frozenset(valid)
            if "is_active" in sheet.present:
                values["is_active"] = self._bool(spec, number, "is_active", record["is_active"], default=True)
            row = _Row(spec.name, number, staff_no, values, existing=self.staff_db.get(staff_no))
            self.staff_rows.append(row)
            if "username" in sheet.present:
                self._plan_login(row, _plain(record["username"]), usernames, users)
            self._field_errors(spec, number, Staff, staff_no, values, relations=("unit", "window", "units_in_charge"))
            if row.existing is not None:
                existing = row.existing
                current = {
                    **_model_values(existing, values, skip=("unit", "window", "units_in_charge")),
                    "unit": existing.unit.code,
                    "window": existing.window.code if existing.window_id else None,
                    "units_in_charge": frozenset(u.code for u in existing.units_in_charge.all()),
                }
                self._diff(row, current)

    def _staff_window(self, spec: SheetSpec, number: int, window: str | None, unit: str | None) -> str | None:
        if window is None:
            return None
        if window not in self.unit_of_window:
            self.fail(spec.name, number, spec.header_of("window"), ExcelError.UNKNOWN_WINDOW, value=window)
            return None
        window_unit = self.unit_of_window[window]
        if unit and window_unit not in self._ancestors_or_self(unit):
            self.fail(spec.name, number, spec.header_of("window"), ExcelError.WINDOW_OUTSIDE_UNIT, window=window,
                      window_unit=self.unit_names.get(window_unit, window_unit), unit=self.unit_names.get(unit, unit))
        return window

    def _users_named(self, sheet: _Sheet) -> dict[str, Any]:
        if "username" not in sheet.present:
            return {}
        names = {_plain(record["username"]) for _, record in sheet.rows} - {""}
        return {u.username: u for u in get_user_model().objects.filter(username__in=names).select_related("staff")}

    def _plan_login(self, row: _Row, username: str, seen: dict[str, int], users: dict[str, Any]) -> None:
        """A blank 登录账号 leaves an existing login alone; a new one is created, linked or renamed to."""
        if not username:
            return
        header = STAFF_SHEET.header_of("username")
        user_model = get_user_model()
        username_field = user_model._meta.get_field("username")
        try:
            username_field.run_validators(username)
        except ValidationError:
            self.fail(row.sheet, row.number, header, ExcelError.USERNAME_INVALID, value=username)
            return
        if username in seen:
            self.fail(row.sheet, row.number, header, ExcelError.DUPLICATE, value=username, first_row=seen[username])
            return
        seen[username] = row.number
        current = row.existing.user if row.existing is not None and row.existing.user_id else None
        if current is not None and current.username == username:
            return
        owner = users.get(username)
        owner_staff = getattr(owner, "staff", None) if owner is not None else None
        if owner_staff is not None and owner_staff.staff_no != row.key:
            self.fail(row.sheet, row.number, header, ExcelError.USERNAME_TAKEN, value=username,
                      staff_no=owner_staff.staff_no)
        elif owner is not None and current is not None:
            self.fail(row.sheet, row.number, header, ExcelError.USERNAME_EXISTS, value=username)
        elif owner is not None:
            row.login = ("link", owner)
        else:
            row.login = ("rename" if current is not None else "create", username)

    # -- the result

    def report(self, *, dry_run: bool) -> ImportReport:
        report = ImportReport(dry_run=dry_run, sheets=tuple(self.sheets),
                              changes=[record.as_json() for record in self.changes],
                              conflicts=sum(len(record.conflicts) for record in self.changes))
        for rows, counts in ((self.unit_rows, report.units), (self.window_rows, report.windows),
                             (self.staff_rows, report.staff)):
            for row in rows:
                counts.count(row.outcome)
        return report

    # -- writing

    def write(self) -> None:
        row: _Row | None = None
        try:
            with transaction.atomic():
                self.units = dict(self.units_db)
                self.moved = False
                for row in self._units_in_tree_order():
                    self._write_unit(row)
                self.windows = dict(self.windows_db)
                for row in self.window_rows:
                    self._write_window(row)
                self.staff = dict(self.staff_db)
                for row in self.staff_rows:
                    self._write_staff(row)
                self._remember()
        except (ValidationError, IntegrityError) as exc:
            # e.g. someone edited the same record between the check and the write (a stale version)
            messages = exc.messages if isinstance(exc, ValidationError) else [WRITE_CONFLICT]
            code = getattr(exc, "code", None) or "write_failed"
            errors = [{"sheet": getattr(row, "sheet", ""), "row": getattr(row, "number", ""), "column": "",
                       "message": message, "code": code} for message in messages]
            raise ImportRejected(errors) from exc

    def _remember(self) -> None:
        """What this import wrote, per record: the file's values (kept conflicts included)."""
        for sheet_name, rows, records in ((SHEET_UNITS, self.unit_rows, self.units),
                                          (SHEET_WINDOWS, self.window_rows, self.windows),
                                          (SHEET_STAFF, self.staff_rows, self.staff)):
            if sheet_name in self.baselines:
                self.baselines[sheet_name].remember({records[row.key].pk: row.values for row in rows}, by=self.by)

    def _units_in_tree_order(self) -> list[_Row]:
        """Parents before children, whatever the order of the sheet (depth in the tree to be)."""
        depth: dict[str, int] = {}

        def depth_of(code: str) -> int:
            if code not in depth:
                parent = self.parent_of.get(code)
                depth[code] = 0 if parent is None else depth_of(parent) + 1
            return depth[code]

        return sorted(self.unit_rows, key=lambda r: depth_of(r.key))

    def _unit(self, code: str | None) -> Unit | None:
        """The unit as it is now in this transaction (paths change when an ancestor moves)."""
        if code is None:
            return None
        unit = self.units[code]
        if self.moved:
            unit.refresh_from_db(fields=["path", "depth"])
        return unit

    def _write_unit(self, row: _Row) -> None:
        values = dict(row.values)
        if row.outcome == "created":
            parent = self._unit(values.pop("parent", None))
            self.units[row.key] = services.create_unit(code=row.key, parent=parent, by=self.by, **values)
        elif row.outcome == "updated":
            changes = dict(row.changes)
            if "parent" in changes:
                changes["parent"] = self._unit(changes["parent"])
                self.moved = True
            self.units[row.key] = services.update_unit(row.existing, expected_version=row.existing.version,
                                                       by=self.by, **changes)

    def _write_window(self, row: _Row) -> None:
        values = dict(row.values)
        if row.outcome == "created":
            unit = self.units[values.pop("unit")]
            self.windows[row.key] = services.create_window(code=row.key, unit=unit, by=self.by, **values)
        elif row.outcome == "updated":
            changes = dict(row.changes)
            if "unit" in changes:
                changes["unit"] = self.units[changes["unit"]]
            self.windows[row.key] = services.update_window(row.existing, expected_version=row.existing.version,
                                                           by=self.by, **changes)

    def _write_staff(self, row: _Row) -> None:
        values = dict(row.changes if row.outcome == "updated" else row.values)
        if "unit" in values:
            values["unit"] = self.units[values["unit"]]
        if "window" in values:
            values["window"] = self.windows[values["window"]] if values["window"] else None
        if "units_in_charge" in values:
            values["units_in_charge"] = [self.units[code] for code in sorted(values["units_in_charge"])]
        if row.outcome == "created":
            action, target = row.login or ("", None)
            if action == "create":
                values["username"] = target  # create_staff makes the login, with an unusable password
            staff = services.create_staff(staff_no=row.key, by=self.by, **values)
            if action == "link":
                staff = services.update_staff(staff, expected_version=staff.version, by=self.by, user=target)
            self.staff[row.key] = staff
        elif row.outcome == "updated":
            if row.login is not None:
                values["user"] = self._login(row)
            services.update_staff(row.existing, expected_version=row.existing.version, by=self.by, **values)

    def _login(self, row: _Row):
        """The login an existing person gets: an existing user linked, theirs renamed, or a new one."""
        action, target = row.login
        if action == "link":
            return target
        if action == "rename":
            user = row.existing.user
            user.username = target
            user.save(update_fields=["username"])
            return user
        # no password given: create_user leaves it unusable until an administrator sets one
        return get_user_model().objects.create_user(username=target, email=row.existing.email,
                                                    first_name=row.values.get("name", row.existing.name))


def _model_values(instance: models.Model, keys: Iterable[str], skip: tuple[str, ...]) -> dict[str, Any]:
    return {key: getattr(instance, key) for key in keys if key not in skip}


# --- Export -------------------------------------------------------------------------------------


def _tree_order(units: list[Unit]) -> list[Unit]:
    """Depth first, siblings by (排序, 单位代码); a unit whose parent is not exported is a root."""
    present = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in present else None].append(unit)
    ordered: list[Unit] = []
    stack = sorted(children[None], key=lambda u: (u.sort_order, u.code), reverse=True)
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(sorted(children[unit.pk], key=lambda u: (u.sort_order, u.code), reverse=True))
    return ordered


def _visible(queryset: models.QuerySet, user) -> models.QuerySet:
    """`user=None` is the command line: everything."""
    return queryset if user is None else queryset.visible_to(user)


def _yes_no(value: bool) -> str:
    return YES if value else NO


def export_org_workbook(user=None) -> Workbook:
    """The units, windows and staff `user` may see, in tree order, in the layout the import reads."""
    units = _tree_order(list(_visible(Unit.objects.select_related("kind", "parent").prefetch_related("aliases"), user)))
    position = {unit.pk: index for index, unit in enumerate(units)}
    last = len(units)
    windows = sorted(_visible(Window.objects.select_related("unit"), user),
                     key=lambda w: (position.get(w.unit_id, last), w.code))
    staff = sorted(
        _visible(Staff.objects.select_related("unit", "window", "user"), user).prefetch_related(
            Prefetch("units_in_charge", queryset=Unit.objects.only("code"))),
        key=lambda s: (position.get(s.unit_id, last), s.staff_no),
    )
    roles = dict(Role.choices)
    kinds = dict(WindowKind.choices)
    choices = _help_values()
    book = Workbook()
    book.remove(book.active)
    _write_sheet(book, UNIT_SHEET, choices, (
        [u.code, u.name, u.short_name, "、".join(u.alias_names), u.kind.name, u.parent.code if u.parent_id else "",
         u.address, u.phone, u.service_hours, u.sort_order, _yes_no(u.is_active)] for u in units))
    _write_sheet(book, WINDOW_SHEET, choices, (
        [w.code, w.name, kinds.get(w.kind, w.kind), w.unit.code, w.location, _yes_no(w.is_active)] for w in windows))
    _write_sheet(book, STAFF_SHEET, choices, (
        [s.staff_no, s.name, s.unit.code, s.window.code if s.window_id else "", s.position, roles.get(s.role, s.role),
         _yes_no(s.is_leader), "、".join(sorted(u.code for u in s.units_in_charge.all())), s.phone, s.email,
         s.user.username if s.user_id else "", _yes_no(s.is_active)] for s in staff))
    _write_help(book, choices)
    return book


def export_org_bytes(user=None) -> bytes:
    buffer = io.BytesIO()
    export_org_workbook(user).save(buffer)
    return buffer.getvalue()


HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _write_sheet(book: Workbook, spec: SheetSpec, choices: dict[str, list[str]], rows: Iterable[list]) -> None:
    sheet = book.create_sheet(spec.name)
    sheet.append([column.header for column in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for values in rows:
        append_row(sheet, values)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _add_choice_lists(sheet, spec, {name: len(values) for name, values in choices.items()})


# The help sheet lists the allowed values; the data sheets offer them as drop-downs.
_HELP_LISTS = {"单位类型": "B", "窗口类型": "C", "系统角色": "D", "是/否": "E"}


def _help_values() -> dict[str, list[str]]:
    return {
        "单位类型": list(UnitKind.objects.order_by("sort_order", "code").values_list("name", flat=True)),
        "窗口类型": list(WindowKind.labels),
        "系统角色": list(Role.labels),
        "是/否": [YES, NO],
    }


def _add_choice_lists(sheet, spec: SheetSpec, sizes: dict[str, int]) -> None:
    lists = {"kind": "单位类型" if spec is UNIT_SHEET else "窗口类型", "role": "系统角色",
             "is_active": "是/否", "is_leader": "是/否"}
    for index, column in enumerate(spec.columns, start=1):
        name = lists.get(column.key)
        if name is None:
            continue
        letter = _HELP_LISTS[name]
        validation = DataValidation(type="list", formula1=f"{SHEET_HELP}!${letter}$2:${letter}${sizes[name] + 1}",
                                    allow_blank=True)
        validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}5000")
        sheet.add_data_validation(validation)


HELP_TEXT = (
    "填写说明",
    "1. 一个工作簿三张工作表：单位、窗口、人员；表头可在前 5 行内，表头上方可有标题行。",
    "2. 按单位代码、窗口编号、工号匹配：已存在的更新，不存在的新增；与系统一致的行不做修改。",
    "3. 整份文件要么全部导入，要么一行不改：任何一处错误都会按工作表、行号、列名列出。",
    "4. 上级单位可以写在下级单位的后面；分管单位代码、单位别名可填多个，用“、”“，”或“；”分隔。",
    "   别名是台账里对单位的其他写法（如“市场监管局”“人社局”），导入整改台账时据此识别单位；一个名称只能指一个单位。",
    "5. 登录账号留空不会删除已有账号；新账号没有密码，需由管理员设置后方可登录。",
)


def _write_help(book: Workbook, choices: dict[str, list[str]]) -> None:
    sheet = book.create_sheet(SHEET_HELP)
    sheet.column_dimensions["A"].width = 80
    for number, text in enumerate(HELP_TEXT, start=1):
        sheet.cell(row=number, column=1, value=text).font = Font(bold=number == 1)
    for name, values in choices.items():
        letter = _HELP_LISTS[name]
        sheet.column_dimensions[letter].width = 18
        sheet[f"{letter}1"] = name
        sheet[f"{letter}1"].font = Font(bold=True)
        for offset, value in enumerate(values, start=2):
            sheet[f"{letter}{offset}"] = value


def org_template() -> Workbook:
    """The org workbook's three sheets, one example row each, and the 说明 sheet with the allowed values."""
    root = Unit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").values_list("code", flat=True).first()
    choices = _help_values()
    book = Workbook()
    book.remove(book.active)
    _write_sheet(book, UNIT_SHEET, choices, [[
        "dept-example", "县示例局（示例，请改写）", "示例局", "示例局、县示例局", "进驻部门", root or "",
        "XX县人民路88号政务服务大厅二楼", "0377-1234567", "法定工作日 8:30—12:00，14:30—17:30", 100, YES]])
    _write_sheet(book, WINDOW_SHEET, choices, [["B99", "示例局专业窗口", "专业窗口", "dept-example", "二楼B区", YES]])
    _write_sheet(book, STAFF_SHEET, choices, [[
        "S9001", "张示例", "dept-example", "B99", "窗口工作人员", "窗口人员", NO, "", "13800000000",
        "zhang@example.cn", "", YES]])
    for sheet in (book[name] for name in SHEET_ORDER):
        for cell in sheet[2]:
            cell.font = Font(color="7F7F7F", italic=True)
    _write_help(book, choices)
    book[SHEET_HELP].cell(row=len(HELP_TEXT) + 2, column=1,
                          value="灰色斜体的是示例行，请改写或删除；导出文件即是同样的格式，也可以导出后修改再导入。")
    return book
