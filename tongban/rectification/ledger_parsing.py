"""Reading the 整改台账 offices really keep in Excel: pure parsing, no database.

`parse_ledger(file)` finds the header on any of the first rows by its column names (synonyms below),
fills merged cells from their top-left cell, skips blank rows, group rows ("二、意见建议") and the
footer ("填报人：…", "注：…"), normalises full-width digits and stray spaces, reads deadlines
(`dates.parse_deadline`) and statuses (`parse_status`), and returns every measure row together with
every problem found, each with its Excel row number and column header, so the import can show them all
and change nothing. The database import (services) turns the rows into findings and measures.

Conventions:
  * `mapping` maps a field to a 0-based column index into `columns` (the header texts); the preview
    lets the user change it and passes the changes back as `column_overrides` (None unmaps a field).
  * An empty aspect, finding or 问题类型 cell takes the value above it (offices write a finding once
    and leave the rows of its other measures blank); other columns only fill down through merged cells.
  * Several units in one 牵头单位 cell ("审批股、政务股"): the first leads, the others are added to the
    supporting units (公文 convention: 排在第一位的为牵头单位).
  * 问题 vs 意见建议 comes from a 问题类型 column if there is one, otherwise from "意见建议" / "建议" in
    the aspect or in the group row above.
  * Dates without a year ("10月底前") take `reference_year`, or else the year in the title row.

Reading: `tongban.core.spreadsheets.read_workbook` (python-calamine) reads .xlsx, .xls, WPS .et and
.ods with their merged ranges, after checking the file's unpacked size and dimensions; the rules below
are the same for every format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Iterable

from tongban.core.spreadsheets import SpreadsheetError, read_workbook
from tongban.rectification.dates import DeadlineError, normalise, parse_deadline

HEADER_SCAN_ROWS = 10

# --- Statuses ---------------------------------------------------------------------------------------
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
PENDING_SIGNOFF = "pending_signoff"
VERIFIED = "verified"
ONGOING = "ongoing"

STATUS_WORDS = {
    VERIFIED: ("已完成", "已整改到位", "完成", "已整改", "整改到位", "已整改完成", "整改完成", "已完成整改", "已销号", "已办结"),
    IN_PROGRESS: ("整改中", "正在整改", "推进中", "正在推进", "进行中", "基本完成", "部分完成", "未完成", "退回", "已退回", "逾期", "已逾期"),
    ONGOING: ("持续整改", "长期持续整改", "长期坚持", "长期整改", "常态化推进", "持续推进"),
    NOT_STARTED: ("未启动", "未开始", "未整改", "尚未启动", "待整改"),
    PENDING_SIGNOFF: ("申请销号", "待销号", "已申请销号"),
}
_STATUS_BY_WORD = {word: code for code, words in STATUS_WORDS.items() for word in words}
# "已整改到位，长期坚持": the strongest part wins.
_STATUS_PRIORITY = (ONGOING, PENDING_SIGNOFF, IN_PROGRESS, VERIFIED, NOT_STARTED)
# What the standard export writes; every label parses back to its code.
STATUS_LABELS = {
    NOT_STARTED: "未启动",
    IN_PROGRESS: "整改中",
    PENDING_SIGNOFF: "申请销号",
    VERIFIED: "已整改到位",
    ONGOING: "长期持续整改",
}


class StatusError(ValueError):
    def __init__(self, message: str, *, code: str = "status_unknown") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def parse_status(text: object) -> str:
    """整改状态 as written → not_started / in_progress / pending_signoff / verified / ongoing."""
    cleaned = re.sub(r"[。.!！]+$", "", normalise("" if text is None else str(text)))
    if not cleaned:
        return NOT_STARTED
    parts = [part for part in re.split(r"[,，、;；/]+", cleaned) if part]
    codes = {_STATUS_BY_WORD.get(part) for part in parts}
    if None in codes:
        raise StatusError(f"未知的整改状态：{str(text).strip()}（可填 未启动、整改中、申请销号、已整改到位、长期持续整改）")
    return next(code for code in _STATUS_PRIORITY if code in codes)


# --- Columns ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerColumn:
    field: str
    header: str  # as the standard export writes it
    width: int  # Excel column width for the export
    synonyms: tuple[str, ...]  # header texts offices use for it (the export's header first)


_COLUMNS = (
    LedgerColumn("seq", "序号", 6, ("序号", "编号")),
    LedgerColumn("aspect", "问题方面", 18, ("问题方面", "问题类别", "方面", "反馈问题方面", "所属方面", "问题领域")),
    LedgerColumn("finding_kind", "问题类型", 10, ("问题类型", "类别", "类型", "问题性质")),
    LedgerColumn("finding", "反馈问题", 36, (
        "反馈问题", "问题", "具体问题", "问题描述", "存在问题", "问题表现", "巡察反馈问题", "反馈意见", "具体问题描述",
    )),
    LedgerColumn("measure_text", "整改措施", 40, ("整改措施", "整改任务", "具体整改措施", "整改举措", "措施")),
    LedgerColumn("lead_unit_name", "牵头单位", 16, (
        "牵头单位", "责任单位", "责任科室", "责任股室", "牵头科室", "牵头股室", "牵头部门", "责任部门",
    )),
    LedgerColumn("coordinating_unit_names", "协调单位", 14, ("协调单位", "协调科室", "协调股室", "协调部门")),
    LedgerColumn("supporting_unit_names", "配合单位", 14, ("配合单位", "配合科室", "配合股室", "配合部门")),
    LedgerColumn("leader_name", "责任领导", 10, ("责任领导", "分管领导", "牵头领导")),
    LedgerColumn("person_name", "责任人", 10, ("责任人", "具体责任人", "经办人")),
    LedgerColumn("deadline", "整改时限", 16, ("整改时限", "完成时限", "时限", "完成时间", "整改期限", "整改时间")),
    LedgerColumn("status", "整改状态", 12, ("整改状态", "完成情况", "进展", "状态", "整改情况")),
    LedgerColumn("progress_text", "整改进展", 36, ("整改进展", "进展情况", "整改进展情况", "工作进展", "整改成效", "整改落实情况")),
)
FIELD_LABELS = {column.field: column.header for column in _COLUMNS}
REQUIRED_FIELDS = ("finding", "measure_text", "lead_unit_name", "deadline")
_SYNONYMS = {normalise(synonym): column.field for column in _COLUMNS for synonym in column.synonyms}
_SYNONYMS_LONGEST_FIRST = sorted(_SYNONYMS, key=len, reverse=True)


def ledger_columns() -> list[LedgerColumn]:
    """The standard ledger layout, in order: the exporter writes it and the parser reads it back."""
    return list(_COLUMNS)


def format_deadline(kind: str, value: date | None) -> str:
    """How the export writes a deadline so that `parse_deadline` reads it back the same."""
    day = f"{value.year}年{value.month}月{value.day}日" if value else ""
    if kind == "immediate":
        return f"立行立改，{day}前" if day else "立行立改"
    if kind == "ongoing":
        return f"{day}前，长期坚持" if day else "长期坚持"
    return f"{day}前" if day else ""


def format_unit_names(names: Iterable[str]) -> str:
    return "、".join(names)


def match_header(text: object) -> str | None:
    """The field a header cell names: exact synonym, then without its （…） note, then the longest
    synonym it contains ("整改完成时限" → deadline); long texts (title rows) never match."""
    if text is None:
        return None
    cleaned = normalise(str(text)).strip("*:：")
    if not cleaned or len(cleaned) > 20:
        return None
    for candidate in (cleaned, re.sub(r"\(.*?\)", "", cleaned)):
        if candidate in _SYNONYMS:
            return _SYNONYMS[candidate]
    return next((_SYNONYMS[s] for s in _SYNONYMS_LONGEST_FIRST if s in cleaned), None)


# --- Results ----------------------------------------------------------------------------------------
@dataclass
class LedgerRow:
    excel_row: int
    aspect: str
    finding_kind: str  # "problem" / "suggestion"
    finding: str
    measure_text: str
    lead_unit_name: str
    coordinating_unit_names: list[str]
    supporting_unit_names: list[str]
    leader_name: str
    person_name: str
    deadline_kind: str  # "date" / "immediate" / "ongoing"
    deadline: date | None
    status_code: str
    progress_text: str


@dataclass
class ParsedLedger:
    sheet_title: str = ""
    title_text: str = ""
    header_row: int | None = None  # Excel row number of the (last) header row
    mapping: dict[str, int] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    rows: list[LedgerRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"row": int | None, "column": str, "message": str}
    reference_year: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def column_header(self, field_name: str) -> str:
        index = self.mapping.get(field_name)
        return self.columns[index] if index is not None and index < len(self.columns) else FIELD_LABELS[field_name]


# --- Cell text --------------------------------------------------------------------------------------
_FULLWIDTH = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])\s*")
_NEEDS_CLEANING = re.compile(r"^\s|\s$|[\r\n]|[\uff10-\uff5a]|_x000D_")
_UNIT_SEPARATORS = re.compile(r"[、，,;；\n/／]+")
_FOOTER = re.compile(
    r"^(?:填报人|填表人|审核人|制表人|制表|填报单位|填报日期|填报时间|联系人|联系电话|单位负责人|负责人|"
    r"主要领导|分管领导签字|注|备注|说明)\s*[:：]"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def cell_text(value: object) -> str:
    """A cell as text: full-width digits and letters half-width, lines trimmed, no empty lines.

    Chinese punctuation is left alone (NFKC would turn "，" into ",")."""
    if value is None:
        return ""
    if type(value) is str and not _NEEDS_CLEANING.search(value):
        return value  # most cells: nothing to clean
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("_x000D_", "").translate(_FULLWIDTH)
    lines = (line.strip(" \t\u3000\xa0") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _name(text: str) -> str:
    return re.sub(r"\s+", "", text)


def split_unit_names(value: object) -> list[str]:
    names: list[str] = []
    for part in _UNIT_SEPARATORS.split(cell_text(value)):
        part = _name(part)
        if part and part not in names:
            names.append(part)
    return names


# --- Reading the workbook ---------------------------------------------------------------------------
def _read_sheets(source, name: str | None = None) -> list[tuple[str, list[list[object]], list[tuple[int, int, int, int]]]]:
    """(title, rows of values from A1, merged ranges as (min_col, min_row, max_col, max_row), 1-based)
    per visible sheet, the active one first: .xlsx, .xls, WPS .et and .ods alike, checked for size and
    dimensions before reading (`tongban.core.spreadsheets`)."""
    return [(sheet.name, sheet.rows, sheet.merges) for sheet in read_workbook(source, name=name)]


def _fill_merges(rows: list[list[object]], merges) -> set[tuple[int, int]]:
    """Copy each merged range's top-left value into its other cells; return those cells (0-based)."""
    filled = set()
    for min_col, min_row, max_col, max_row in merges:
        if min_row > len(rows):
            continue
        value = rows[min_row - 1][min_col - 1] if min_col - 1 < len(rows[min_row - 1]) else None
        for r in range(min_row - 1, min(max_row, len(rows))):
            row = rows[r]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col - 1, max_col):
                if (r, c) != (min_row - 1, min_col - 1):
                    row[c] = value
                    filled.add((r, c))
    return filled


