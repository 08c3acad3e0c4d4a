"""No 500 for any number a person types: a query parameter, a form field, a column choice in an import's
preview or a cell of an imported file holding "²" ("²".isdigit() is True, int("²") raises), "١٢" (int() reads
it as 12), "1e3", a number beyond a database column or one of 5,000 digits (beyond int()'s limit) gives a normal
page, a Chinese error, or a row-numbered Chinese error in the import. Every such value is read by
`core.text.parse_int` (ASCII digits only)."""
from __future__ import annotations

import csv

import pytest
from django.http import QueryDict

pytestmark = pytest.mark.django_db

TYPED = ["²", "١٢", "1e3", "99999999999999999999", "1" * 5000]


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("typed", TYPED, ids=["superscript", "arabic-indic", "exponent", "huge", "5000-digits"])
@pytest.mark.parametrize(("persona", "url", "name"), [
    ("director", "/staffing/attendance/", "unit"),
    ("director", "/staffing/attendance/", "window"),
    ("director", "/staffing/attendance/export/", "unit"),
    ("director", "/staffing/inspections/", "unit"),
    ("director", "/staffing/bulletin/", "unit"),
    ("window_clerk", "/cases/new/", "item"),
    ("window_clerk", "/cases/new/", "bundle"),
    ("director", "/assessment/unit-points/", "year"),
    ("director", "/calendar/", "year"),
])
def test_a_page_reads_a_typed_number_without_a_500(persona, url, name, typed, personas, client_for):
    response = client_for(getattr(personas, persona)).get(url, {name: typed})
    assert response.status_code == 200


@pytest.mark.parametrize("typed", TYPED)
def test_a_column_choice_in_the_province_preview_is_a_column_or_none(typed):
    from tongban.cases.views_province import _column_overrides

    assert _column_overrides(QueryDict(f"map_blzt={typed}&map_at=3")) == {"blzt": None, "at": 3}


@pytest.mark.parametrize("typed", TYPED)
def test_a_column_choice_in_the_ledger_preview_is_a_column_or_none(typed):
    from tongban.rectification.views import _column_overrides

    assert _column_overrides(QueryDict(f"map_measure_text={typed}&map_lead_unit_name=2")) == {"measure_text": None, "lead_unit_name": 2}


@pytest.mark.parametrize("typed", TYPED)
def test_an_unknown_unit_mapped_to_a_typed_number_is_left_unanswered(typed):
    from tongban.rectification.views import _unit_choices

    data = QueryDict(mutable=True)
    data.update({"unknown_0_name": "县甲局", "unknown_0_action": "map", "unknown_0_unit": typed,
                 "unknown_1_name": "县乙局", "unknown_1_action": "create", "unknown_1_parent": typed})
    assert _unit_choices(data, {}) == {"map": {}, "create": {}}


@pytest.mark.parametrize("typed", TYPED)
def test_a_column_choice_in_the_12345_preview_is_a_column_or_none(typed, rf):
    from tongban.feedback.importing import FIELDS, _mapping_from

    key = next(iter(FIELDS))
    mapping = _mapping_from(rf.post("/", {f"map_{key}": typed}), ["工单号", "内容"])
    assert mapping[key] is None


@pytest.mark.parametrize("typed", TYPED)
def test_a_province_row_with_a_typed_number_is_a_row_numbered_error(typed, tmp_path):
    from tongban.cases.province import parse_province

    path = tmp_path / "省平台.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["办件编号", "申请人", "受理部门", "承诺时限（工作日）", "办理状态代码", "办理时间"])
        writer.writerow(["P-1", "张三", "县市场监管局", "5", "1", "2026-11-02 09:30:00"])
        writer.writerow(["P-2", "李四", "县市场监管局", typed, typed, "2026-11-02 09:30:00"])
    parsed = parse_province(str(path), name=path.name)
    assert [e["row"] for e in parsed.errors] == [3, 3]
    assert [e["column"] for e in parsed.errors] == ["办理状态代码", "承诺时限（工作日）"]
    assert all(_chinese(e["message"]) for e in parsed.errors)
    assert [row.values["province_number"] for row in parsed.rows] == ["P-1"]


@pytest.mark.parametrize("typed", TYPED)
def test_a_catalogue_cell_with_a_typed_number_is_a_chinese_cell_error(typed):
    from tongban.catalog.excel import CellError, parse_count

    with pytest.raises(CellError, match="不是非负整数"):
        parse_count(typed)


def test_a_catalogue_cell_still_reads_full_width_digits():
    from tongban.catalog.excel import parse_count

    assert (parse_count("１２"), parse_count(12.0), parse_count(""), parse_count(" 7 ")) == (12, 12, 0, 7)


def test_a_workbook_declaring_a_5000_digit_string_count_is_refused_in_chinese():
    from django.core.exceptions import ValidationError

    from tongban.core.spreadsheets import _check_shared_strings

    with pytest.raises(ValidationError, match="共享字符串"):
        _check_shared_strings(b'<sst uniqueCount="' + b"1" * 5000 + b'">', "台账.xlsx")
