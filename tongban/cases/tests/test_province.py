"""The exchange with the provincial platform: import (keyed, idempotent, all or nothing, edits kept), the events
and clocks of imported cases, the export in the same layout and the round trip, the command line."""
from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from tongban.cases.choices import CaseStatus, Decision
from tongban.cases.models import Case, CaseEvent, Suspension
from tongban.cases.province import COLUMNS, export_province, import_province, parse_province

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "province_sample.csv"


@pytest.fixture
def exchange(county, restaurant):
    """The test county with the restaurant items (R-2 食品经营许可 at 县市场监管局, R-4 排水许可)."""
    return restaurant


FOOD_MATERIALS = {"layout_plan": "received", "health_cert": "received", "business_licence": "received"}


def run(path, **kw):
    return import_province(parse_province(str(path), name=Path(path).name), **kw)


def rows_of(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path, rows) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return Path(path)


def test_import_makes_cases_events_suspensions_and_clocks(exchange, county):
    result = run(SAMPLE)
    assert result.ok, result.errors
    assert (result.cases, result.events, result.created) == (3, 12, 3)
    closed = Case.objects.get(province_number="SX2026110200001")
    assert closed.status == CaseStatus.CLOSED and closed.decision == Decision.APPROVED
    assert (closed.received_on, closed.accepted_on, closed.decided_on, closed.closed_on) == (
        date(2026, 11, 2), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 10))
    assert closed.intake_window == county.specialist_window and closed.item == exchange.food
    assert list(closed.events.exclude(blzt=None).values_list("blzt", flat=True)) == [1, 3, 9, 10, 8, 11]
    assert closed.events.filter(code="case.imported").count() == 1
    suspension = Suspension.objects.get(case=closed)
    assert (suspension.started_on, suspension.ended_on, suspension.workdays) == (date(2026, 11, 3), date(2026, 11, 5), 2)
    # The clock as the services keep it: 5 promised days from acceptance plus the 2 suspended ones.
    assert (closed.clock_start, closed.budget_workdays, closed.suspended_workdays, closed.clock_workdays) == (
        date(2026, 11, 2), 5, 2, 7)
    assert closed.due_date == date(2026, 11, 11)
    open_case = Case.objects.get(province_number="SX2026110300002")
    assert open_case.status == CaseStatus.REVIEWING and open_case.correction_notified_on == date(2026, 11, 3)
    assert open_case.applicant_kind == "organisation" and open_case.intake_window == county.intake_window
    assert open_case.budget_workdays == exchange.drain.promised_days and open_case.due_date is not None
    refused = Case.objects.get(province_number="SX2026110400003")
    assert refused.status == CaseStatus.REFUSED and refused.events.get(blzt=4).message == "不属于本机关职权范围"


def test_supervision_sees_an_imported_overdue_case(exchange):
    from tongban.cases.selectors import overdue_q
    from tongban.supervision.clocks import scan
    from tongban.supervision.models import Clock

    run(SAMPLE)
    case = Case.objects.get(province_number="SX2026110300002")
    assert Case.objects.filter(overdue_q(date(2026, 11, 30)), pk=case.pk).exists()
    scan(date(2026, 11, 30))
    assert Clock.objects.filter(case=case, task=None, state="overdue").exists()
    assert not Clock.objects.filter(case__province_number="SX2026110400003", state="overdue").exists()


def test_reimport_changes_nothing_and_a_dry_run_writes_nothing(exchange, django_assert_max_num_queries):
    dry = run(SAMPLE, dry_run=True)
    assert dry.ok and dry.created == 3 and not Case.objects.exists()
    run(SAMPLE)
    before = (Case.objects.count(), CaseEvent.objects.count(), Suspension.objects.count(),
              list(Case.objects.values_list("updated_at", flat=True)))
    with django_assert_max_num_queries(25):
        again = run(SAMPLE)
    assert (again.created, again.updated, again.unchanged, again.new_events) == (0, 0, 3, 0)
    assert before == (Case.objects.count(), CaseEvent.objects.count(), Suspension.objects.count(),
                      list(Case.objects.values_list("updated_at", flat=True)))


