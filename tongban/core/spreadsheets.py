"""Reading the spreadsheets offices have — .xlsx, .xls, WPS .et and .ods — safely, for every import.

Two steps, both here so that every import (ledger, org, catalogue, calendar) gets them:

1. `inspect_workbook(data, name)` looks at the file *before* any parser does, and refuses with a
   Chinese message naming the file:
   - a container that is not a spreadsheet (a zip that is no workbook, a web page saved as .xls,
     a password-protected file);
   - more unpacked content than `SPREADSHEET_MAX_UNPACKED_MB` (a 310 KB .xlsx can hold 300 MB of
     blanks): every zip member is really decompressed and counted, so a lying size header does not
     pass (its checksum fails);
   - sheets used beyond `SPREADSHEET_MAX_ROWS` rows, `SPREADSHEET_MAX_COLUMNS` columns or
     `SPREADSHEET_MAX_CELLS` cells counted from A1 (one stray cell in column XFD), read from the
     cell positions themselves, not from the `<dimension>` the writer claims;
   - for .xls / .et, records whose declared sizes would make the reader reserve absurd memory.
2. `read_workbook(data, name)` reads every visible sheet with python-calamine (Rust; several times
   faster than openpyxl) into plain rows from A1 — values are str, int, float, bool, date, datetime or
   None — and the sheet's merged ranges. calamine gives merged ranges for .xlsx and .xls/.et; for .ods
   it gives none, so they are read from the file's content.xml in step 1 (`table:number-*-spanned`).
   Merged ranges are clipped to the cells actually used.

Every problem a parser raises becomes `SpreadsheetError` with a Chinese message naming the file.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError

from tongban.core.error_codes import ErrorCode, service_error
from tongban.core.text import parse_int

SPREADSHEET_TYPES = (".xlsx", ".xls", ".et", ".ods")
FORMAT_LABELS = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "Excel 97-2003 / WPS 工作簿（.xls / .et）",
                 "ods": "OpenDocument 表格（.ods）"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
XLSX_MAIN = (b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
EXCEL_MAX_TEXT = 32767  # Excel's own limit for one cell
CHUNK = 1 << 20


class SpreadsheetError(ValidationError):
    """A spreadsheet refused or unreadable; `.messages[0]` is the Chinese sentence, naming the file."""


def _refuse(code: ErrorCode, **params) -> SpreadsheetError:
    error = service_error(code, **params)
    return SpreadsheetError(error.message, code=error.code)


def _limits() -> tuple[int, int, int, int]:
    return (int(settings.SPREADSHEET_MAX_UNPACKED_MB) * 1024 * 1024, int(settings.SPREADSHEET_MAX_ROWS),
            int(settings.SPREADSHEET_MAX_COLUMNS), int(settings.SPREADSHEET_MAX_CELLS))


def column_letter(index: int) -> str:
    """1 → A, 16384 → XFD."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index


# --------------------------------------------------------------------------------------------------
# What kind of file it is


