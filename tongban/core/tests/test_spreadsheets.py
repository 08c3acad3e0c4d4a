"""Spreadsheets as offices have them (issue 9) and as attackers make them (issue 8).

Real files: openpyxl writes .xlsx, LibreOffice Calc converts them to .xls, WPS .et (an .xls under WPS's
extension) and .ods. The messy ledger reads the same in every format, merged cells included; files that
would cost more than they weigh are refused before any parser sees them, with the file named."""
from __future__ import annotations

import dataclasses
import io
import struct
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from tongban.core.spreadsheets import SpreadsheetError, inspect_workbook, read_workbook
from tongban.core.tests.office_files import convert
from tongban.rectification.ledger_parsing import parse_ledger
from tongban.rectification.tests.ledger_samples import make_messy_ledger

FORMATS = ("xlsx", "xls", "et", "ods")


def write_workbook(path: Path, rows, merges=(), cells=None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    for row in rows:
        sheet.append(list(row))
    for merged in merges:
        sheet.merge_cells(merged)
    for ref, value in (cells or {}).items():
        sheet[ref] = value
    book.save(path)
    return path


MERGED_DEADLINE = [
    ["问题方面", "问题", "整改措施", "牵头单位", "整改时限"],
    ["一、服务效能", "窗口一次告知不到位", "制定一次告知清单", "市场准入股", "2023年9月30日前"],
    [None, None, "开展窗口培训", "市场准入股", None],
    [None, "帮办代办不足", "公布监督电话", "市场准入股", None],
]


@pytest.fixture(scope="module")
def office_files(tmp_path_factory):
    """The messy ledger and a ledger with a merged deadline, in all four formats (one soffice run per
    format); plus sheets reaching far right / far down, converted to .xls and .ods."""
    folder = tmp_path_factory.mktemp("office")
    sample = make_messy_ledger(folder / "messy.xlsx", rows=30)
    merged = write_workbook(folder / "merged.xlsx", MERGED_DEADLINE, merges=["A2:A4", "E2:E3"])
    wide = write_workbook(folder / "wide.xlsx", [["整改措施", "牵头单位"]], cells={"EU1": "备注"})  # column 151
    tall = write_workbook(folder / "tall.xlsx", [["整改措施", "牵头单位"]], cells={"A300": "填报人：张三"})
    sources = [sample.path, merged, wide, tall]
    files = {"xlsx": {p.stem: p for p in map(Path, sources)}}
    for fmt in ("xls", "et", "ods"):
        files[fmt] = {p.stem: p for p in convert(list(map(Path, sources)), fmt, folder / fmt)}
    return sample, files


def _rows(parsed) -> list[dict]:
    rows = []
    for row in parsed.rows:
        data = dataclasses.asdict(row)
        data.pop("progress_text")
        rows.append(data)
    return rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_messy_ledger_reads_row_for_row_the_same_in_every_format(office_files, fmt):
    sample, files = office_files
    parsed = parse_ledger(str(files[fmt]["messy"]))
    assert parsed.errors == []
    assert parsed.header_row == 3 and parsed.sheet_title == "整改台账"
    assert _rows(parsed) == sample.expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_merged_cells_count_in_every_format(office_files, fmt):
    """The deadline merged over two measures applies to both; the third measure's blank one does not.
    .xlsx and .xls/.et give their merged ranges through calamine; .ods through its content.xml."""
    _, files = office_files
    [sheet] = read_workbook(files[fmt]["merged"])
    assert sheet.merges_read is True
    assert sorted(sheet.merges) == [(1, 2, 1, 4), (5, 2, 5, 3)]
    parsed = parse_ledger(str(files[fmt]["merged"]))
    assert [(r.excel_row, r.aspect, r.deadline) for r in parsed.rows] == [
        (2, "服务效能", date(2023, 9, 30)), (3, "服务效能", date(2023, 9, 30))]
    assert parsed.errors == [{"row": 4, "column": "整改时限", "message": "整改时限为空"}]


@pytest.mark.parametrize("fmt", ("xls", "ods", "xlsx"))
def test_a_sheet_reaching_too_far_right_is_refused_in_every_format(office_files, fmt, settings):
    _, files = office_files
    settings.SPREADSHEET_MAX_COLUMNS = 100
    with pytest.raises(SpreadsheetError) as refused:
        read_workbook(files[fmt]["wide"])
    assert refused.value.messages == [
        f"表格文件“wide.{fmt}”的工作表“台账”用到了第 151 列（EU 列），超过上限 100 列："
        "请删除右侧多余的列（可能只是一个空格）后另存再上传。"]


@pytest.mark.parametrize("fmt", ("xls", "ods", "xlsx"))
def test_a_sheet_reaching_too_far_down_is_refused_in_every_format(office_files, fmt, settings):
    _, files = office_files
    settings.SPREADSHEET_MAX_ROWS = 200
    with pytest.raises(SpreadsheetError) as refused:
        read_workbook(files[fmt]["tall"])
    assert "用到了第 300 行，超过上限 200 行" in refused.value.messages[0]
    settings.SPREADSHEET_MAX_ROWS = 300
    assert len(read_workbook(files[fmt]["tall"])[0].rows) == 300


def test_an_ods_with_a_million_repeated_empty_rows_is_not_counted_as_used(office_files):
    """LibreOffice writes the sheet's empty tail as one row repeated 1,048,000 times: nothing used."""
    _, files = office_files
    content = zipfile.ZipFile(files["ods"]["messy"]).read("content.xml")
    assert b"number-rows-repeated" in content
    info = inspect_workbook(files["ods"]["messy"].read_bytes(), "messy.ods")
    assert info.sheets["整改台账"].rows < 60


# --- .xlsx built by hand ----------------------------------------------------------------------------------


def _rewrite(path: Path, part: str, change) -> bytes:
    source = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == part else data)
    return buffer.getvalue()


