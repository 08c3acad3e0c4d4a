"""Reading the messy 整改台账 offices keep: real .xlsx files written with openpyxl, parsed back."""
from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from openpyxl import Workbook

from tongban.documents.excel import styled_workbook, write_header, write_rows, write_title_row
from tongban.rectification.ledger_parsing import (
    STATUS_LABELS,
    StatusError,
    cell_text,
    format_deadline,
    format_unit_names,
    ledger_columns,
    match_header,
    parse_ledger,
    parse_status,
)
from tongban.rectification.tests.ledger_samples import HEADERS, make_messy_ledger

HEADER = ["序号", "问题", "整改措施", "牵头单位", "配合单位", "整改时限", "整改状态"]


def write_workbook(path, rows, merges=(), *, sheet_title="Sheet"):
    """A workbook with `rows` from A1 and `merges` ("A2:A4", …); returns the path."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    for row in rows:
        ws.append(list(row))
    for merged in merges:
        ws.merge_cells(merged)
    wb.save(path)
    return path


def as_dict(row) -> dict:
    data = dataclasses.asdict(row)
    data.pop("progress_text")
    return data


# --- the sample ledger -----------------------------------------------------------------------------
def test_the_messy_sample_is_read_row_for_row_as_written(tmp_path):
    sample = make_messy_ledger(tmp_path / "ledger.xlsx", rows=30)
    parsed = parse_ledger(sample.path)
    assert parsed.errors == []
    assert [as_dict(row) for row in parsed.rows] == sample.expected


def test_the_header_is_found_on_row_3_under_the_title_and_every_column_is_mapped(tmp_path):
    sample = make_messy_ledger(tmp_path / "ledger.xlsx", rows=12)
    parsed = parse_ledger(sample.path)
    assert parsed.header_row == 3
    assert parsed.sheet_title == "整改台账"
    assert parsed.title_text == "XX县行政审批服务中心关于县委第一巡察组反馈问题整改台账"
    assert parsed.columns == [h.replace("\n", "").strip() for h in HEADERS]
    assert parsed.mapping == {column.field: index for index, column in enumerate(ledger_columns())}
    assert parsed.reference_year == 2023  # from the 填报时间 line: "10月底前" needs it


def test_blank_rows_and_the_footer_never_become_rows(tmp_path):
    sample = make_messy_ledger(tmp_path / "ledger.xlsx", rows=40)
    parsed = parse_ledger(sample.path)
    read = {row.excel_row for row in parsed.rows}
    assert sample.blank_rows and sample.footer_rows
    assert read.isdisjoint(sample.blank_rows + sample.footer_rows)
    assert len(parsed.rows) == sample.measures == 40


def test_the_sample_counts_findings_suggestions_and_deadline_kinds(tmp_path):
    sample = make_messy_ledger(tmp_path / "ledger.xlsx", rows=30)
    parsed = parse_ledger(sample.path)
    assert len({(r.aspect, r.finding) for r in parsed.rows}) == sample.findings
    assert sum(r.finding_kind == "suggestion" for r in parsed.rows) == sample.count(finding_kind="suggestion") > 0
    assert sum(r.deadline_kind == "ongoing" for r in parsed.rows) == sample.count(deadline_kind="ongoing") > 0
    assert sum(r.deadline_kind == "immediate" for r in parsed.rows) == sample.count(deadline_kind="immediate") > 0


def test_every_bad_row_is_reported_with_its_excel_row_and_column_and_parsing_goes_on(tmp_path):
    sample = make_messy_ledger(tmp_path / "ledger.xlsx", rows=30, with_errors=True)
    parsed = parse_ledger(sample.path)
    assert [{"row": e["row"], "column": e["column"]} for e in parsed.errors] == sample.expected_errors
    messages = [e["message"] for e in parsed.errors]
    assert messages[0] == "日期不存在：2023-02-30"
    assert messages[1].startswith("未知的整改状态：差不多了")
    assert messages[2] == "缺少牵头单位"
    assert len(parsed.rows) == 27  # the other rows are still read


def test_a_file_object_reads_like_a_path(tmp_path):
    sample = make_messy_ledger(tmp_path / "ledger.xlsx", rows=10)
    from_file = parse_ledger(io.BytesIO(sample.path.read_bytes()))
    assert [as_dict(r) for r in from_file.rows] == [as_dict(r) for r in parse_ledger(sample.path).rows]


def test_a_2000_row_ledger_parses_every_row_without_errors(tmp_path):
    # How fast is `tongban ledger benchmark`'s business (parse and import timed against openpyxl), not a test's.
    sample = make_messy_ledger(tmp_path / "big.xlsx", rows=2000)
    parsed = parse_ledger(sample.path)
    assert parsed.errors == [] and len(parsed.rows) == 2000


# --- layouts ----------------------------------------------------------------------------------------
def test_merged_cells_fill_their_range_and_blank_findings_carry_down(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        ["问题方面", "问题", "整改措施", "牵头单位", "整改时限"],
        ["一、服务效能", "窗口一次告知不到位", "制定一次告知清单", "市场准入股", "2023-06-30"],
        [None, None, "开展窗口培训", "县市场监管局", "立行立改"],
        [None, "帮办代办不足", "设立帮办窗口", "市场准入股", "2023年底前"],
        [None, None, "公布帮办电话", "市场准入股", None],
    ], merges=["A2:A5", "E4:E5"])
    parsed = parse_ledger(path)
    assert parsed.errors == []
    assert [(r.excel_row, r.aspect, r.finding, r.deadline_kind, r.deadline) for r in parsed.rows] == [
        (2, "服务效能", "窗口一次告知不到位", "date", date(2023, 6, 30)),
        (3, "服务效能", "窗口一次告知不到位", "immediate", None),
        (4, "服务效能", "帮办代办不足", "date", date(2023, 12, 31)),
        (5, "服务效能", "帮办代办不足", "date", date(2023, 12, 31)),
    ]


def test_a_merged_deadline_applies_to_every_measure_it_spans_but_a_blank_one_does_not(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        ["问题", "整改措施", "牵头单位", "整改时限"],
        ["窗口一次告知不到位", "制定一次告知清单", "市场准入股", "2023年9月30日前"],
        [None, "开展窗口培训", "市场准入股", None],
        [None, "公布监督电话", "市场准入股", None],
    ], merges=["D2:D3"])
    parsed = parse_ledger(path)
    assert [r.deadline for r in parsed.rows[:2]] == [date(2023, 9, 30), date(2023, 9, 30)]
    assert parsed.errors == [{"row": 4, "column": "整改时限", "message": "整改时限为空"}]


def test_group_rows_give_the_aspect_and_the_suggestion_kind(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        ["整改台账（2023年）"],
        HEADER,
        ["一、政治站位不够高"],
        [1, "学习贯彻不深入", "开展专题学习", "市场准入股", None, "6月底前", "已完成"],
        ["二、意见建议"],
        [2, "建议提升帮办服务", "设立帮办代办窗口", "县市场监管局", None, "年底前", "整改中"],
        ["填报人：李整改", None, None, "审核人：张主任"],
    ], merges=["A3:G3", "A5:G5", "A7:C7"])
    parsed = parse_ledger(path)
    assert parsed.errors == []
    assert [(r.aspect, r.finding_kind, r.deadline, r.status_code) for r in parsed.rows] == [
        ("政治站位不够高", "problem", date(2023, 6, 30), "verified"),
        ("意见建议", "suggestion", date(2023, 12, 31), "in_progress"),
    ]


def test_a_second_header_row_under_a_merged_responsibility_group(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        ["序号", "问题", "整改措施", "责任单位", None, None, "完成时限"],
        [None, None, None, "牵头单位", "协调单位", "配合单位", None],
        [1, "窗口一次告知不到位", "制定一次告知清单", "市场准入股", "测试县行政审批服务中心", "县市场监管局", "2023.9.30"],
    ], merges=["A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:G2"])
    parsed = parse_ledger(path)
    assert parsed.errors == []
    assert parsed.header_row == 2
    assert parsed.columns[3:6] == ["牵头单位", "协调单位", "配合单位"]
    row = parsed.rows[0]
    assert (row.lead_unit_name, row.coordinating_unit_names, row.supporting_unit_names) == (
        "市场准入股", ["测试县行政审批服务中心"], ["县市场监管局"]
    )


def test_several_lead_units_the_first_leads_and_the_others_support(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        HEADER,
        [1, "窗口一次告知不到位", "制定清单", " 市场准入股、县市场监管局 ", "城关镇便民服务中心；县市场监管局", "2023-06-30", "整改中"],
        [2, "窗口一次告知不到位", "开展培训", "市场准入股\n王村乡便民服务中心", "城关镇便民服务中心,东关村便民服务点", "2023-06-30", None],
    ])
    first, second = parse_ledger(path).rows
    assert first.lead_unit_name == "市场准入股"
    assert first.supporting_unit_names == ["县市场监管局", "城关镇便民服务中心"]
    assert second.supporting_unit_names == ["王村乡便民服务中心", "城关镇便民服务中心", "东关村便民服务点"]
    assert second.status_code == "not_started"  # an empty status


def test_a_finding_kind_column_decides_problem_or_suggestion(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        ["类别", "问题", "整改措施", "牵头单位", "整改时限"],
        ["问题", "窗口一次告知不到位", "制定清单", "市场准入股", "立行立改"],
        ["意见建议", "建议推行帮办代办", "设立帮办窗口", "市场准入股", "长期坚持"],
        ["表扬", "服务好", "继续保持", "市场准入股", "长期坚持"],
    ])
    parsed = parse_ledger(path)
    assert [r.finding_kind for r in parsed.rows] == ["problem", "suggestion"]
    assert parsed.errors == [{"row": 4, "column": "类别", "message": "未知的问题类型：表扬（应为“问题”或“意见建议”）"}]


def test_a_measure_row_with_an_empty_measure_is_an_error_but_a_finding_row_is_not(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        HEADER,
        [1, "窗口一次告知不到位", None, None, None, None, None],  # the finding, its measures below
        [None, None, "制定清单", "市场准入股", None, "2023-06-30", "已完成"],
        [2, "帮办代办不足", None, "市场准入股", None, "2023-06-30", "已完成"],
    ])
    parsed = parse_ledger(path)
    assert [(r.excel_row, r.finding) for r in parsed.rows] == [(3, "窗口一次告知不到位")]
    assert parsed.errors == [{"row": 4, "column": "整改措施", "message": "整改措施为空"}]


def test_a_measure_without_any_finding_above_it_is_an_error(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [HEADER, [1, None, "制定清单", "市场准入股", None, "2023-06-30", "已完成"]])
    assert parse_ledger(path).errors == [{"row": 2, "column": "问题", "message": "缺少反馈问题"}]


def test_texts_are_trimmed_and_full_width_digits_made_half_width_but_chinese_punctuation_kept(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        HEADER + ["责任人", "整改进展"],
        ["１", " 窗口“一次告知”不到位，群众多次往返。 ", "每月５日前报送进展；\r\n 建立台账 ", "市场准入股 ", None, "２０２３年６月３０日前", " 已完成 ", "赵  窗口", "已完成第１阶段。"],
    ])
    row = parse_ledger(path).rows[0]
    assert row.finding == "窗口“一次告知”不到位，群众多次往返。"
    assert row.measure_text == "每月5日前报送进展；\n建立台账"
    assert (row.lead_unit_name, row.person_name, row.progress_text) == ("市场准入股", "赵窗口", "已完成第1阶段。")
    assert (row.deadline, row.status_code) == (date(2023, 6, 30), "verified")


# --- files that cannot be read ------------------------------------------------------------------------
def test_a_sheet_without_a_recognisable_header_is_one_clear_error(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [["姓名", "电话"], ["张三", "123"]])
    parsed = parse_ledger(path)
    assert parsed.rows == [] and parsed.header_row is None
    assert parsed.errors[0]["row"] is None and parsed.errors[0]["message"].startswith("未找到表头")


def test_the_header_is_found_on_another_sheet_when_the_first_is_a_cover(tmp_path):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表由整改办汇总"])
    ledger = wb.create_sheet("台账")
    for row in (HEADER, [1, "窗口一次告知不到位", "制定清单", "市场准入股", None, "2023-06-30", "已完成"]):
        ledger.append(row)
    wb.save(tmp_path / "l.xlsx")
    parsed = parse_ledger(tmp_path / "l.xlsx")
    assert parsed.sheet_title == "台账" and len(parsed.rows) == 1


def test_a_missing_required_column_is_reported_once_not_per_row(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        ["序号", "问题", "整改措施", "牵头单位"],
        [1, "窗口一次告知不到位", "制定清单", "市场准入股"],
        [2, "帮办代办不足", "设立帮办窗口", "市场准入股"],
    ])
    parsed = parse_ledger(path)
    assert parsed.errors == [{"row": 1, "column": "整改时限", "message": "缺少必需的列：整改时限"}]
    assert parsed.rows == []


@pytest.mark.parametrize("name, content", [("l.xlsx", b"not a workbook"), ("l.xls", b"\xd0\xcf\x11\xe0 old excel")])
def test_something_that_is_not_a_spreadsheet_is_one_clear_error_naming_the_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    parsed = parse_ledger(str(path))
    assert [e["message"] for e in parsed.errors] == [
        f"文件“{name}”不是表格文件：请上传用 Excel 或 WPS 保存的 .xlsx、.xls、.et 或 .ods 文件。"]


# --- mapping ----------------------------------------------------------------------------------------
def test_column_overrides_change_the_detected_mapping(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        ["问题", "整改措施", "牵头单位", "整改时限", "当前情况", "备注"],
        ["窗口一次告知不到位", "制定清单", "市场准入股", "2023-06-30", "整改中", "已完成"],
    ])
    detected = parse_ledger(path)
    assert "status" not in detected.mapping and detected.rows[0].status_code == "not_started"
    chosen = parse_ledger(path, column_overrides={"status": 4, "deadline": None})
    assert chosen.errors == [{"row": 1, "column": "整改时限", "message": "缺少必需的列：整改时限"}]
    overridden = parse_ledger(path, column_overrides={"status": 4})
    assert overridden.mapping["status"] == 4 and overridden.rows[0].status_code == "in_progress"
    assert overridden.column_header("status") == "当前情况"


def test_bad_column_overrides_are_errors(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [["问题", "整改措施", "牵头单位", "整改时限"]])
    errors = parse_ledger(path, column_overrides={"status": 9, "colour": 1}).errors
    assert [e["message"] for e in errors] == ["列号超出范围：9", "未知的字段：colour"]


def test_the_reference_year_argument_wins_over_the_title(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        ["2023年整改台账"],
        ["问题", "整改措施", "牵头单位", "整改时限"],
        ["窗口一次告知不到位", "制定清单", "市场准入股", "10月底前"],
    ])
    assert parse_ledger(path).rows[0].deadline == date(2023, 10, 31)
    assert parse_ledger(path, reference_year=2024).rows[0].deadline == date(2024, 10, 31)


def test_a_date_without_a_year_and_nothing_to_take_it_from_is_an_error(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx", [
        ["问题", "整改措施", "牵头单位", "整改时限"],
        ["窗口一次告知不到位", "制定清单", "市场准入股", "10月底前"],
    ])
    [error] = parse_ledger(path).errors
    assert (error["row"], error["column"]) == (2, "整改时限") and "没有写年份" in error["message"]


@pytest.mark.parametrize(
    "header, field",
    [
        ("序号", "seq"), ("问题类别", "aspect"), ("方面", "aspect"), ("反馈问题方面", "aspect"),
        ("问题", "finding"), ("具体问题", "finding"), ("反馈问题", "finding"), ("问题描述", "finding"),
        ("问题类型", "finding_kind"), ("类别", "finding_kind"), ("类别(问题/意见建议)", "finding_kind"),
        ("整改措施", "measure_text"), ("整改任务", "measure_text"),
        ("牵头单位", "lead_unit_name"), ("责任单位", "lead_unit_name"), ("责任科室", "lead_unit_name"),
        ("责任股室", "lead_unit_name"), ("责任单位（牵头）", "lead_unit_name"),
        ("协调单位", "coordinating_unit_names"), ("配合单位", "supporting_unit_names"),
        ("责任领导", "leader_name"), ("分管领导", "leader_name"), ("责任人", "person_name"),
        ("整改时限", "deadline"), ("完成时限", "deadline"), ("时限", "deadline"), ("整改\n时限", "deadline"),
        ("整改完成时限", "deadline"),
        ("整改状态", "status"), ("完成情况", "status"), ("进展", "status"),
        ("整改进展", "progress_text"), ("进展情况", "progress_text"), ("整改进展情况", "progress_text"),
        ("*整改措施：", "measure_text"),
        ("XX县行政审批服务中心巡察反馈问题整改台账", None), ("备注", None), (None, None),
    ],
)
def test_headers_are_recognised_by_their_synonyms(header, field):
    assert match_header(header) == field


# --- statuses -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "written, code",
    [
        ("已完成", "verified"), ("已整改到位", "verified"), ("完成", "verified"), ("已整改", "verified"),
        ("整改中", "in_progress"), ("正在整改", "in_progress"), ("推进中", "in_progress"),
        ("持续整改", "ongoing"), ("长期持续整改", "ongoing"), ("长期坚持", "ongoing"),
        ("未启动", "not_started"), ("未开始", "not_started"), ("", "not_started"), (None, "not_started"),
        ("申请销号", "pending_signoff"),
        (" 已完成。", "verified"), ("已整改到位，长期坚持", "ongoing"), ("已完成、申请销号", "pending_signoff"),
    ],
)
def test_statuses_are_normalised_to_codes(written, code):
    assert parse_status(written) == code


def test_an_unknown_status_is_refused_in_chinese():
    with pytest.raises(StatusError) as exc:
        parse_status("差不多了")
    assert exc.value.message.startswith("未知的整改状态：差不多了")


# --- the standard layout round trip ----------------------------------------------------------------------
def test_the_standard_export_layout_reads_back_to_the_same_values(tmp_path):
    """What the exporter writes with ledger_columns() and the format_* helpers, the parser reads back."""
    columns = ledger_columns()
    wb = styled_workbook("整改台账")
    ws = wb.active
    write_title_row(ws, "县委第一巡察组反馈问题整改台账（2023年）", ncols=len(columns))
    write_header(ws, 2, [c.header for c in columns])
    measures = [
        ("牵头作用发挥不充分", "problem", "合力不足", "建立联席会议制度", ["市场准入股"], [], ["县市场监管局", "城关镇便民服务中心"],
         "张主任", "王股长", "date", date(2023, 6, 30), "verified"),
        ("牵头作用发挥不充分", "problem", "合力不足", "每月通报进展", ["市场准入股"], ["测试县行政审批服务中心"], [],
         "张主任", "王股长", "immediate", None, "pending_signoff"),
        ("优化营商环境", "suggestion", "建议推行帮办代办", "设立帮办窗口", ["县市场监管局"], [], [],
         "李副主任", "赵窗口", "ongoing", date(2023, 12, 31), "ongoing"),
        ("优化营商环境", "suggestion", "建议推行帮办代办", "公布帮办电话", ["县市场监管局"], [], [],
         "李副主任", "赵窗口", "ongoing", None, "in_progress"),
        ("优化营商环境", "suggestion", "建议推行帮办代办", "培训帮办人员", ["县市场监管局"], [], [],
         "李副主任", "赵窗口", "immediate", date(2023, 7, 31), "not_started"),
    ]
    write_rows(ws, 3, [
        [n, aspect, "意见建议" if kind == "suggestion" else "问题", finding, measure, format_unit_names(lead),
         format_unit_names(coordinating), format_unit_names(supporting), leader, person,
         format_deadline(deadline_kind, deadline), STATUS_LABELS[status], ""]
        for n, (aspect, kind, finding, measure, lead, coordinating, supporting, leader, person, deadline_kind, deadline, status)
        in enumerate(measures, start=1)
    ])
    wb.save(tmp_path / "export.xlsx")
    parsed = parse_ledger(tmp_path / "export.xlsx")
    assert parsed.errors == []
    assert parsed.mapping == {c.field: i for i, c in enumerate(columns)}
    assert [
        (r.aspect, r.finding_kind, r.finding, r.measure_text, [r.lead_unit_name], r.coordinating_unit_names,
         r.supporting_unit_names, r.leader_name, r.person_name, r.deadline_kind, r.deadline, r.status_code)
        for r in parsed.rows
    ] == measures


def test_every_status_label_parses_back_to_its_code():
    assert {code: parse_status(label) for code, label in STATUS_LABELS.items()} == {code: code for code in STATUS_LABELS}


def test_cell_text_cleans_without_touching_chinese_punctuation():
    assert cell_text(" （一）１２３，ＡＢ。\u3000") == "（一）123，AB。"
    assert cell_text(12.0) == "12"
    assert cell_text(None) == ""
    assert cell_text("第一行_x000D_\n\n  第二行 ") == "第一行\n第二行"