def detect_format(data: bytes) -> str | None:
    """"xlsx", "xls" (also .et) or "ods" by the content; "html" for a web page saved as .xls; None."""
    if data.startswith(OLE2):
        return "xls"
    if data.startswith(ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip().startswith(ODS_MIMETYPE):
                    return "ods"
                if "[Content_Types].xml" in names:
                    types = archive.read("[Content_Types].xml")
                    if any(marker in types for marker in XLSX_MAIN):
                        return "xlsx"
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
            return None
        return None
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table", b"<meta")) or b"<html" in head:
        return "html"
    return None


# --------------------------------------------------------------------------------------------------
# Step 1: inspection


@dataclass
class SheetInfo:
    name: str
    rows: int = 0  # the last used row (1-based), i.e. rows counted from row 1
    columns: int = 0  # the last used column (1-based)
    merges: list[tuple[int, int, int, int]] | None = None  # (min_col, min_row, max_col, max_row), 1-based


@dataclass
class WorkbookInfo:
    format: str
    unpacked: int
    sheets: dict[str, SheetInfo] = field(default_factory=dict)
    active: str | None = None


def inspect_workbook(data: bytes, name: str) -> WorkbookInfo:
    """Refuse a spreadsheet that is not one, or that would cost more than it weighs (see the module)."""
    kind = detect_format(data)
    if kind == "html":
        raise _refuse(ErrorCode.SPREADSHEET_HTML, name=name)
    if kind is None:
        raise _refuse(ErrorCode.SPREADSHEET_NOT_WORKBOOK, name=name)
    if kind == "xls":
        info = _inspect_ole(data, name)
    else:
        info = _inspect_zip(data, name, kind)
    _check_dimensions(info, name)
    return info


def _check_dimensions(info: WorkbookInfo, name: str) -> None:
    _, max_rows, max_columns, max_cells = _limits()
    for sheet in info.sheets.values():
        if sheet.columns > max_columns:
            raise _refuse(ErrorCode.SPREADSHEET_COLUMNS, name=name, sheet=sheet.name, columns=sheet.columns,
                          letter=column_letter(sheet.columns), limit=max_columns)
        if sheet.rows > max_rows:
            raise _refuse(ErrorCode.SPREADSHEET_ROWS, name=name, sheet=sheet.name, rows=sheet.rows, limit=max_rows)
        if sheet.rows * sheet.columns > max_cells:
            raise _refuse(ErrorCode.SPREADSHEET_CELLS, name=name, sheet=sheet.name, rows=sheet.rows,
                          columns=sheet.columns, limit=max_cells)


def _unpacked_error(name: str, size: int, limit: int) -> SpreadsheetError:
    return _refuse(ErrorCode.SPREADSHEET_UNPACKED, name=name, size_mb=f"{size / 1048576:.0f}",
                   limit_mb=limit // 1048576)


# -- zip containers (.xlsx, .ods)

_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"\sr=\"([A-Z]{0,3})(\d*)\"")
_CELL_TAG = re.compile(rb"<c[\s/>]")
_CELL_R = re.compile(rb"<c\s[^>]*?\br=\"([A-Z]{1,3})(\d+)\"[^>]*?(/?)>(\s*</c>)?")
_EMPTY_CELL_END = re.compile(rb"\s*</(?:[A-Za-z_][\w.-]*:)?c>")
_ACTIVE_TAB = re.compile(rb"activeTab=\"(\d+)\"")
_UNIQUE_COUNT = re.compile(rb"uniqueCount=\"(\d+)\"")


def _inspect_zip(data: bytes, name: str, kind: str) -> WorkbookInfo:
    limit = _limits()[0]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason=f"压缩包已损坏（{exc}）")
    with archive:
        members = archive.infolist()
        names = [m.filename for m in members]
        if len(set(names)) != len(names):
            raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason="压缩包中有重名的部件")
        declared = sum(m.file_size for m in members)
        if declared > limit:
            raise _unpacked_error(name, declared, limit)
        if any(m.flag_bits & 0x1 for m in members):
            raise _refuse(ErrorCode.SPREADSHEET_ENCRYPTED, name=name)
        info = WorkbookInfo(format=kind, unpacked=0)
        sheet_parts = _xlsx_sheet_parts(archive, name) if kind == "xlsx" else {}
        total = 0
        for member in members:
            if member.is_dir():
                continue
            scanner = None
            if kind == "xlsx" and member.filename in sheet_parts:
                scanner = _XlsxSheetScanner(sheet_parts[member.filename])
            try:
                with archive.open(member) as handle:
                    if kind == "ods" and member.filename == "content.xml":
                        counted = _CountingReader(handle, total, limit, name)
                        for sheet in _scan_ods_content(counted, name):
                            info.sheets[sheet.name] = sheet
                        counted.drain()
                        total = counted.total
                        continue
                    head = b""
                    while chunk := handle.read(CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise _unpacked_error(name, total, limit)
                        if scanner is not None:
                            scanner.feed(chunk)
                        elif len(head) < 4096 and member.filename in ("xl/workbook.xml", "xl/sharedStrings.xml"):
                            head += chunk[:4096]
                    if member.filename == "xl/workbook.xml":
                        _remember_active(info, head, sheet_parts)
                    elif member.filename == "xl/sharedStrings.xml":
                        _check_shared_strings(head, name)
            except (zipfile.BadZipFile, zlib_error(), OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason=f"压缩包已损坏（{exc}）")
            if scanner is not None:
                info.sheets[scanner.sheet.name] = scanner.finish()
        info.unpacked = total
    return info


def zlib_error():
    import zlib

    return zlib.error


class _CountingReader(io.RawIOBase):
    """Counts what is read from a zip member and stops past the unpacked limit (for lxml's iterparse)."""

    def __init__(self, handle, total: int, limit: int, name: str) -> None:
        self.handle, self.total, self.limit, self.name = handle, total, limit, name

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self.total += len(chunk)
        if self.total > self.limit:
            raise _unpacked_error(self.name, self.total, self.limit)
        return chunk

    def drain(self) -> None:
        while self.read(CHUNK):
            pass


def _xlsx_sheet_parts(archive: zipfile.ZipFile, name: str) -> dict[str, SheetInfo]:
    """Worksheet part → its (empty) SheetInfo, from xl/workbook.xml and its relationships."""
    from lxml import etree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
    try:
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if archive.getinfo(part).file_size > 10 * CHUNK:
                raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason="工作簿目录异常庞大")
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        book = etree.fromstring(archive.read("xl/workbook.xml"), parser)
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as exc:
        raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason=f"工作簿结构不完整（{exc}）")
    targets = {rel.get("Id"): rel.get("Target") or "" for rel in rels.iterfind("rel:Relationship", ns)}
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", ns):
        target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
        import posixpath

        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[path] = SheetInfo(name=sheet.get("name") or "")
    return parts


