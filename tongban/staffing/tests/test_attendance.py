"""日考勤 through the real path: the import (CSV and .xlsx), the month's sheet and its export, leave, the API,
indicators and scope."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tongban.staffing import importing, indicators, selectors, services
from tongban.staffing.models import Leave, LeaveStatus, Punch
from tongban.workdays.services import ensure_years

JUNE = selectors.Month(2026, 6)
TODAY = dt.date(2026, 7, 10)


def june_workdays() -> list[dt.date]:
    from tongban.workdays.models import Day

    ensure_years(2026, 2026)
    return list(Day.objects.filter(date__range=(JUNE.first, JUNE.last), is_workday=True)
                .order_by("date").values_list("date", flat=True))


def csv_for(staff_no: str, days, late=None, early=None, skip=()) -> bytes:
    lines = ["工号,姓名,日期,时间"]
    for day in days:
        if day in skip:
            continue
        lines.append(f"{staff_no},,{day:%Y/%m/%d},{'09:10' if day == late else '08:55'}")
        lines.append(f"{staff_no},,{day:%Y-%m-%d},{'16:30:00' if day == early else '17:05:00'}")
    return "\n".join(lines).encode("gb18030")


@pytest.fixture
def month_of_clerk(personas):
    days = june_workdays()
    clerk = personas.window_clerk.staff
    data = csv_for(clerk.staff_no, days, late=days[1], early=days[2], skip=(days[0], days[3]))
    report = importing.import_attendance(data, name="考勤.csv", by=personas.inspector)
    return clerk, days, report


@pytest.mark.django_db
def test_import_is_idempotent_and_the_sheet_counts_lateness_early_leave_absence_and_leave(month_of_clerk, personas):
    clerk, days, report = month_of_clerk
    assert report.new == 2 * (len(days) - 2) and report.existing == 0
    again = importing.import_attendance(csv_for(clerk.staff_no, days, late=days[1], early=days[2],
                                                skip=(days[0], days[3])), name="考勤.csv")
    assert again.new == 0 and again.existing == report.new
    assert Punch.objects.count() == report.new
    services.enter_leave(staff=clerk, kind="leave", first_day=days[3], last_day=days[3], reason="病假",
                         by=personas.director)
    [row] = [r for r in selectors.month_attendance(selectors.visible_staff(personas.director), JUNE, TODAY)
             if r.staff.pk == clerk.pk]
    assert row.late == [(days[1], dt.time(9, 10))]
    assert row.early == [(days[2], dt.time(16, 30))]
    assert row.absent == [days[0]]
    assert row.leave_days == [days[3]]
    assert row.present_days == len(days) - 2
    by_unit, by_staff = indicators.month_indicators(2026, 6, today=TODAY)
    assert by_staff[clerk.pk].as_dict() == {"lateness": 2, "absences": 1, "inspection_findings": 0, "talks": 0}
    assert [d.date for d in by_unit[clerk.unit_id].lateness] == [days[1], days[2]]  # 迟到, then 早退
    assert "迟到" in by_unit[clerk.unit_id].lateness[0].label and "早退" in by_unit[clerk.unit_id].lateness[1].label
    assert "/staffing/attendance/?month=2026-06" in by_unit[clerk.unit_id].absences[0].url


@pytest.mark.django_db
def test_a_bad_file_is_refused_whole_with_row_numbers(personas):
    data = "工号,日期,时间\nclerk,2026-06-01,08:55\nnobody,2026-06-01,08:55\nclerk,6月的某天,08:55\nclerk,2026-06-02,八点\n"
    with pytest.raises(importing.ImportRejected) as refused:
        importing.import_attendance(data.encode(), name="bad.csv")
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(3, "工号"), (4, "日期"), (5, "时间")]
    assert "不在组织机构中" in refused.value.errors[0]["message"]
    assert Punch.objects.count() == 0
    with pytest.raises(importing.ImportRejected, match="是空的"):
        importing.import_attendance(b"", name="empty.csv")
    with pytest.raises(importing.ImportRejected, match="不是表格文件"):
        importing.import_attendance(b"not a workbook", name="x.xlsx")
    with pytest.raises(importing.ImportRejected, match="未找到表头"):
        importing.import_attendance(b"a,b\n1,2\n", name="x.csv")


@pytest.mark.django_db
def test_xlsx_with_one_datetime_column_and_names(personas):
    book = Workbook()
    sheet = book.active
    sheet.append(["考勤机导出"])
    sheet.append(["姓名", "打卡时间"])
    sheet.append(["赵窗口", dt.datetime(2026, 6, 1, 8, 59)])
    sheet.append(["赵窗口", "2026-06-01 17:01"])
    out = io.BytesIO()
    book.save(out)
    report = importing.import_attendance(out.getvalue(), name="考勤.xlsx")
    assert report.new == 2
    assert sorted(Punch.objects.values_list("time", flat=True)) == [dt.time(8, 59), dt.time(17, 1)]


@pytest.mark.django_db
def test_import_page_previews_then_confirms_and_only_the_centre_imports(personas, client_for):
    data = csv_for("clerk", june_workdays()[:2])
    client = client_for(personas.section_chief)
    assert client.get("/staffing/attendance/import/").status_code == 403
    client = client_for(personas.inspector)
    assert client.get("/staffing/attendance/import/").status_code == 200
    # Column mapping: a file whose headers the reader does not know, mapped by hand.
    odd = "人员,刷卡日,刷卡时刻\nclerk,2026-06-01,08:55\n".encode()
    response = client.post("/staffing/attendance/import/", {"file": SimpleUploadedFile("odd.csv", odd)})
    assert "未找到表头" in response.content.decode()
    response = client.post("/staffing/attendance/import/", {"file": SimpleUploadedFile("odd.csv", odd),
                                                            "staff_no": "0", "date": "1", "time": "2"})
    assert "将导入 1 条" in response.content.decode()
    response = client.post("/staffing/attendance/import/", {"file": SimpleUploadedFile("a.csv", data)})
    page = response.content.decode()
    assert "将导入 4 条" in page and Punch.objects.count() == 0
    token = response.context["token"]
    response = client.post("/staffing/attendance/import/", {"token": token})
    assert response.status_code == 302 and Punch.objects.count() == 4
    response = client.post("/staffing/attendance/import/", {"file": SimpleUploadedFile("a.csv", data)})
    assert "将导入 0 条" in response.content.decode() and response.context["token"] is None
    bad = "工号,日期,时间\nclerk,2026-06-01,25点\n".encode()
    response = client.post("/staffing/attendance/import/", {"file": SimpleUploadedFile("b.csv", bad)})
    assert response.status_code == 200 and "错误清单" in response.content.decode()


@pytest.mark.django_db
def test_column_mapping_overrides_the_header(personas):
    data = "人员编号X,日期,刷卡\nclerk,2026-06-01,08:55\n".encode()
    report = importing.import_attendance(data, name="m.csv", dry_run=True, mapping_overrides={"staff_no": 0, "time": 2})
    assert report.new == 1 and dict(report.mapped)["工号"] == "人员编号X"


@pytest.mark.django_db
def test_sheet_page_export_and_api_are_scoped(month_of_clerk, personas, client_for, api_for, django_assert_max_num_queries):
    clerk, days, _ = month_of_clerk
    client = client_for(personas.director)
    with django_assert_max_num_queries(25):
        page = client.get("/staffing/attendance/?month=2026-06").content.decode()
    assert 'data-staff="clerk"' in page and "赵窗口" in page
    response = client.get("/staffing/attendance/export/?month=2026-06")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[3] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "赵窗口" in names
    # The other township sees only its own staff; a unit out of scope answers 404.
    other = client_for(personas.other_township_admin)
    page = other.get("/staffing/attendance/?month=2026-06").content.decode()
    assert 'data-staff="clerk"' not in page and "孙乡镇" in page
    assert other.get(f"/staffing/attendance/?unit={clerk.unit_id}").status_code == 404
    assert other.get(f"/staffing/attendance/?window={clerk.window_id}").status_code == 404
    by_window = client_for(personas.director).get(f"/staffing/attendance/?month=2026-06&window={clerk.window_id}")
    assert [row.staff for row in by_window.context["rows"]] == [clerk]
    # The window picker names each window; its code (an internal key) is not shown.
    options = re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', by_window.content.decode())
    assert f"{clerk.window.name}" in options and not any(clerk.window.code in o for o in options)
    other = client_for(personas.other_township_admin)
    assert "月份“2026-13”无效" in other.get("/staffing/attendance/?month=2026-13", follow=True).content.decode()
    assert api_for(personas.director).get("/api/v1/staffing/attendance/?month=2026-06").json()["results"]
    assert api_for(personas.other_township_admin).get("/api/v1/staffing/attendance/").json()["results"] == []


@pytest.mark.django_db
def test_leave_asked_by_the_person_waits_for_the_chief(personas, client_for):
    clerk = personas.window_clerk.staff
    client = client_for(personas.window_clerk)
    response = client.post("/staffing/leave/", {"staff": clerk.pk, "kind": "field_work", "first_day": "2026-06-03",
                                                "last_day": "2026-06-02", "reason": "下乡"})
    assert "结束日期不能早于开始日期" in response.content.decode()
    client.post("/staffing/leave/", {"staff": clerk.pk, "kind": "field_work", "first_day": "2026-06-02",
                                     "last_day": "2026-06-03", "reason": "下乡帮办"})
    leave = Leave.objects.get()
    assert leave.status == LeaveStatus.PENDING
    assert client.post(f"/staffing/leave/{leave.pk}/decide/", {"approve": "1"}).status_code == 403
    director = client_for(personas.director)
    assert "待审批的请假、外勤 <b>1</b>" in director.get("/workbench/").content.decode()
    director.post(f"/staffing/leave/{leave.pk}/decide/", {"approve": "1"})
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.APPROVED
    assert client_for(personas.other_township_admin).post(f"/staffing/leave/{leave.pk}/decide/").status_code == 404
