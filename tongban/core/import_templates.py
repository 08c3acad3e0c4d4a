"""Blank import templates to download: the header an import reads, one filled example row (to be
overwritten), and a 填写说明 sheet. Each app describes its sheets; this module only writes them."""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(color="7F7F7F", italic=True)
NOTES_SHEET = "填写说明"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class TemplateSheet:
    title: str
    headers: Sequence[str]
    examples: Sequence[Sequence[object]] = ()
    title_row: str = ""  # a title above the header, as ledgers have it
    widths: dict[int, int] = field(default_factory=dict)  # column (1-based) → width


def template_workbook(sheets: Sequence[TemplateSheet], notes: Sequence[str]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        if spec.title_row:
            sheet.append([spec.title_row])
            sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec.headers))
        sheet.append(list(spec.headers))
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for values in spec.examples:
            sheet.append(list(values))  # our own example text: no user input, no formulas
            for cell in sheet[sheet.max_row]:
                cell.font = EXAMPLE_FONT
        for index, header in enumerate(spec.headers, start=1):
            longest = max([display_width(str(header)), *(display_width(str(row[index - 1])) for row in spec.examples
                                                         if index - 1 < len(row) and row[index - 1] is not None)])
            sheet.column_dimensions[get_column_letter(index)].width = spec.widths.get(index, min(40, max(8, longest + 2)))
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    notes_sheet = book.create_sheet(NOTES_SHEET)
    notes_sheet.column_dimensions["A"].width = 100
    for number, text in enumerate(notes, start=1):
        notes_sheet.cell(row=number, column=1, value=text).font = Font(bold=number == 1)
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_response(book: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
