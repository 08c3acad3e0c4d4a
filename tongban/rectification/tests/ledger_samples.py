"""Realistic messy 整改台账 workbooks for tests (ours and the database import's).

`make_messy_ledger(path, rows=30)` writes what offices really keep: a merged title row, a 填报单位 line,
the header on row 3 (with a line break and a trailing space in it), aspects and findings merged down
over their measures, one finding left blank below instead of merged, blank rows, the last aspects being
意见建议, several units in one cell, padded names, full-width digits, mixed date formats (Excel dates,
`2023年6月30日前`, `2023.9.30`, `10月底前`, `立行立改`, `长期坚持`, …) and a 填报人 / 注 footer.

It returns a `SampleLedger` whose `expected` rows say, independently of the parser, what each measure
row must be read as; with `with_errors=True` three rows are spoiled (an impossible date, an unknown
status, a missing lead unit) and `expected_errors` names their Excel rows and columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

# The units and people of the `county` / `personas` fixtures (tongban/conftest.py).
DEFAULT_UNITS = ("市场准入股", "县市场监管局", "城关镇便民服务中心", "王村乡便民服务中心", "测试县行政审批服务中心")
LEADERS = ("张主任", "李副主任")
PERSONS = ("王股长", "赵  窗口", "钱乡镇")  # padded two-character names, as offices align them

HEADERS = (
    "序号", "反馈问题方面", "问题类型", "具体问题 ", "整改措施", "牵头单位", "协调单位", "配合单位",
    "责任领导", "责任人", "整改\n时限", "整改状态", "整改进展情况",
)
TITLE = "XX县行政审批服务中心关于县委第一巡察组反馈问题整改台账"
HEADER_ROW = 3

ASPECTS = (
    "一、牵头作用发挥不充分，合力不足",
    "二、政务服务事项“应进必进”落实不到位",
    "三、“三集中三到位”改革不彻底",
    "四、中介机构管理不规范",
    "五、政务服务向基层延伸不够",
    "六、窗口工作人员管理不严",
)
SUGGESTION_ASPECTS = (
    "意见建议：进一步优化营商环境",
    "意见建议：提升“一件事一次办”服务水平",
)

# (cell value, expected kind, expected date) — the reference year is 2023, from the title row.
DEADLINES = (
    (datetime(2023, 6, 30), "date", date(2023, 6, 30)),
    ("2023年6月30日前", "date", date(2023, 6, 30)),
    ("2023.9.30", "date", date(2023, 9, 30)),
    ("立行立改", "immediate", None),
    ("２０２３年１０月３１日前", "date", date(2023, 10, 31)),
    ("10月底前", "date", date(2023, 10, 31)),
    ("长期坚持", "ongoing", None),
    ("2023-08-15", "date", date(2023, 8, 15)),
    ("年底前", "date", date(2023, 12, 31)),
    ("2023/8/15 ", "date", date(2023, 8, 15)),
    ("长期持续整改", "ongoing", None),
    ("即知即改", "immediate", None),
)
STATUSES = (
    ("已完成", "verified"),
    ("整改中", "in_progress"),
    ("已整改到位 ", "verified"),
    ("持续整改", "ongoing"),
    ("未启动", "not_started"),
    ("申请销号", "pending_signoff"),
    ("正在整改", "in_progress"),
    (None, "not_started"),
)


@dataclass
class SampleLedger:
    path: Path
    header_row: int
    expected: list[dict] = field(default_factory=list)  # one per measure row, in order
    expected_errors: list[dict] = field(default_factory=list)  # {"row", "column"}; message left to the parser
    blank_rows: list[int] = field(default_factory=list)
    footer_rows: list[int] = field(default_factory=list)

    @property
    def measures(self) -> int:
        return len(self.expected)

    @property
    def findings(self) -> int:
        return len({(row["aspect"], row["finding"]) for row in self.expected})

    @property
    def aspects(self) -> int:
        return len({row["aspect"] for row in self.expected})

    def count(self, **criteria) -> int:
        """Measures matching every criterion, e.g. count(deadline_kind="ongoing")."""
        return sum(all(row[key] == value for key, value in criteria.items()) for row in self.expected)


def _strip_ordinal(aspect: str) -> str:
    return aspect.split("、", 1)[1] if aspect[:1] in "一二三四五六七八九十" else aspect


def _fullwidth(number: int) -> str:
    return "".join(chr(ord(ch) - ord("0") + ord("０")) for ch in str(number))


def make_messy_ledger(
    path: str | Path,
    rows: int = 30,
    *,
    with_errors: bool = False,
    unit_names: tuple[str, ...] | list[str] = DEFAULT_UNITS,
) -> SampleLedger:
    """Write a messy ledger with `rows` measure rows to `path` (an .xlsx) and say what it contains."""
    path = Path(path)
    units = list(unit_names)
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ncols = len(HEADERS)
    ws.cell(row=1, column=1, value=TITLE)
    merges = [CellRange(min_col=1, min_row=1, max_col=ncols, max_row=1)]
    ws.cell(row=2, column=1, value="填报单位：XX县行政审批服务中心（盖章）          填报时间：2023年8月15日")
    for column, text in enumerate(HEADERS, start=1):
        ws.cell(row=HEADER_ROW, column=column, value=text)
    sample = SampleLedger(path=path, header_row=HEADER_ROW)

    # Plan: aspects of ~6 measures, findings of 1–3 measures; the last quarter are suggestions.
    measures_per_finding = (2, 1, 3)
    suggestion_from = rows - max(1, rows // 4)
    excel_row = HEADER_ROW + 1
    measure_no = finding_no = 0
    aspect_index = 0
    while measure_no < rows:
        is_suggestion = measure_no >= suggestion_from
        aspects = SUGGESTION_ASPECTS if is_suggestion else ASPECTS
        aspect = aspects[aspect_index % len(aspects)]
        if aspect_index >= len(aspects):
            aspect = f"{aspect}（{aspect_index // len(aspects) + 1}）"
        aspect_index += 1
        aspect_first_row = excel_row
        for _ in range(3):  # up to three findings per aspect
            if measure_no >= rows or (not is_suggestion and measure_no >= suggestion_from):
                break
            finding_no += 1
            count = min(measures_per_finding[finding_no % 3], rows - measure_no)
            finding = f"第{finding_no}个问题：部分窗口“一次告知”落实不到位，群众反映需多次往返。"
            merge_finding = finding_no % 4 != 0  # every fourth finding is written once and left blank below
            finding_first_row = excel_row
            for index in range(count):
                if measure_no and measure_no % 17 == 0 and index:  # a blank row inside a merged range
                    sample.blank_rows.append(excel_row)
                    excel_row += 1
                deadline_value, deadline_kind, deadline = DEADLINES[measure_no % len(DEADLINES)]
                status_value, status_code = STATUSES[measure_no % len(STATUSES)]
                lead = units[measure_no % len(units)]
                supporting = [units[(measure_no + 2) % len(units)]] if measure_no % 3 == 0 else []
                lead_cell = lead
                if measure_no % 5 == 4:  # two lead units in one cell: the second becomes a supporting unit
                    second = units[(measure_no + 1) % len(units)]
                    lead_cell = f"{lead}、{second}"
                    supporting = [second] + [name for name in supporting if name != second]
                coordinating = [units[(measure_no + 3) % len(units)]] if measure_no % 4 == 1 else []
                measure = f"措施{measure_no + 1}：建立健全工作台账，每月{_fullwidth(measure_no % 28 + 1)}日前报送整改进展。 "
                values = {
                    3: "意见建议" if is_suggestion else "问题",
                    5: measure,
                    6: lead_cell,
                    7: "\n".join(coordinating),
                    8: "，".join(supporting),
                    9: LEADERS[measure_no % len(LEADERS)],
                    10: PERSONS[measure_no % len(PERSONS)],
                    11: deadline_value,
                    12: status_value,
                    13: f"已完成第{measure_no % 3 + 1}阶段工作。" if status_code != "not_started" else None,
                }
                if index == 0:
                    values[1] = _fullwidth(finding_no) if finding_no % 5 == 0 else finding_no
                    values[2] = aspect if excel_row == aspect_first_row else None
                    values[4] = finding
                if with_errors and measure_no in (1, 4, 7):
                    column = {1: 11, 4: 12, 7: 6}[measure_no]
                    values[column] = {11: "2023-02-30", 12: "差不多了", 6: None}[column]
                    sample.expected_errors.append({"row": excel_row, "column": HEADERS[column - 1].replace("\n", "").strip()})
                for column, value in values.items():
                    if value is not None and value != "":
                        ws.cell(row=excel_row, column=column, value=value)
                sample.expected.append({
                    "excel_row": excel_row,
                    "aspect": _strip_ordinal(aspect),
                    "finding_kind": "suggestion" if is_suggestion else "problem",
                    "finding": finding,
                    "measure_text": measure.strip().replace(_fullwidth(measure_no % 28 + 1), str(measure_no % 28 + 1)),
                    "lead_unit_name": lead,
                    "coordinating_unit_names": coordinating,
                    "supporting_unit_names": supporting,
                    "leader_name": LEADERS[measure_no % len(LEADERS)],
                    "person_name": PERSONS[measure_no % len(PERSONS)].replace(" ", ""),
                    "deadline_kind": deadline_kind,
                    "deadline": deadline,
                    "status_code": status_code,
                })
                measure_no += 1
                excel_row += 1
            if merge_finding and excel_row - 1 > finding_first_row:
                for column in (1, 4):
                    merges.append(CellRange(min_col=column, min_row=finding_first_row, max_col=column, max_row=excel_row - 1))
        if excel_row - 1 > aspect_first_row:
            merges.append(CellRange(min_col=2, min_row=aspect_first_row, max_col=2, max_row=excel_row - 1))
        if measure_no < rows and aspect_index % 2 == 0:  # a blank row between some aspects
            sample.blank_rows.append(excel_row)
            excel_row += 1

    excel_row += 1
    sample.blank_rows.append(excel_row - 1)
    for text in ("填报人：李整改          审核人：张主任", "注：1．整改时限为“长期坚持”的，每季度报送一次进展。", "2．“立行立改”事项须附佐证材料。"):
        ws.cell(row=excel_row, column=1, value=text)
        sample.footer_rows.append(excel_row)
        excel_row += 1
    # Set at once: ws.merge_cells() checks every earlier range (quadratic for 5,000-row samples).
    ws.merged_cells = MultiCellRange(merges)
    for cell in ws[HEADER_ROW]:
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    wb.save(path)
    return sample