def _remember_active(info: WorkbookInfo, head: bytes, parts: dict[str, SheetInfo]) -> None:
    match = _ACTIVE_TAB.search(head)
    index = parse_int(match.group(1).decode(), 0) if match else 0
    names = [sheet.name for sheet in parts.values()]
    info.active = names[index] if index < len(names) else (names[0] if names else None)


def _check_shared_strings(head: bytes, name: str) -> None:
    """The reader reserves memory for the declared number of strings: the number must be sane."""
    match = _UNIQUE_COUNT.search(head)
    if match and parse_int(match.group(1).decode(), _limits()[3] + 1) > _limits()[3]:  # 5,000 digits: too many
        raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason="共享字符串的数量声明异常")


class _XlsxSheetScanner:
    """The last used row and column of a worksheet, from its cells' positions (streamed, chunk by
    chunk). Cells formatted but empty (`<c r="XFD5" s="2"/>`, `<c …></c>`) are skipped, as the reader
    skips them. Fast path: every cell carries its `r="B7"` (Excel, WPS, LibreOffice and openpyxl all
    write it), read with one regular expression per chunk; otherwise each tag is walked, a cell without
    `r` sitting right of the previous one and a row without `r` below the last."""

    def __init__(self, sheet: SheetInfo) -> None:
        self.sheet = sheet
        self.tail = b""
        self.row = 0
        self.column = 0
        self.max_row = 0
        self.max_column = 0
        self.plain: bool | None = None  # unprefixed tags (<sheetData>, <c>): the fast path may apply

    def feed(self, chunk: bytes) -> None:
        data = self.tail + chunk
        cut = data.rfind(b"<")
        if cut == -1:
            self.tail = b""
            return
        body, self.tail = data[:cut], data[cut:]
        if len(self.tail) > CHUNK:  # one tag longer than a megabyte is no worksheet
            self.tail = self.tail[-CHUNK:]
        if self.plain is None and b"sheetData" in body:
            self.plain = b"<sheetData" in body
        if self.plain:
            cells = _CELL_R.findall(body)
            if len(cells) == len(_CELL_TAG.findall(body)):
                for letters, digits, slash, closed in cells:
                    if slash or closed:
                        continue
                    row = int(digits)
                    if row > self.max_row:
                        self.max_row = row
                    if len(letters) > 1 or letters > b"A":
                        column = _column_index(letters)
                        if column > self.max_column:
                            self.max_column = column
                    elif not self.max_column:
                        self.max_column = 1
                if cells:
                    self.row, self.column = int(cells[-1][1]), _column_index(cells[-1][0])
                return
        self._walk(body)

    def _walk(self, body: bytes) -> None:
        for match in _TAG.finditer(body):
            kind, attrs = match.group(1), match.group(2)
            position = _R_ATTR.search(attrs)
            if kind == b"row":
                self.row = int(position.group(2)) if position and position.group(2) else self.row + 1
                self.column = 0
                continue
            if position and position.group(1):
                self.column = _column_index(position.group(1))
                if position.group(2):
                    self.row = int(position.group(2))
            else:
                self.column += 1
            if attrs.rstrip().endswith(b"/") or _EMPTY_CELL_END.match(body, match.end()):
                continue  # formatting only, no value: the reader skips it
            self.max_row = max(self.max_row, self.row)
            self.max_column = max(self.max_column, self.column)

    def finish(self) -> SheetInfo:
        self.feed(b"<")
        self.sheet.rows, self.sheet.columns = self.max_row, self.max_column
        return self.sheet


