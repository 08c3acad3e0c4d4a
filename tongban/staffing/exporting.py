"""The monthly attendance sheet as Excel: the same rows the page shows (selectors.month_attendance)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font


def sheet_bytes(rows, month, unit) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "考勤表"
    days = month.last.day
    sheet.append([f"{month.label}考勤表" + (f"（{unit.name}）" if unit else "")])
    sheet["A1"].font = Font(bold=True, size=14)
    header = ["单位", "窗口", "工号", "姓名", *[str(d) for d in range(1, days + 1)], "出勤", "迟到", "早退", "缺勤", "请假", "外勤"]
    sheet.append(header)
    for row in rows:
        person = row.staff
        sheet.append([person.unit.name, person.window.name if person.window else "", person.staff_no, person.name,
                      *row.cells, row.present_days, len(row.late), len(row.early), len(row.absent),
                      len(row.leave_days), len(row.field_days)])
    sheet.append([])
    sheet.append(["图例：√ 出勤　迟 迟到　早 早退　缺 缺勤　假 请假　外 外勤；空白为休息日或尚未到来的日期。"])
    for column in range(5, 5 + days):
        sheet.column_dimensions[sheet.cell(2, column).column_letter].width = 4
    for cells in sheet.iter_rows(min_row=2, max_row=2):
        for c in cells:
            c.alignment = Alignment(horizontal="center")
            c.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
