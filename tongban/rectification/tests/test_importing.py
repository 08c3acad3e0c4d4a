"""The Excel ledger in and out: real workbooks written with openpyxl, parsed by the real parser,
imported into the real database. All-or-nothing, idempotent, and export → import → export stable."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from tongban.rectification import services
from tongban.rectification.exporting import export_ledger
from tongban.rectification.importing import import_ledger
from tongban.rectification.ledger_parsing import parse_ledger
from tongban.rectification.models import Checkpoint, Finding, Inspection, Measure

pytestmark = pytest.mark.django_db

HEADER = ["序号", "问题方面", "具体问题", "整改措施", "牵头单位", "配合单位", "责任领导", "责任人", "完成时限", "整改状态"]


def messy_ledger(rows: list[list], title: str = "2023年县委第一巡察组反馈问题整改台账") -> io.BytesIO:
    """What offices keep: a title row, a blank row, the header on row 3, an aspect merged over its
    measures, full-width digits, trailing spaces, a blank row and a footer."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["填报人：孙文静"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def good_rows():
    return [
        [1, "一、牵头作用发挥不充分，合力不足", "牵头作用发挥不充分", "制定年度工作方案 ", "市场准入股", "城关镇", "张主任", "王股长",
         "２０２３年６月３０日前", "已完成"],
        [2, None, None, "建立日监测、周提醒、月通报机制", "测试县行政审批服务中心", "", "", "李四", "长期坚持", "持续整改"],
        [3, "二、意见建议", "建议完善回访制度", "制定回访制度", "王村乡", "", "", "", datetime(2023, 9, 30), "整改中"],
        [4, None, None, "每月抽取业务电话回访", "王村乡", "", "", "", "10月底前", ""],
    ]


def test_a_messy_ledger_imports_into_findings_and_measures(county, personas):
    parsed = parse_ledger(messy_ledger(good_rows()))
    assert parsed.errors == []
    result = import_ledger(parsed, by=personas.rectification_office)
    assert result.errors == []
    assert result.as_json() == {"inspection": result.inspection.pk, "findings": 2, "measures": 4, "ongoing": 1,
                                "created": 4, "updated": 0, "unchanged": 0, "errors": [],
                                "signed_off_by_import": [{"row": 4, "text": "制定年度工作方案"}]}
    inspection = Inspection.objects.get(title="2023年县委第一巡察组")
    assert inspection.group == "县委第一巡察组" and inspection.body == "县委"
    assert [a.title for a in inspection.aspects.all()] == ["牵头作用发挥不充分，合力不足", "意见建议"]
    assert Finding.objects.get(description="建议完善回访制度").kind == "suggestion"
    first = Measure.objects.get(text="制定年度工作方案")
    assert first.lead_unit == county.section and [u.name for u in first.supporting_units] == ["城关镇便民服务中心"]
    assert first.deadline == date(2023, 6, 30) and first.status == "verified"
    assert first.responsible_person.name == "王股长" and first.responsible_leader.name == "张主任"
    ongoing = Measure.objects.get(text="建立日监测、周提醒、月通报机制")
    assert ongoing.deadline_kind == "ongoing" and ongoing.status == "ongoing"
    assert ongoing.responsible_person is None and ongoing.responsible_person_name == "李四"
    assert Measure.objects.get(text="每月抽取业务电话回访").deadline == date(2023, 10, 31)


def test_importing_the_same_file_again_creates_nothing(county):
    import_ledger(parse_ledger(messy_ledger(good_rows())))
    counts = (Inspection.objects.count(), Finding.objects.count(), Measure.objects.count())
    again = import_ledger(parse_ledger(messy_ledger(good_rows())))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert (Inspection.objects.count(), Finding.objects.count(), Measure.objects.count()) == counts


def test_a_changed_row_is_updated_in_place(county):
    import_ledger(parse_ledger(messy_ledger(good_rows())))
    rows = good_rows()
    rows[2][8] = "2023年12月31日"
    result = import_ledger(parse_ledger(messy_ledger(rows)))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert Measure.objects.get(text="制定回访制度").deadline == date(2023, 12, 31)


def test_any_bad_row_rejects_the_whole_file_with_every_error(county):
    rows = good_rows()
    rows[0][4] = "不存在的局"
    rows[2][8] = "2023-02-30"
    rows[3][9] = "差不多了"
    result = import_ledger(parse_ledger(messy_ledger(rows)))
    found = {(e["row"], e["column"]) for e in result.errors}
    assert found == {(4, "牵头单位"), (6, "完成时限"), (7, "整改状态")}
    messages = " ".join(e["message"] for e in result.errors)
    assert "找不到单位“不存在的局”" in messages and "2023-02-30" in messages and "差不多了" in messages
    assert not Measure.objects.exists() and not Inspection.objects.exists()


def test_a_dry_run_counts_but_writes_nothing(county):
    result = import_ledger(parse_ledger(messy_ledger(good_rows())), dry_run=True)
    assert result.ok and result.created == 4
    assert not Inspection.objects.exists() and not Measure.objects.exists()


def test_an_ambiguous_unit_name_is_an_error(county):
    rows = good_rows()
    rows[0][4] = "便民服务"  # 城关镇… and 王村乡… both contain it
    result = import_ledger(parse_ledger(messy_ledger(rows)))
    assert any("不唯一" in e["message"] for e in result.errors)