def test_a_changed_row_shows_its_change_and_keeps_an_edit_made_in_tongban(exchange, tmp_path):
    run(SAMPLE)
    case = Case.objects.get(province_number="SX2026110400003")
    Case.objects.filter(pk=case.pk).update(applicant_name="王五（已核实）")  # edited in tongban
    rows = rows_of(SAMPLE)
    for row in rows[1:]:
        if row[0] == "SX2026110400003":
            row[3], row[6] = "王五五", "13700002222"
    path = write_rows(tmp_path / "changed.csv", rows)
    preview = run(path, dry_run=True)
    fields = {f["field"]: f for f in preview.changes[0]["fields"]}
    assert fields["phone"]["taken"] and fields["phone"]["new"] == "13700002222"
    assert fields["applicant_name"]["edited"] and not fields["applicant_name"]["taken"]
    assert preview.conflicts == 1 and Case.objects.get(pk=case.pk).phone == "13700001111"
    run(path)
    case.refresh_from_db()
    assert (case.applicant_name, case.phone) == ("王五（已核实）", "13700002222")
    assert case.events.filter(code="case.reimported").count() == 1
    from tongban.core.import_snapshots import TakeFileValues

    run(path, take_file_values=TakeFileValues(fields=frozenset({f"{case.pk}:applicant_name"})))
    case.refresh_from_db()
    assert case.applicant_name == "王五五"


def test_new_events_of_a_known_case_are_added_and_move_it(exchange, tmp_path):
    run(SAMPLE)
    rows = rows_of(SAMPLE)
    rows.append(["SX2026110300002", "", "", "", "", "", "", "", "", "", "8", "", "2026-11-12 10:00:00", "准予"])
    rows.append(["SX2026110300002", "", "", "", "", "", "", "", "", "", "11", "", "2026-11-13 10:00:00", ""])
    result = run(write_rows(tmp_path / "more.csv", rows))
    assert (result.updated, result.new_events) == (1, 2)
    case = Case.objects.get(province_number="SX2026110300002")
    assert case.status == CaseStatus.CLOSED and case.closed_on == date(2026, 11, 13)


def test_all_or_nothing_with_rows_and_chinese_errors(exchange, tmp_path):
    rows = rows_of(SAMPLE)
    rows[3][10] = "99"
    rows[5][12] = "昨天下午"
    rows[7][7] = "不存在的局"
    rows[11][1] = "NO-SUCH-ITEM"
    result = run(write_rows(tmp_path / "bad.csv", rows))
    assert not result.ok and not Case.objects.exists() and not CaseEvent.objects.exists()
    found = {(e["row"], e["column"]) for e in result.errors}
    assert {(4, "办理状态代码"), (6, "办理时间"), (8, "受理部门"), (12, "事项编码")} <= found
    assert any("1—16" in e["message"] for e in result.errors)


def test_a_case_must_start_with_its_receipt_and_a_resume_needs_a_suspension(exchange, tmp_path):
    rows = rows_of(SAMPLE)
    rows = [rows[0], *[r for r in rows[1:] if r[0] == "SX2026110200001" and r[10] not in ("1", "9")]]
    result = run(write_rows(tmp_path / "bad.csv", rows))
    messages = " ".join(e["message"] for e in result.errors)
    assert "收件" in messages and "特别程序结束" in messages


def test_column_mapping_reads_other_headers_and_takes_overrides(exchange, tmp_path):
    rows = rows_of(SAMPLE)
    rows[0] = ["申报流水号", "实施编码", "申请事项", "申请人名称", "申请主体类型", "身份证号码", "手机号码", "受理单位",
               "窗口", "承诺期限", "状态代码", "状态说明", "发生时间", "备注"]
    rows[0][12] = "时间戳"  # a header the import does not know: the user maps it in the preview
    path = write_rows(tmp_path / "other.csv", rows)
    parsed = parse_province(str(path), name="other.csv")
    assert parsed.errors[0]["message"] == "缺少必需的列：办理时间"
    parsed = parse_province(str(path), name="other.csv", column_overrides={"at": 12})
    assert not parsed.errors and len(parsed.rows) == 12