def _find_header(rows: list[list[object]]) -> tuple[int, dict[int, str]] | None:
    """The row (0-based) among the first ones naming the most fields, with its column → field."""
    best: tuple[int, dict[int, str]] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        fields = {column: f for column, value in enumerate(row) if (f := match_header(value))}
        if "measure_text" in fields.values() and len(set(fields.values())) >= 3:
            if best is None or len(set(fields.values())) > len(set(best[1].values())):
                best = (index, fields)
    return best


def _invert(column_fields: dict[int, str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for column in sorted(column_fields):
        mapping.setdefault(column_fields[column], column)
    return mapping


def _header_text(value: object) -> str:
    return re.sub(r"\s+", "", cell_text(value))


# --- Parsing ----------------------------------------------------------------------------------------
def parse_ledger(
    source: str | IO[bytes],
    *,
    column_overrides: dict[str, int | None] | None = None,
    reference_year: int | None = None,
    name: str | None = None,
) -> ParsedLedger:
    """Parse a ledger workbook (path or binary file object; `name` is the file name messages give, by
    default the path's); never raises for bad content."""
    result = ParsedLedger()
    try:
        sheets = _read_sheets(source, name)
    except SpreadsheetError as exc:  # already in Chinese, naming the file
        result.errors.append(_error(None, "", exc.messages[0]))
        return result
    except OSError as exc:
        result.errors.append(_error(None, "", f"无法打开文件：{exc.strerror or exc}"))
        return result

    for title, rows, merges in sheets:
        filled = _fill_merges(rows, merges)
        header = _find_header(rows)
        if header is None:
            continue
        result.sheet_title = title
        _parse_sheet(result, rows, filled, header, column_overrides, reference_year)
        return result
    result.errors.append(_error(
        None, "", f"未找到表头：前 {HEADER_SCAN_ROWS} 行中没有一行同时包含“整改措施”“牵头单位”“整改时限”等列名"
    ))
    return result


def _error(row: int | None, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


def _parse_sheet(result: ParsedLedger, rows, filled, header, column_overrides, reference_year) -> None:
    header_index, column_fields = header
    width = max(len(row) for row in rows[: header_index + 2])
    columns = [_header_text(v) for v in rows[header_index]] + [""] * (width - len(rows[header_index]))
    data_start = header_index + 1
    # A second header row under a merged group ("责任单位" over 牵头 / 协调 / 配合).
    if header_index + 1 < len(rows):
        below = rows[header_index + 1]
        texts = {c: v for c, v in enumerate(below) if cell_text(v)}
        sub = {c: f for c, v in texts.items() if (f := _exact_header(v))}
        if len(sub) >= 2 and len(sub) == len(texts) and any(column_fields.get(c) != f for c, f in sub.items()):
            for column, f in sub.items():
                column_fields[column] = f
                columns[column] = _header_text(below[column])
            data_start = header_index + 2
    result.header_row = data_start  # Excel numbering: the last header row
    result.columns = columns
    mapping = _invert(column_fields)
    for field_name, column in (column_overrides or {}).items():
        if field_name not in FIELD_LABELS:
            result.errors.append(_error(None, "", f"未知的字段：{field_name}"))
        elif column is None:
            mapping.pop(field_name, None)
        elif not 0 <= column < len(columns):
            result.errors.append(_error(None, FIELD_LABELS[field_name], f"列号超出范围：{column}"))
        else:
            mapping[field_name] = column
    result.mapping = mapping

    above = [cell_text(v) for row in rows[:header_index] for v in row if cell_text(v)]
    result.title_text = above[0] if above else ""
    if reference_year is None:
        found = next((m for text in above if (m := _YEAR.search(text))), None)
        reference_year = int(found.group(1)) if found else None
    result.reference_year = reference_year

    missing = [f for f in REQUIRED_FIELDS if f not in mapping]
    for field_name in missing:
        result.errors.append(_error(result.header_row, FIELD_LABELS[field_name], f"缺少必需的列：{FIELD_LABELS[field_name]}"))
    if missing or result.errors:
        return
    _RowReader(result, rows, filled, data_start, reference_year).read()


def _exact_header(value: object) -> str | None:
    cleaned = normalise(str(value)).strip("*:：")
    return _SYNONYMS.get(cleaned) or _SYNONYMS.get(re.sub(r"\(.*?\)", "", cleaned))


class _RowReader:
    """Walks the data rows once, carrying aspect / finding / kind down and collecting every error."""

    def __init__(self, result: ParsedLedger, rows, filled, data_start: int, reference_year: int | None) -> None:
        self.result = result
        self.rows = rows
        self.filled = filled
        self.data_start = data_start
        self.reference_year = reference_year
        self.mapping = result.mapping
        self.group = ""
        self.aspect = ""
        self.finding = ""
        self.kind_text = ""
        self.row: list[object] = []  # the row being read: raw values and their cleaned texts
        self.texts: list[str] = []

    def value(self, field_name: str) -> object:
        column = self.mapping.get(field_name)
        return self.row[column] if column is not None and column < len(self.row) else None

    def text(self, field_name: str) -> str:
        column = self.mapping.get(field_name)
        return self.texts[column] if column is not None and column < len(self.texts) else ""

    def fail(self, excel_row: int, field_name: str, message: str) -> None:
        self.result.errors.append(_error(excel_row, self.result.column_header(field_name), message))

    def read(self) -> None:
        after_footer = False
        seq_column = self.mapping.get("seq")
        for index in range(self.data_start, len(self.rows)):
            self.row = self.rows[index]
            self.texts = [cell_text(value) for value in self.row]
            own = [(c, text) for c, text in enumerate(self.texts) if text and (index, c) not in self.filled]
            if not own or (len(own) == 1 and own[0][0] == seq_column and own[0][1].isdigit()):
                continue  # blank, a number with nothing else, or only the continuation of merged cells
            if _FOOTER.match(own[0][1]) or (after_footer and len(own) == 1):
                after_footer = True
                continue
            self.read_row(index + 1, own)

    def read_row(self, excel_row: int, own: list[tuple[int, str]]) -> None:
        aspect = _ORDINAL.sub("", self.text("aspect"))
        finding = self.text("finding")
        kind_text = self.text("finding_kind")
        measure = self.text("measure_text")
        present = [text for text in self.texts if text]
        if len(own) == 1 and set(present) == {own[0][1]} and (
            len(present) > 1 or own[0][0] not in [self.mapping.get(f) for f in ("finding", "measure_text", "lead_unit_name")]
        ):
            # A group row: one text alone, or merged across the table ("二、意见建议"), or an aspect
            # written on its own row above its findings.
            self.group = self.aspect = _ORDINAL.sub("", own[0][1])
            self.finding = self.kind_text = ""
            return
        if aspect and aspect != self.aspect:
            self.aspect, self.finding, self.kind_text = aspect, "", ""
        if finding:
            self.finding = finding
        if kind_text:
            self.kind_text = kind_text
        if not measure:
            if any(self.text(f) for f in ("lead_unit_name", "deadline", "status", "leader_name")):
                self.fail(excel_row, "measure_text", "整改措施为空")
            return  # a finding written on its own row, its measures below
        self.measure_row(excel_row, measure)

    def measure_row(self, excel_row: int, measure: str) -> None:
        errors_before = len(self.result.errors)
        if not self.finding:
            self.fail(excel_row, "finding", "缺少反馈问题")
        kind = self.finding_kind(excel_row)
        lead_units = split_unit_names(self.value("lead_unit_name"))
        if not lead_units:
            self.fail(excel_row, "lead_unit_name", "缺少牵头单位")
        coordinating = split_unit_names(self.value("coordinating_unit_names"))
        supporting = lead_units[1:] + [n for n in split_unit_names(self.value("supporting_unit_names")) if n not in lead_units]
        deadline = None
        try:
            deadline = parse_deadline(self.value("deadline"), reference_year=self.reference_year)
        except DeadlineError as exc:
            self.fail(excel_row, "deadline", exc.message)
        status = NOT_STARTED
        if "status" in self.mapping:
            try:
                status = parse_status(self.value("status"))
            except StatusError as exc:
                self.fail(excel_row, "status", exc.message)
        if len(self.result.errors) > errors_before:
            return
        self.result.rows.append(LedgerRow(
            excel_row=excel_row,
            aspect=self.aspect,
            finding_kind=kind,
            finding=self.finding,
            measure_text=measure,
            lead_unit_name=lead_units[0],
            coordinating_unit_names=coordinating,
            supporting_unit_names=supporting,
            leader_name=_name(self.text("leader_name")),
            person_name=_name(self.text("person_name")),
            deadline_kind=deadline.kind,
            deadline=deadline.date,
            status_code=status,
            progress_text=self.text("progress_text"),
        ))

    def finding_kind(self, excel_row: int) -> str:
        if self.kind_text:
            if "建议" in self.kind_text:
                return "suggestion"
            if "问题" in self.kind_text:
                return "problem"
            self.fail(excel_row, "finding_kind", f"未知的问题类型：{self.kind_text}（应为“问题”或“意见建议”）")
            return "problem"
        return "suggestion" if "建议" in self.aspect or "建议" in self.group else "problem"