def test_a_duplicate_row_is_an_error(county):
    rows = good_rows()
    rows.append([5, None, None, "每月抽取业务电话回访", "王村乡", "", "", "", "10月底前", ""])
    result = import_ledger(parse_ledger(messy_ledger(rows)))
    assert [e["row"] for e in result.errors] == [8]


def test_export_import_export_gives_the_same_cells(ledger, personas, county):
    services.add_progress(ledger.section_measure, text="已印发", files=[])
    services.update_measure(ledger.section_measure, expected_version=None,
                            coordinating_units=[county.department])
    first = export_ledger(ledger.inspection)
    copy = services.create_inspection(title="副本", body="县委", inspected_unit=county.center,
                                      feedback_date=date(2023, 6, 17))
    result = import_ledger(parse_ledger(io.BytesIO(first)), inspection=copy)
    assert result.ok, result.errors
    assert result.created == 4
    second = export_ledger(copy)

    def cells(content):
        sheet = load_workbook(io.BytesIO(content)).active
        return [row for row in sheet.iter_rows(min_row=2, values_only=True)], sorted(map(str, sheet.merged_cells.ranges))

    assert cells(first) == cells(second)
    again = import_ledger(parse_ledger(io.BytesIO(second)), inspection=copy)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_the_export_merges_aspects_over_their_measures(ledger):
    sheet = load_workbook(io.BytesIO(export_ledger(ledger.inspection))).active
    assert sheet.cell(1, 1).value == "县委第一巡察组反馈意见整改整改台账"
    assert sheet.cell(2, 5).value == "整改措施"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "B3:B4" in merged and "B5:B6" in merged  # two aspects, two measures each


def test_an_ongoing_deadline_with_a_date_becomes_a_checkpoint(county):
    rows = good_rows()
    rows[1][8] = "2023年12月底前取得阶段性成效，长期坚持"
    import_ledger(parse_ledger(messy_ledger(rows)))
    measure = Measure.objects.get(text="建立日监测、周提醒、月通报机制")
    assert list(Checkpoint.objects.filter(measure=measure).values_list("due_date", flat=True)) == [date(2023, 12, 31)]
    # 持续整改 past its first checkpoint (2023-12-31, due on the first workday 2024-01-02): a time node
    # missed — past due, counted on its own line, not among the overdue unfinished measures.
    assert measure.status == "ongoing" and measure.due_date == date(2024, 1, 2)
    assert measure.pk in set(Measure.objects.past_due(date(2024, 1, 3)).values_list("pk", flat=True))
    assert measure.pk not in set(Measure.objects.overdue(date(2024, 1, 3)).values_list("pk", flat=True))


# --- re-imports go through the loop's rules ---------------------------------------------------------


def test_an_imported_verified_row_is_signed_off_by_the_importer_at_import_time(county, personas):
    result = import_ledger(parse_ledger(messy_ledger(good_rows())), by=personas.rectification_office)
    first = Measure.objects.get(text="制定年度工作方案")
    assert first.status == "verified" and first.verified_by == personas.rectification_office
    assert first.verified_at is not None and result.inspection.pk


def test_a_reimport_never_moves_a_status_backwards_and_warns_instead(county, personas):
    import_ledger(parse_ledger(messy_ledger(good_rows())), by=personas.rectification_office)
    rows = good_rows()
    rows[0][9] = "整改中"  # the older ledger still says 整改中 for a verified measure
    rows[0][8] = "2023年12月31日"  # and another deadline
    preview = import_ledger(parse_ledger(messy_ledger(rows)), dry_run=True)
    assert preview.ok and [(w["row"], w["column"]) for w in preview.warnings] == [(4, "完成时限"), (4, "整改状态")]
    assert "已整改到位" in preview.warnings[1]["message"]
    result = import_ledger(parse_ledger(messy_ledger(rows)))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    first = Measure.objects.get(text="制定年度工作方案")
    assert first.status == "verified" and first.deadline == date(2023, 6, 30)


def test_a_reimport_keeps_a_measure_that_moved_on_in_the_loop(county, personas):
    from tongban.rectification.tests.conftest import upload

    import_ledger(parse_ledger(messy_ledger(good_rows())))
    measure = Measure.objects.get(text="制定回访制度")
    services.add_progress(measure, text="已印发", files=[upload("制度.pdf")])
    services.submit_for_signoff(measure)
    result = import_ledger(parse_ledger(messy_ledger(good_rows())))
    assert Measure.objects.get(pk=measure.pk).status == "pending_signoff"
    assert any(w["row"] == 6 and "申请销号" in w["message"] for w in result.warnings)


def test_a_reimported_change_is_on_the_measures_timeline_with_old_and_new_values(county, personas):
    from tongban.history.services import events_for

    import_ledger(parse_ledger(messy_ledger(good_rows())))
    rows = good_rows()
    rows[2][8] = "2023年12月31日"
    rows[2][4] = "城关镇"
    import_ledger(parse_ledger(messy_ledger(rows)), by=personas.rectification_office)
    measure = Measure.objects.get(text="制定回访制度")
    event = events_for(measure).get(code="rectification.measure.reimported")
    assert "完成时限：2023-09-30 → 2023-12-31" in event.message
    assert "牵头单位：王村乡便民服务中心 → 城关镇便民服务中心" in event.message
    assert event.actor == personas.rectification_office
    assert measure.lead_unit == county.township_a