def test_export_round_trips_into_a_fresh_database(exchange, county, tmp_path, case_people):
    """Imported cases and one made in tongban through the services: export, wipe, import: the same cases
    and events (BLZT and time), and a re-import of the export into the same database changes nothing."""
    from tongban.cases.services import intake
    from tongban.cases.tests.conftest import person_applicant

    run(SAMPLE)
    made = intake.accept(intake.receive_case(by=case_people.clerk, window=county.intake_window, item=exchange.food,
                                             applicant=person_applicant(), materials=FOOD_MATERIALS), by=case_people.clerk)
    out = tmp_path / "export.xlsx"
    export_province(date(2026, 1, 1), date(2100, 1, 1), out)

    def snapshot():
        return sorted(
            (c.province_number or c.number, c.item_id, c.status, c.received_on, c.accepted_on, c.closed_on, c.decision,
             c.applicant_name, c.intake_window_id, c.budget_workdays, c.due_date,
             tuple((e.blzt, e.at.replace(microsecond=0), e.message) for e in c.events.exclude(blzt=None)))
            for c in Case.objects.all())

    before = snapshot()
    again = run(out)
    assert (again.created, again.updated, again.new_events) == (0, 0, 0), again.changes
    Case.objects.all().delete()
    result = run(out)
    assert result.ok and result.created == 4, result.errors
    after = snapshot()
    # The case made in tongban comes back under its own number as the key (its provincial number).
    assert [row[1:] for row in after] == [row[1:] for row in before]
    assert Case.objects.get(province_number=made.number).status == CaseStatus.REVIEWING


def test_export_writes_the_layout_and_blzt_per_event(exchange, tmp_path):
    run(SAMPLE)
    out = tmp_path / "out.csv"
    count = export_province(date(2026, 11, 1), date(2026, 11, 3), out)
    rows = rows_of(out)
    assert rows[0] == [c.header for c in COLUMNS]
    assert count == len(rows) - 1 == 10  # the case received on 11-04 is outside
    assert [r[10] for r in rows[1:7]] == ["1", "3", "9", "10", "8", "11"]