def test_a_merge_over_the_whole_sheet_is_clipped_to_the_cells_in_use(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", MERGED_DEADLINE)
    data = _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="E2:XFD1048576"/></mergeCells>'))
    [sheet] = read_workbook(data, name="l.xlsx")
    assert sheet.merges == [(5, 2, 5, 4)]


def test_an_empty_formatted_cell_in_column_xfd_is_not_a_used_column(tmp_path):
    from openpyxl.styles import Font

    book = Workbook()
    book.active.append(["整改措施"])
    book.active["XFD1"].font = Font(bold=True)  # formatting, no value
    book.save(tmp_path / "f.xlsx")
    assert inspect_workbook((tmp_path / "f.xlsx").read_bytes(), "f.xlsx").sheets["Sheet"].columns == 1


def test_a_text_cell_longer_than_excel_allows_is_refused_in_chinese(tmp_path):
    """11 MB in one cell (written by hand: Excel and openpyxl stop at 32,767 characters): lxml's "Text
    node too long" used to be a 500 on the catalogue import."""
    path = write_workbook(tmp_path / "长.xlsx", [["事项名称"], ["PLACEHOLDER"]])
    data = _rewrite(path, "xl/worksheets/sheet1.xml",
                    lambda xml: xml.replace(b"PLACEHOLDER", "办".encode() * (11 * 1024 * 1024 // 3)))
    with pytest.raises(SpreadsheetError) as refused:
        read_workbook(data, name="长.xlsx")
    assert refused.value.messages == [
        "表格文件“长.xlsx”的工作表“台账”中有单元格超过 32767 个字符（Excel 单元格的上限），无法导入。"]


def test_a_shared_string_table_declaring_billions_of_strings_is_refused(tmp_path):
    path = write_workbook(tmp_path / "s.xlsx", [["整改措施"]])
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
           b'uniqueCount="4000000000"><si><t>x</t></si></sst>')
    source = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/sharedStrings.xml", sst)
    with pytest.raises(ValidationError) as refused:
        inspect_workbook(buffer.getvalue(), "s.xlsx")
    assert refused.value.messages == ["无法读取表格文件“s.xlsx”：共享字符串的数量声明异常。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"]


def test_a_compound_file_whose_header_claims_more_sectors_than_it_has_is_refused(office_files):
    _, files = office_files
    data = bytearray(files["xls"]["merged"].read_bytes())
    struct.pack_into("<I", data, 0x2C, 0x7FFFFFFF)  # number of FAT sectors
    with pytest.raises(SpreadsheetError) as refused:
        read_workbook(bytes(data), name="坏.xls")
    assert refused.value.messages == [
        "无法读取表格文件“坏.xls”：复合文档头部声明的大小与文件不符。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"]


def test_a_bomb_whose_zip_directory_understates_its_size_fails_its_checksum(tmp_path):
    """The unpacked size is counted by really decompressing: a header claiming 1 KB for 5 MB is caught."""
    path = write_workbook(tmp_path / "b.xlsx", [["整改措施"]])
    source = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/padding.xml", b" " * (5 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    # Lower the uncompressed size of the last member in its central directory entry and local header.
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1024)
    local = data.rfind(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 1024)
    with pytest.raises(SpreadsheetError) as refused:
        inspect_workbook(bytes(data), "b.xlsx")
    assert refused.value.messages[0].startswith("无法读取表格文件“b.xlsx”：压缩包已损坏")
