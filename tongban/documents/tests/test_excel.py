"""The shared Excel look, checked in the saved and reloaded workbook."""
from __future__ import annotations

from datetime import date

from openpyxl import Workbook, load_workbook

from tongban.documents.excel import (
    CELL_STYLE,
    HEADER_STYLE,
    TITLE_STYLE,
    autosize,
    display_width,
    styled_workbook,
    write_header,
    write_rows,
    write_title_row,
)

HEADERS = ["序号", "整改措施", "牵头单位", "整改时限"]


def build(path, wb=None):
    wb = wb or styled_workbook("整改台账")
    ws = wb.active
    write_title_row(ws, "XX县行政审批服务中心巡察反馈问题整改台账（截至2023年8月）", ncols=len(HEADERS))
    write_header(ws, 2, HEADERS)
    next_row = write_rows(ws, 3, [
        [1, "建立健全工作台账，每月5日前报送整改进展", "市场准入股", date(2023, 6, 30)],
        [2, "清理中介事项\n公布中介服务目录并接受社会监督", "县市场监管局", "立行立改"],
    ])
    autosize(ws)
    wb.save(path)
    return next_row


def test_a_styled_workbook_names_its_sheet_and_registers_the_house_styles():
    wb = styled_workbook("整改台账")
    assert wb.active.title == "整改台账"
    assert {TITLE_STYLE, HEADER_STYLE, CELL_STYLE} <= set(wb.named_styles)


def test_the_title_spans_the_table_and_the_header_is_frozen_and_repeated_when_printed(tmp_path):
    build(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert ws["A1"].value.startswith("XX县行政审批服务中心") and ws["A1"].font.b and ws["A1"].font.sz == 16
    assert [c.value for c in ws[2]] == HEADERS
    assert all(c.font.b and c.border.left.style == "thin" for c in ws[2])
    assert ws["A2"].fill.fgColor.rgb.endswith("D9E1F2")
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_rows_are_bordered_and_wrapped_and_dates_read_as_chinese_dates(tmp_path):
    next_row = build(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert next_row == 5
    assert ws["D3"].value.date() == date(2023, 6, 30)
    assert ws["D3"].number_format == "yyyy年m月d日"
    assert ws["B4"].alignment.wrap_text and ws["B4"].border.bottom.style == "thin"
    assert ws["B4"].value == "清理中介事项\n公布中介服务目录并接受社会监督"


def test_autosize_counts_chinese_characters_double_and_ignores_the_merged_title(tmp_path):
    build(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    # the longest line in column B is the 20-character measure (40 wide) + 2, not the 30-character title
    assert ws.column_dimensions["B"].width == display_width("建立健全工作台账，每月5日前报送整改进展") + 2 == 41
    assert ws.column_dimensions["A"].width == 6  # "序号" (4) + 2 = 6, the minimum
    assert ws.column_dimensions["D"].width == 15  # the date shown as 2023年6月30日: 7 digits + 3 × 2 + 2


def test_autosize_caps_very_long_texts():
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "很长" * 100
    autosize(ws, max_width=50)
    assert ws.column_dimensions["A"].width == 50


def test_the_writers_work_on_a_plain_workbook_too(tmp_path):
    build(tmp_path / "plain.xlsx", wb=Workbook())
    ws = load_workbook(tmp_path / "plain.xlsx").active
    assert ws["A2"].style == HEADER_STYLE and ws["A3"].style == CELL_STYLE


def test_user_text_that_looks_like_a_formula_stays_text(tmp_path):
    from openpyxl import load_workbook

    from tongban.documents.excel import styled_workbook, write_rows

    book = styled_workbook()
    sheet = book.active
    write_rows(sheet, 1, [['=HYPERLINK("http://evil.example","点我")', "=1+1", "正常文字"]])
    path = tmp_path / "out.xlsx"
    book.save(path)
    cells = load_workbook(path).active[1]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert cells[1].value == "=1+1"


def test_append_row_keeps_formula_like_text_as_text_in_both_kinds_of_sheet(tmp_path):
    from openpyxl import Workbook, load_workbook

    from tongban.documents.excel import append_row

    for write_only in (False, True):
        book = Workbook(write_only=write_only)
        sheet = book.create_sheet("表") if write_only else book.active
        append_row(sheet, ["=1+1", "正常文字", 3])
        append_row(sheet, ['=HYPERLINK("http://evil.example")', None, "=A1"])
        path = tmp_path / f"append-{write_only}.xlsx"
        book.save(path)
        rows = list(load_workbook(path).worksheets[-1].iter_rows())
        assert [[c.value for c in row] for row in rows] == [["=1+1", "正常文字", 3],
                                                           ['=HYPERLINK("http://evil.example")', None, "=A1"]]
        assert [rows[0][0].data_type, rows[1][0].data_type, rows[1][2].data_type] == ["s", "s", "s"]


def test_streamed_table_has_the_house_look_and_keeps_user_text_as_text(tmp_path):
    from datetime import date

    from openpyxl import load_workbook

    from tongban.documents.excel import CELL_STYLE, DATE_FORMAT, HEADER_STYLE, TITLE_STYLE, streamed_table

    path = tmp_path / "list.xlsx"
    written = streamed_table(path, sheet_title="任务清单", title="任务清单（截至2026-11-01）", headers=["措施", "时限"],
                             widths=[40, 12], rows=iter([["=SUM(1,2)", date(2023, 6, 30)], ["建立台账", None]]))
    assert written == 2
    sheet = load_workbook(path).active
    assert sheet.title == "任务清单" and {str(r) for r in sheet.merged_cells.ranges} == {"A1:B1"}
    assert (sheet["A1"].style, sheet["A2"].style, sheet["A3"].style) == (TITLE_STYLE, HEADER_STYLE, CELL_STYLE)
    assert sheet["A3"].value == "=SUM(1,2)" and sheet["A3"].data_type == "s"
    assert sheet["B3"].number_format == DATE_FORMAT and sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["A"].width == 40
def test_append_row_keeps_formula_like_text_as_text_in_a_streamed_write_only_workbook(tmp_path):
    """Exports stream in openpyxl's write-only mode, where a cell cannot be fixed after it is appended:
    `append_row` hands such text over as a cell already kept as text."""
    from tongban.documents.excel import append_row

    book = Workbook(write_only=True)
    sheet = book.create_sheet("导出")
    append_row(sheet, ['=HYPERLINK("http://evil.example","点我")', 3, None, "正常文字"])
    append_row(sheet, ["=1+1", date(2026, 1, 5)])
    path = tmp_path / "streamed.xlsx"
    book.save(path)
    rows = list(load_workbook(path).active.iter_rows())
    assert [c.data_type for c in rows[0]] == ["s", "n", "n", "s"]
    assert rows[1][0].value == "=1+1" and rows[1][0].data_type == "s"
