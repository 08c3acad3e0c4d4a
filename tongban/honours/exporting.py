"""A period's 评优 results as Excel: each kind's nominations and decisions with the figures they were nominated
on (the same rows as the list page, selectors.honours). Typed text (reason, note, names) is kept as text even when
it starts with "=" (documents.excel.append_row)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from tongban.documents.excel import append_row


def results_bytes(rows, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "评优结果"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    header = ["评选期", "评优项目", "评选对象", "所属单位", "状态", "决定文号", "考核平均分", "评价数", "平均评价", "差评",
              "属实投诉", "迟到早退", "提名理由", "决定意见"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for h in rows:
        f = h.figures or {}
        append_row(sheet, [h.period_label, h.kind.name, h.subject_name, h.unit.name, h.get_status_display(),
                      h.decision_number or "", float(f["score"]) if f.get("score") else None, f.get("ratings", 0),
                      float(f["average"]) if f.get("average") else None, len(f.get("bad_reviews", [])),
                      len(f.get("complaints", [])), len(f.get("lateness", [])), h.reason, h.decision_note])
    for letter, width in zip("ABCDEFGHIJKLMN", (14, 12, 16, 22, 12, 28, 10, 8, 8, 6, 8, 8, 40, 30)):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