def test_the_command_line(exchange, tmp_path, capsys):
    sample = tmp_path / "p.csv"
    shutil.copy(SAMPLE, sample)
    call_command("cases", "import", str(sample), "--dry-run", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["created"] == 3 and data["dry_run"] and not Case.objects.exists()
    call_command("cases", "import", str(sample))
    assert "新增办件 3 件" in capsys.readouterr().out
    out = tmp_path / "e.csv"
    call_command("cases", "export", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(out))
    assert "已导出 12 条" in capsys.readouterr().out
    bad = write_rows(tmp_path / "bad.csv", [rows_of(SAMPLE)[0], ["X1", "R-2", "", "甲", "", "", "", "县市场监管局", "",
                                                                 "", "1", "", "不是时间", ""]])
    with pytest.raises(SystemExit):
        call_command("cases", "import", str(bad), "--json")
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert errors == [{"row": 2, "column": "办理时间", "message": "办理时间“不是时间”无法识别：请写成 2026-11-02 09:30:00"}]
    with pytest.raises(SystemExit):
        call_command("cases", "import", str(bad))
    assert "第 2 行 办理时间：办理时间“不是时间”无法识别" in capsys.readouterr().err


def test_an_export_from_a_page_holds_only_the_cases_its_reader_may_see(exchange, tmp_path, personas):
    run(SAMPLE)
    everything = export_province(date(2026, 1, 1), date(2100, 1, 1), tmp_path / "all.csv", user=personas.director)
    assert everything == export_province(date(2026, 1, 1), date(2100, 1, 1), tmp_path / "cli.csv")
    other = export_province(date(2026, 1, 1), date(2100, 1, 1), tmp_path / "other.csv",
                            user=personas.other_township_admin)
    assert everything > 0 and other == 0 and rows_of(tmp_path / "other.csv") == [[c.header for c in COLUMNS]]


def test_a_row_the_transition_table_does_not_allow_is_refused_with_its_row(exchange, tmp_path):
    """Given a file whose closed case is accepted again (3 after 11), the import names that row and writes nothing."""
    rows = rows_of(SAMPLE)
    rows.append(["SX2026110200001", "", "", "", "", "", "", "", "", "", "3", "", "2026-11-12 10:00:00", ""])
    result = run(write_rows(tmp_path / "reopen.csv", rows))
    assert not result.ok and not Case.objects.exists()
    error = next(e for e in result.errors if e["row"] == len(rows))
    assert error["column"] == "办理状态代码"
    assert "SX2026110200001" in error["message"] and "已办结" in error["message"] and "窗口受理" in error["message"]


def test_an_accepted_case_cannot_be_notified_for_correction_again(exchange, tmp_path):
    rows = rows_of(SAMPLE)
    rows.append(["SX2026110300002", "", "", "", "", "", "", "", "", "", "6", "", "2026-11-07 10:00:00", ""])
    result = run(write_rows(tmp_path / "late_correction.csv", rows))
    assert [(e["row"], "审查中" in e["message"]) for e in result.errors] == [(len(rows), True)]


def test_a_case_closed_in_tongban_is_skipped_as_a_conflict_and_the_rest_is_imported(exchange, tmp_path, capsys):
    """Given an imported case closed in tongban before the province closed it, a daily file with a new row that
    would move it again: that case's rows are skipped and reported as a conflict (dry run, import, JSON, command
    line), even when the file's values are taken; the rest of the file is imported; the case stays closed."""
    from tongban.core.import_snapshots import TakeFileValues

    run(SAMPLE)
    case = Case.objects.get(province_number="SX2026110300002")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=date(2026, 11, 10))
    rows = rows_of(SAMPLE)
    rows.append(["SX2026110300002", "", "", "", "", "", "", "", "", "", "9", "", "2026-11-12 10:00:00", ""])
    rows.append(["SX2026112000004", "R-2", "食品经营许可", "赵六", "自然人", "", "13600003333", "县市场监管局", "", "",
                 "1", "", "2026-11-20 09:00:00", ""])
    path = write_rows(tmp_path / "suspend.csv", rows)
    events = CaseEvent.objects.filter(case=case).count()
    dry = run(path, dry_run=True)
    assert dry.ok and dry.created == 1 and [s["row"] for s in dry.skipped] == [len(rows) - 1]
    assert "将跳过已在系统中结束的办件 1 件" in dry.summary() and not Case.objects.filter(province_number="SX2026112000004")
    call_command("cases", "import", str(path), "--dry-run", "--json")
    skipped = json.loads(capsys.readouterr().out)["skipped"]
    assert [(s["row"], s["label"], s["new_events"]) for s in skipped] == [(len(rows) - 1, "办件 SX2026110300002", 1)]
    assert "已结束的办件不能重新打开" in skipped[0]["message"]
    for take in (TakeFileValues(), TakeFileValues(all=True)):
        result = run(path, take_file_values=take)
        assert result.ok and len(result.skipped) == 1 and "已跳过" in result.summary()
        assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
        assert CaseEvent.objects.filter(case=case).count() == events and not Suspension.objects.filter(
            case=case, started_on=date(2026, 11, 12)).exists()
    assert Case.objects.filter(province_number="SX2026112000004").count() == 1  # imported once, then known
    call_command("cases", "import", str(path))
    assert "冲突（跳过） 第 14 行：办件“SX2026110300002”在系统中已是“已办结”" in capsys.readouterr().out