def _scan_ods_content(stream, name: str) -> list[SheetInfo]:
    """Tables of an .ods content.xml: last used row and column (repeats expanded, empty cells ignored,
    as calamine does) and merged ranges (`table:number-columns-spanned` / `-rows-spanned`)."""
    from lxml import etree

    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    table_tag, row_tag = f"{{{table_ns}}}table", f"{{{table_ns}}}table-row"
    cell_tags = (f"{{{table_ns}}}table-cell", f"{{{table_ns}}}covered-table-cell")
    name_attr = f"{{{table_ns}}}name"
    rows_repeated, cols_repeated = f"{{{table_ns}}}number-rows-repeated", f"{{{table_ns}}}number-columns-repeated"
    rows_spanned, cols_spanned = f"{{{table_ns}}}number-rows-spanned", f"{{{table_ns}}}number-columns-spanned"
    value_type = f"{{{office_ns}}}value-type"
    _, max_rows, max_columns, _ = _limits()
    sheets: list[SheetInfo] = []
    sheet: SheetInfo | None = None
    row = column = row_repeat = row_last_column = 0

    def count(value: str | None) -> int:
        try:
            return max(1, int(value or 1))
        except ValueError:
            return 1

    try:
        for event, element in etree.iterparse(stream, events=("start", "end"), huge_tree=True,
                                              resolve_entities=False, no_network=True):
            tag = element.tag
            if event == "start":
                if tag == table_tag:
                    sheet = SheetInfo(name=element.get(name_attr) or f"Sheet{len(sheets) + 1}", merges=[])
                    row = 0
                elif tag == row_tag:
                    row_repeat, column, row_last_column = count(element.get(rows_repeated)), 0, 0
                continue
            if tag in cell_tags and sheet is not None:
                repeat = count(element.get(cols_repeated))
                spans = (count(element.get(cols_spanned)), count(element.get(rows_spanned)))
                if spans != (1, 1):
                    sheet.merges.append((column + 1, row + 1, column + spans[0], row + spans[1]))
                if element.get(value_type) is not None or "".join(element.itertext()).strip():
                    row_last_column = column + repeat
                column += repeat
                element.clear(keep_tail=False)
            elif tag == row_tag and sheet is not None:
                if row_last_column:
                    sheet.rows = row + row_repeat
                    sheet.columns = max(sheet.columns, row_last_column)
                    if sheet.rows > max_rows or sheet.columns > max_columns:
                        return [*sheets, sheet]  # refused by the caller; no need to read on
                row += row_repeat
                element.clear(keep_tail=False)
            elif tag == table_tag and sheet is not None:
                sheets.append(sheet)
                sheet = None
                element.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason=f"表格内容不是有效的 XML（{exc}）")
    return sheets


