"""周督查 and 月通报 through the real path: photos through the upload check, scope, the page, the 公文 and the API."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from tongban.staffing import importing, indicators
from tongban.staffing.models import Inspection, InspectionPhoto

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_inspector_records_a_finding_with_a_photo_and_the_bulletin_lists_it(personas, client_for, api_for, media):
    clerk = personas.window_clerk.staff
    importing.import_attendance("工号,日期,时间\nclerk,2026-06-01,09:20\nclerk,2026-06-01,17:05\n".encode(), name="a.csv")
    client = client_for(personas.inspector)
    response = client.post("/staffing/inspections/", {
        "staff": clerk.pk, "inspected_on": "2026-06-03", "aspect": "dress", "finding": "未佩戴工作牌",
        "photos": [SimpleUploadedFile("现场.png", PNG, content_type="image/png")]})
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.window == clerk.window and inspection.has_finding
    photo = InspectionPhoto.objects.get()
    assert (media / photo.file.name).read_bytes() == PNG
    page = client.get("/staffing/inspections/?month=2026-06").content.decode()
    assert "未佩戴工作牌" in page and "现场.png" in page
    assert client.get(f"/staffing/inspections/photos/{photo.pk}/").status_code == 200
    # A file that is not what its name says is refused, nothing stored.
    response = client.post("/staffing/inspections/", {
        "staff": clerk.pk, "inspected_on": "2026-06-04", "aspect": "manners",
        "photos": [SimpleUploadedFile("假.png", b"GIF89a....", content_type="image/png")]})
    assert response.status_code == 200 and Inspection.objects.count() == 1
    # The month's bulletin: page and 公文 from the same figures.
    page = client.get("/staffing/bulletin/?month=2026-06").content.decode()
    assert "迟到 <b>1</b>" in page and "未佩戴工作牌" in page
    response = client.get("/staffing/bulletin/docx/?month=2026-06")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "2026年6月窗口工作人员考勤和督查情况的通报" in text.replace("\n", "")
    cells = [c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells]
    assert "未佩戴工作牌" in cells
    # Indicators count the finding for the person and the unit.
    by_unit, by_staff = indicators.month_indicators(2026, 6, today=dt.date(2026, 7, 1))
    assert by_staff[clerk.pk].count("inspection_findings") == 1 and by_staff[clerk.pk].count("lateness") == 1
    assert by_unit[clerk.unit_id].inspection_findings[0].date == dt.date(2026, 6, 3)
    # API: in scope for the centre, nothing for another township; the chief of another unit sees no photo.
    assert api_for(personas.director).get("/api/v1/staffing/inspections/?month=2026-06").json()["results"][0][
        "finding"] == "未佩戴工作牌"
    assert api_for(personas.other_township_admin).get("/api/v1/staffing/inspections/").json()["results"] == []
    other = client_for(personas.other_township_admin)
    assert other.get(f"/staffing/inspections/photos/{photo.pk}/").status_code == 404
    assert "未佩戴工作牌" not in other.get("/staffing/bulletin/?month=2026-06").content.decode()


@pytest.mark.django_db
def test_only_the_centre_records_inspections(personas, client_for):
    client = client_for(personas.section_chief)
    page = client.get("/staffing/inspections/").content.decode()
    assert "录入周督查" not in page
    assert client.post("/staffing/inspections/", {"staff": personas.window_clerk.staff.pk}).status_code == 403


@pytest.mark.django_db
def test_the_chief_sees_this_months_findings_on_the_workbench(personas, client_for):
    from django.utils import timezone

    from tongban.staffing import services

    chief = personas.section_chief.staff
    services.record_inspection(staff=chief, inspected_on=timezone.localdate(), aspect="discipline",
                               finding="上班时间玩手机", by=personas.inspector)
    page = client_for(personas.section_chief).get("/workbench/").content.decode()
    assert "本月周督查发现问题 <b>1</b>" in page


def test_lateness_and_findings_are_the_assessments_automatic_indicators_with_their_records(personas):
    from tongban.assessment.sources import SOURCES
    from tongban.staffing import services

    clerk = personas.window_clerk.staff
    importing.import_attendance("工号,日期,时间\nclerk,2026-06-01,09:20\nclerk,2026-06-01,17:05\n".encode(), name="a.csv")
    services.record_inspection(staff=clerk, inspected_on=dt.date(2026, 6, 3), aspect="dress", finding="未佩戴工作牌",
                               by=personas.inspector)
    start, end = dt.date(2026, 6, 1), dt.date(2026, 6, 30)
    late = list(SOURCES["staffing.lateness"].collect(start, end))
    assert [(o.unit_id, o.occurred_on) for o in late] == [(clerk.unit_id, dt.date(2026, 6, 1))]
    assert "迟到" in late[0].label and late[0].url.startswith("/staffing/attendance/")
    found = list(SOURCES["staffing.inspection_finding"].collect(start, end))
    assert [(o.unit_id, o.occurred_on) for o in found] == [(clerk.unit_id, dt.date(2026, 6, 3))]
    assert list(SOURCES["staffing.lateness"].collect(start, end))[0].record_id == late[0].record_id  # stable
    assert "staffing.absence" not in SOURCES  # absences stay manual (docs/staffing.md)


def test_an_early_leave_counts_in_the_lateness_indicator_under_its_own_label(personas):
    from tongban.assessment.sources import SOURCES

    clerk = personas.window_clerk.staff
    importing.import_attendance("工号,日期,时间\nclerk,2026-06-02,08:50\nclerk,2026-06-02,16:30\n".encode(), name="a.csv")
    start, end = dt.date(2026, 6, 1), dt.date(2026, 6, 30)
    found = list(SOURCES["staffing.lateness"].collect(start, end))
    assert [(o.unit_id, o.occurred_on) for o in found] == [(clerk.unit_id, dt.date(2026, 6, 2))]
    assert "早退（16:30 打卡）" in found[0].label and "迟到" not in found[0].label
    assert found[0].url.startswith("/staffing/attendance/")


@pytest.mark.django_db
def test_the_bulletin_page_and_its_document_state_the_same_totals_from_one_selector(personas, client_for):
    """The totals (late, early, absent, findings) are one selector's: the page and the 公文 say the same, early
    leaves included."""
    from tongban.staffing import selectors

    importing.import_attendance("工号,日期,时间\nclerk,2026-06-01,09:20\nclerk,2026-06-01,15:00\n"
                                "clerk,2026-06-02,09:25\nclerk,2026-06-02,15:10\n".encode(), name="a.csv")
    month = selectors.Month(2026, 6)
    totals = selectors.bulletin_totals(selectors.month_bulletin(personas.director, month, dt.date(2026, 7, 1)))
    assert totals.late == 2 and totals.early == 2
    client = client_for(personas.director)
    page = client.get("/staffing/bulletin/?month=2026-06").content.decode()
    assert f"迟到 <b>{totals.late}</b>" in page and f"早退 <b>{totals.early}</b>" in page
    assert f"缺勤 <b>{totals.absent}</b>" in page
    response = client.get("/staffing/bulletin/docx/?month=2026-06")
    text = "".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert f"迟到 {totals.late} 人次、早退 {totals.early} 人次、缺勤 {totals.absent} 人次" in text
