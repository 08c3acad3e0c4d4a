"""The one look of every Excel file tongban writes (台账, 清单, 通报附表): title, header, bordered cells.

    wb = styled_workbook("整改台账")
    ws = wb.active
    write_title_row(ws, "XX县巡察反馈问题整改台账", ncols=len(headers))
    write_header(ws, 2, headers)
    write_rows(ws, 3, rows)
    autosize(ws)
    wb.save(path)

Long exports stream instead: `streamed_table(path, sheet_title=…, title=…, headers=…, widths=…, rows=iterator)`
writes the same look in openpyxl's write-only mode, row by row from an iterator.

Styles are registered as named styles on the workbook, so a user who edits the file gets the same look
from the style gallery; every writer registers them on first use, so a plain `Workbook()` works too.
"""
from __future__ import annotations

from collections.abc import Callable
from copy import copy
from datetime import date, datetime
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "宋体"
TITLE_STYLE = "通办标题"
HEADER_STYLE = "通办表头"
CELL_STYLE = "通办单元格"
DATE_FORMAT = "yyyy年m月d日"


def _ensure_styles(wb: Workbook) -> None:
    if TITLE_STYLE in wb.named_styles:
        return
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb.add_named_style(NamedStyle(
        name=TITLE_STYLE,
        font=Font(name=FONT_NAME, size=16, bold=True),
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    ))
    wb.add_named_style(NamedStyle(
        name=HEADER_STYLE,
        font=Font(name=FONT_NAME, size=11, bold=True),
        fill=PatternFill("solid", fgColor="D9E1F2"),
        border=border,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    ))
    wb.add_named_style(NamedStyle(
        name=CELL_STYLE,
        font=Font(name=FONT_NAME, size=11),
        border=border,
        alignment=Alignment(vertical="center", wrap_text=True),
    ))


def styled_workbook(sheet_title: str | None = None) -> Workbook:
    """A new workbook with the house styles registered and its first sheet named."""
    wb = Workbook()
    _ensure_styles(wb)
    if sheet_title:
        wb.active.title = sheet_title
    return wb


def write_title_row(ws: Worksheet, title: str, ncols: int, *, row: int = 1) -> None:
    """The title across the table's width (merged), as offices put it above every ledger."""
    _ensure_styles(ws.parent)
    cell = ws.cell(row=row, column=1, value=title)
    keep_as_text(cell)  # a title holds user text too (an inspection's name)
    cell.style = TITLE_STYLE
    if ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = 36


def write_header(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    """Header cells; the sheet is frozen below them and prints them on every A4 landscape page."""
    _ensure_styles(ws.parent)
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=column, value=text)
        keep_as_text(cell)
        cell.style = HEADER_STYLE
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    ws.print_title_rows = f"{row}:{row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")


def keep_as_text(cell) -> None:
    """Text typed by users ("=HYPERLINK(…)") must never become a formula in an export: openpyxl turns
    any string starting with "=" into one, so such cells are stored as plain strings (Excel never
    evaluates a string cell, and reading it back gives the same text). Every Excel writer goes through
    this (directly, or through `append_row` / `write_rows`)."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"


def text_cell(ws, value):
    """`value` for `ws.append`, as a cell kept as text when it looks like a formula. Works for write-only
    (streaming) sheets too, where a cell cannot be changed after it is appended."""
    if looks_like_formula(value):
        cell = WriteOnlyCell(ws, value=value)
        keep_as_text(cell)
        return cell
    return value


def text_safe(ws, values: Sequence[object]) -> list[object]:
    """`values` ready for `ws.append`, formula-like text kept as text."""
    return [text_cell(ws, value) for value in values]


def append_row(ws: Worksheet, values: Sequence[object]) -> None:
    """`ws.append(values)` with user text kept as text; constant time per row, in either mode."""
    ws.append(text_safe(ws, values))


def write_rows(ws: Worksheet, start_row: int, rows: Iterable[Sequence[object]]) -> int:
    """Bordered, wrapped body cells (dates as 2023年6月30日); returns the next free row."""
    _ensure_styles(ws.parent)
    row = start_row
    for values in rows:
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            keep_as_text(cell)
            cell.style = CELL_STYLE
            if isinstance(value, (date, datetime)):
                cell.number_format = DATE_FORMAT
        row += 1
    return row


class _HouseSheet(WriteOnlyWorksheet):
    """A write-only sheet whose body rows come out in the house cell style (bordered, wrapped; dates as
    2023年6月30日) and with formula-like text kept as text, at the cost of a plain write-only row: like
    openpyxl's own `_values_to_row` it reuses one cell object per kind of value (the writer writes each
    cell before the next is made), only with the style set. Cells passed in (title, header) go as they are.

    Relies on openpyxl's write-only internals (`_values_to_row`, `Workbook._add_sheet`; openpyxl is pinned,
    and tests/test_excel.py reads the result back)."""

    def _values_to_row(self, values, row_idx):
        plain, dated = WriteOnlyCell(self), WriteOnlyCell(self)
        plain._style, dated._style = copy(self.body_styles[0]), copy(self.body_styles[1])
        for col_idx, value in enumerate(values, 1):
            if isinstance(value, Cell):
                cell = value
            else:
                cell = dated if isinstance(value, (date, datetime)) else plain
                cell.value = value
                if cell.data_type == "f":
                    cell.data_type = "s"  # keep_as_text
            cell.column, cell.row = col_idx, row_idx
            yield cell


def _house_sheet(book: Workbook, title: str) -> _HouseSheet:
    _ensure_styles(book)
    sheet = _HouseSheet(parent=book, title=title)
    book._add_sheet(sheet)
    plain, dated = WriteOnlyCell(sheet), WriteOnlyCell(sheet)
    plain.style = dated.style = CELL_STYLE
    dated.number_format = DATE_FORMAT
    sheet.body_styles = (plain._style, dated._style)
    return sheet


def streamed_table(target, *, sheet_title: str, title: str, headers: Sequence[str], widths: Sequence[int],
                   rows: Iterable[Sequence[object]], progress: Callable[[int], None] | None = None) -> int:
    """A table in the house look — merged title row, header, bordered wrapped body — written with
    openpyxl's write-only mode from an iterator, so memory stays flat whatever the number of rows.

    `target` is a path or a binary file; `progress(rows_written)` is called every 500 rows. Returns the
    number of body rows.
    """
    book = Workbook(write_only=True)
    ws = _house_sheet(book, sheet_title)
    ncols = len(headers)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[1].height = 36
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.style = TITLE_STYLE
    ws.append([title_cell])
    if ncols > 1:
        ws.merged_cells.add(f"A1:{get_column_letter(ncols)}1")
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.style = HEADER_STYLE
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for values in rows:
        ws.append(values)
        count += 1
        if progress and count % 500 == 0:
            progress(count)
    book.save(target)
    if progress:
        progress(count)
    return count


def display_width(text: str) -> int:
    """Columns a text needs: CJK and full-width characters are two wide, the rest one."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def autosize(ws: Worksheet, *, min_width: int = 6, max_width: int = 60) -> None:
    """Column widths from the longest line in each column; cells merged across columns don't count."""
    spanning = set()
    for merged in ws.merged_cells.ranges:
        if merged.min_col != merged.max_col:
            spanning.update(merged.cells)
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (cell.row, cell.column) in spanning:
                continue
            value = cell.value
            text = f"{value.year}年{value.month}月{value.day}日" if isinstance(value, (date, datetime)) else str(value)
            longest = max(display_width(line) for line in text.split("\n"))
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max_width, max(min_width, width + 2))