# -- OLE2 compound files (.xls, WPS .et)

_CELL_RECORDS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x0207, 0x027E, 0x00FD, 0x00BD, 0x0006, 0x0201, 0x00BE}
BIFF8_ROWS, BIFF8_COLUMNS = 65536, 256


def _inspect_ole(data: bytes, name: str) -> WorkbookInfo:
    """Check the compound file's header against its size, then walk the workbook stream's records:
    every worksheet's used range from its cell records, and no declared size beyond BIFF8's limits."""
    import olefile

    if len(data) < 512:
        raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason="文件不完整")
    sector_shift = struct.unpack_from("<H", data, 0x1E)[0]
    if sector_shift not in (9, 12):
        raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason="复合文档头部异常")
    sectors = len(data) // (1 << sector_shift) + 1
    fat, _first_dir, _, _cutoff, _first_mini, mini, _first_difat, difat = struct.unpack_from("<IIIIIIII", data, 0x2C)
    if fat > sectors or mini > sectors or difat > sectors:
        raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason="复合文档头部声明的大小与文件不符")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError and its own errors for a damaged file
        raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason=f"复合文档已损坏（{exc}）")
    with ole:
        stream_name = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
        if stream_name is None:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise _refuse(ErrorCode.SPREADSHEET_ENCRYPTED, name=name)
            raise _refuse(ErrorCode.SPREADSHEET_NOT_WORKBOOK, name=name)
        try:
            stream = ole.openstream(stream_name).read()
        except Exception as exc:
            raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason=f"复合文档已损坏（{exc}）")
    info = WorkbookInfo(format="xls", unpacked=len(stream))
    limit = _limits()[0]
    if len(stream) > limit:
        raise _unpacked_error(name, len(stream), limit)
    _walk_biff(stream, info, name)
    return info


def _walk_biff(stream: bytes, info: WorkbookInfo, name: str) -> None:
    sheet_names: list[str] = []
    offset, depth, sheet_index = 0, 0, -1
    current: SheetInfo | None = None
    size = len(stream)
    while offset + 4 <= size:
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4: offset + 4 + length]
        offset += 4 + length
        if kind == 0x0809:  # BOF: workbook globals, a worksheet, or a chart inside one
            depth += 1
            if depth == 1 and len(body) >= 4 and struct.unpack_from("<H", body, 2)[0] == 0x0010 and sheet_names:
                sheet_index += 1
                label = sheet_names[sheet_index] if sheet_index < len(sheet_names) else f"Sheet{sheet_index + 1}"
                current = info.sheets.setdefault(label, SheetInfo(name=label))
            elif depth == 1 and sheet_names:
                sheet_index += 1
                current = None
            continue
        if kind == 0x000A:  # EOF
            depth = max(0, depth - 1)
            if depth == 0:
                current = None
            continue
        if kind == 0x002F and len(body) >= 2 and struct.unpack_from("<H", body)[0] != 0:
            raise _refuse(ErrorCode.SPREADSHEET_ENCRYPTED, name=name)
        if kind == 0x0085 and len(body) >= 8:  # BoundSheet8: the sheets' names, in order
            count, flags = body[6], body[7]
            text = body[8:]
            sheet_names.append(text[:count * 2].decode("utf-16-le", "replace") if flags & 1
                               else text[:count].decode("latin-1"))
            continue
        if current is None or depth != 1:
            continue
        if kind == 0x0200 and len(body) >= 10:  # Dimensions: what the reader reserves room for
            if len(body) >= 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
            else:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
            if last_row > BIFF8_ROWS or last_col > BIFF8_COLUMNS or first_row > last_row or first_col > last_col:
                raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason="工作表的范围声明超出 Excel 的上限")
        elif kind in _CELL_RECORDS and len(body) >= 4:
            row, column = struct.unpack_from("<HH", body)
            if kind in (0x00BD, 0x00BE) and len(body) >= 6:  # MulRk / MulBlank: the last column ends it
                column = struct.unpack_from("<H", body, len(body) - 2)[0]
            if kind in (0x0201, 0x00BE):
                continue  # blank (formatted) cells are not read
            current.rows = max(current.rows, row + 1)
            current.columns = max(current.columns, column + 1)