def test_a_stale_file_cannot_reopen_a_case_closed_in_tongban_by_taking_its_status(exchange):
    """The same file again after the case was closed in tongban: its status is a kept conflict; taking it skips
    the case as a conflict instead of reopening it."""
    from tongban.core.import_snapshots import TakeFileValues

    run(SAMPLE)
    case = Case.objects.get(province_number="SX2026110300002")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=date(2026, 11, 10))
    assert run(SAMPLE).ok and not run(SAMPLE).skipped
    result = run(SAMPLE, take_file_values=TakeFileValues(all=True))
    assert result.ok and [s["label"] for s in result.skipped] == ["办件 SX2026110300002"]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_a_joint_approval_case_suspended_by_a_second_department_after_the_first_finished_imports(exchange, tmp_path):
    """A province status stream is per department: department A's 8 makes the case 待出件, then department B
    starts and ends a special procedure, finishes (8) and the case closes: 1,3,8(A),9(B),10(B),8(B),11."""
    head = ["SX2026111600009", "R-2", "食品经营许可", "赵六", "自然人", "", "13600003333", "县市场监管局", "", "5"]
    steps = [("1", "2026-11-16 09:00:00", ""), ("3", "2026-11-16 09:30:00", ""),
             ("8", "2026-11-17 10:00:00", "部门甲办理完毕"), ("9", "2026-11-18 10:00:00", "部门乙现场核查"),
             ("10", "2026-11-20 10:00:00", "部门乙核查完毕"), ("8", "2026-11-23 10:00:00", "部门乙办理完毕"),
             ("11", "2026-11-24 10:00:00", "")]
    path = write_rows(tmp_path / "joint.csv", [rows_of(SAMPLE)[0], *[[*head, b, "", at, note] for b, at, note in steps]])
    result = run(path)
    assert result.ok, result.errors
    case = Case.objects.get(province_number="SX2026111600009")
    assert case.status == CaseStatus.CLOSED and case.decided_on == date(2026, 11, 23)
    assert list(case.events.exclude(blzt=None).values_list("blzt", flat=True)) == [1, 3, 8, 9, 10, 8, 11]
    suspension = Suspension.objects.get(case=case)
    assert (suspension.started_on, suspension.ended_on) == (date(2026, 11, 18), date(2026, 11, 20))


@pytest.mark.parametrize("blzt, status", [("5", CaseStatus.REFUSED), ("14", CaseStatus.WITHDRAWN)])
def test_a_department_may_return_or_the_applicant_withdraw_after_another_department_finished(exchange, tmp_path,
                                                                                          blzt, status):
    head = ["SX2026111600010", "R-2", "食品经营许可", "赵六", "自然人", "", "13600003333", "县市场监管局", "", "5"]
    steps = [("1", "2026-11-16 09:00:00"), ("3", "2026-11-16 09:30:00"), ("8", "2026-11-17 10:00:00"),
             (blzt, "2026-11-18 10:00:00")]
    result = run(write_rows(tmp_path / "ready.csv", [rows_of(SAMPLE)[0], *[[*head, b, "", at, ""] for b, at in steps]]))
    assert result.ok, result.errors
    assert Case.objects.get(province_number="SX2026111600010").status == status


def test_a_resume_from_ready_without_a_suspension_and_rows_after_closing_are_refused(exchange, tmp_path):
    head = ["SX2026111600011", "R-2", "食品经营许可", "赵六", "自然人", "", "13600003333", "县市场监管局", "", "5"]
    for steps, message in (([("1", "09:00"), ("3", "09:30"), ("8", "10:00"), ("10", "11:00")], "特别程序结束"),
                           ([("1", "09:00"), ("3", "09:30"), ("8", "10:00"), ("11", "11:00"), ("9", "12:00")],
                            "已结束的办件不能重新打开")):
        rows = [[*head, b, "", f"2026-11-16 {at}:00", ""] for b, at in steps]
        result = run(write_rows(tmp_path / "bad.csv", [rows_of(SAMPLE)[0], *rows]))
        assert [e["row"] for e in result.errors] == [len(rows) + 1] and message in result.errors[0]["message"]
        assert not Case.objects.exists()