# --------------------------------------------------------------------------------------------------
# Step 2: reading


@dataclass
class Sheet:
    name: str
    rows: list[list]  # from A1; None for an empty cell
    merges: list[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row), 1-based, clipped
    merges_read: bool = True  # False: the format gave no merged ranges


def read_bytes(source: str | PurePath | IO[bytes] | bytes) -> tuple[bytes, str]:
    """The file's bytes and its name (for messages)."""
    if isinstance(source, bytes):
        return source, "上传的文件"
    if isinstance(source, (str, PurePath)):
        with open(source, "rb") as handle:
            return handle.read(), PurePath(source).name
    name = PurePath(getattr(source, "name", "") or "上传的文件").name
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    if hasattr(source, "seek"):
        source.seek(0)
    return data, name


def read_workbook(source, *, name: str | None = None) -> list[Sheet]:
    """Every visible sheet (the active one first), checked by `inspect_workbook` first."""
    import python_calamine

    data, found_name = read_bytes(source)
    name = name or found_name
    info = inspect_workbook(data, name)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _refuse(ErrorCode.SPREADSHEET_ENCRYPTED, name=name)
    except Exception as exc:  # calamine raises its own errors (and PanicException) for broken files
        raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason=_reason(exc))
    try:
        visible = [m.name for m in workbook.sheets_metadata
                   if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")]
        if info.active in visible:
            visible.remove(info.active)
            visible.insert(0, info.active)
        sheets = []
        for title in visible:
            try:
                calamine_sheet = workbook.get_sheet_by_name(title)
                rows = calamine_sheet.to_python(skip_empty_area=False)
                merged = calamine_sheet.merged_cell_ranges
            except Exception as exc:
                raise _refuse(ErrorCode.SPREADSHEET_UNREADABLE, name=name, reason=_reason(exc))
            rows = [_clean_row(row, name, title) for row in rows]
            while rows and not any(v is not None for v in rows[-1]):
                rows.pop()
            if merged is not None:
                merges = [(c1 + 1, r1 + 1, c2 + 1, r2 + 1) for (r1, c1), (r2, c2) in merged]
                read = True
            else:
                known = info.sheets.get(title)
                merges = list(known.merges) if known is not None and known.merges is not None else []
                read = known is not None and known.merges is not None
            sheets.append(Sheet(title, rows, _clip(merges, rows), read))
        return sheets
    finally:
        workbook.close()


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"文件已损坏或格式不受支持（{text[:120]}）"


def _clean_row(row: list, name: str, sheet: str) -> list:
    cleaned = []
    for value in row:
        if value == "" or value is None:
            cleaned.append(None)
        elif isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
            cleaned.append(int(value))
        elif isinstance(value, str) and len(value) > EXCEL_MAX_TEXT:
            raise _refuse(ErrorCode.SPREADSHEET_CELL_TEXT, name=name, sheet=sheet, limit=EXCEL_MAX_TEXT)
        elif isinstance(value, (str, int, float, bool, date, datetime, time, timedelta)):
            cleaned.append(value)
        else:
            cleaned.append(str(value))
    return cleaned


def _clip(merges: list[tuple[int, int, int, int]], rows: list[list]) -> list[tuple[int, int, int, int]]:
    """Merged ranges cut to the cells in use: `A1:XFD1048576` in a ten-row sheet covers ten rows."""
    height = len(rows)
    width = max((len(row) for row in rows), default=0)
    clipped = []
    for min_col, min_row, max_col, max_row in merges:
        if min_row > height or min_col > width:
            continue
        clipped.append((min_col, min_row, min(max_col, width), min(max_row, height)))
    return clipped
