"""Every page against the personas: who sees what, 404 for other units' sheets, Chinese errors, the 工作通报
reconciling with the month's page, Excel import/export of a scheme, 大抓积分 and the policy profile."""
from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from tongban.assessment import schemes, services
from tongban.assessment.models import ScoreSheet, Scheme, UnitIndicatorScore
from tongban.assessment.tests.conftest import OCTOBER

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += ["|".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(parts)


def test_the_months_page_and_the_month_show_scores_to_the_county_readers(scored, client_for, personas, county):
    for user in (personas.director, personas.inspector, personas.rectification_office):
        client = client_for(user)
        assert client.get("/assessment/").status_code == 200
        page = client.get(f"/assessment/months/{scored.key}/").content.decode()
        assert county.department.name in page and county.township_b.name in page


def test_a_township_sees_only_its_own_sheet_and_404_for_another(scored, client_for, personas, county):
    client = client_for(personas.township_admin)
    page = client.get(f"/assessment/months/{scored.key}/").content.decode()
    assert county.township_a.name in page and county.township_b.name not in page
    own = ScoreSheet.objects.get(assessment=scored, unit=county.township_a)
    other = ScoreSheet.objects.get(assessment=scored, unit=county.township_b)
    assert client.get(f"/assessment/sheets/{own.pk}/").status_code == 200
    assert client.get(f"/assessment/sheets/{other.pk}/").status_code == 404
    assert client.get(f"/assessment/months/{scored.key}/notice.docx").status_code == 403


def test_the_month_page_lists_sheets_in_a_fixed_number_of_queries(scored, client_for, personas, django_assert_max_num_queries):
    client = client_for(personas.director)
    with django_assert_max_num_queries(30):
        assert client.get(f"/assessment/months/{scored.key}/").status_code == 200


def test_the_department_objects_on_the_sheet_page_and_the_office_decides(scored, client_for, personas, county):
    sheet = ScoreSheet.objects.get(assessment=scored, unit=county.department)
    item = sheet.items.first()
    client = client_for(personas.section_chief)  # 市场准入股 is not the department: 404
    assert client.post(f"/assessment/items/{item.pk}/object/", {"reason": "x"}).status_code == 404
    from tongban.conftest import PASSWORD
    from tongban.org import services as org

    org.create_staff(staff_no="samrhead", name="局长", unit=county.department, role="unit_head", username="samrhead",
                     password=PASSWORD)
    from django.contrib.auth import get_user_model

    head = get_user_model().objects.get(username="samrhead")
    client = client_for(head)
    response = client.post(f"/assessment/items/{item.pk}/object/", {"reason": "迟了"})
    assert response.status_code == 400 and "申诉期已过" in response.content.decode()
    with_time(date(2025, 11, 3))
    response = client.post(f"/assessment/items/{item.pk}/object/", {"reason": ""})
    assert response.status_code == 400 and "请填写申诉理由" in response.content.decode()
    response = client.post(f"/assessment/items/{item.pk}/object/", {"reason": "系统故障所致"})
    assert response.status_code == 302
    objection = item.objections.get()
    client = client_for(personas.director)  # a reader, not the office
    assert client.post(f"/assessment/objections/{objection.pk}/decide/", {"upheld": "1", "decision": "x"}).status_code == 400
    client = client_for(personas.rectification_office)
    assert client.post(f"/assessment/objections/{objection.pk}/decide/", {"upheld": "1", "decision": "属实"}).status_code == 302
    sheet.refresh_from_db()
    item.refresh_from_db()
    assert item.cancelled and sheet.total == sheet.base_score + sum(i.counted for i in sheet.items.all())


def with_time(day):
    """Objections are taken until `objection_until`; the tests run in 2026, so the window is moved instead."""
    from tongban.assessment.models import AssessmentMonth

    AssessmentMonth.objects.update(objection_until=date(2099, 1, 1))


def test_the_notice_reconciles_with_the_month_page(scored, client_for, personas, county):
    services.lock_month(scored, by=personas.rectification_office)
    services.publish_board(scored, by=personas.rectification_office)
    client = client_for(personas.director)
    response = client.get(f"/assessment/months/{scored.key}/notice.docx")
    assert response.status_code == 200
    text = docx_text(response.content)
    sheet = ScoreSheet.objects.get(assessment=scored, unit=county.department)
    assert "效能考核情况的通报" in text.replace("\n", "") and "红黑榜" in text
    from tongban.assessment.selectors import month_results, points_text as p

    row = next(r for r in month_results(scored)["window"] if r["unit"] == county.department.name)
    line = f"{row['rank']}|{county.department.name}|{p(sheet.deductions)}|{p(sheet.bonus)}|{p(sheet.total)}|{row['grade']}"
    assert line in text, line
    page = client.get(f"/assessment/months/{scored.key}/").content.decode()
    assert f"{sheet.total}" in page and row["reasons"] in page
    public = client.get("/assessment/board/").content.decode()
    assert county.department.name in public


def test_manual_item_with_evidence_through_the_page(scored, client_for, personas, county):
    sheet = ScoreSheet.objects.get(assessment=scored, unit=county.township_a)
    indicator = scored.scheme.indicators.get(code="praise")
    client = client_for(personas.rectification_office)
    pdf = SimpleUploadedFile("锦旗.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
    response = client.post(f"/assessment/sheets/{sheet.pk}/manual/", {"indicator": indicator.pk, "label": "锦旗", "count": "1",
                                                                     "evidence": pdf})
    assert response.status_code == 302, response.content.decode()
    sheet.refresh_from_db()
    assert sheet.total == Decimal("101")
    item = sheet.items.get(label="锦旗")
    assert item.evidence.name.endswith(".pdf")
    png = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")
    response = client.post(f"/assessment/sheets/{sheet.pk}/manual/", {"indicator": indicator.pk, "label": "表扬信",
                                                                     "count": "1", "evidence": png})
    assert response.status_code == 302, response.content.decode()
    sheet.refresh_from_db()
    assert sheet.total == Decimal("102")
    response = client.post(f"/assessment/sheets/{sheet.pk}/manual/", {"indicator": indicator.pk, "label": "", "count": "1"})
    assert response.status_code == 400 and "请填写" in response.content.decode()


def test_a_scheme_round_trips_through_excel_and_a_second_import_changes_nothing(scheme, client_for, personas):
    client = client_for(personas.rectification_office)
    content = client.get(f"/assessment/schemes/{scheme.pk}/export.xlsx").content
    parsed = schemes.parse(io.BytesIO(content), "方案.xlsx")
    assert not parsed.errors
    assert schemes.changes(parsed)["action"] == "none"
    # as a new version from 2026-01
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    book["方案"]["B3"] = "2026-01"
    book["指标"]["E2"] = -3
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("新方案.xlsx", out.getvalue(), content_type=XLSX)
    response = client.post("/assessment/schemes/import/", {"file": upload})
    assert response.status_code == 200 and "新建方案" in response.content.decode()
    assert Scheme.objects.count() == 1  # nothing written before the confirm
    token = response.context["token"]
    assert client.post("/assessment/schemes/import/", {"token": token}).status_code == 302
    new = Scheme.objects.get(valid_from=date(2026, 1, 1))
    assert new.indicators.get(code="overdue").points == Decimal("-3")


def test_a_bad_scheme_workbook_lists_every_error_with_its_row_and_writes_nothing(scheme, client_for, personas):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "方案"
    for row in (["项目", "值"], ["方案名称", "坏方案"], ["起用月份", "明年"], ["基础分", "一百"]):
        ws.append(row)
    ind = book.create_sheet("指标")
    ind.append(["代码", "指标名称", "适用分组", "来源", "每次分值", "本项上限", "依据"])
    ind.append(["a", "甲", "", "不存在的来源", "-1", "", ""])
    ind.append(["a", "", "火星", "人工录入", "x", "", ""])
    out = io.BytesIO()
    book.save(out)
    client = client_for(personas.rectification_office)
    response = client.post("/assessment/schemes/import/", {"file": SimpleUploadedFile("bad.xlsx", out.getvalue(), content_type=XLSX)})
    page = response.content.decode()
    assert response.status_code == 400
    for expected in ("第 3 行（起用月份）", "第 4 行（基础分）", "工作表“指标”第 2 行（来源）", "第 3 行（代码）：“a”重复",
                     "第 3 行（适用分组）", "第 3 行（每次分值）"):
        assert expected in page, expected
    assert Scheme.objects.count() == 1


def test_only_the_office_imports(scheme, client_for, personas):
    assert client_for(personas.township_admin).get("/assessment/schemes/import/").status_code == 403
    assert client_for(personas.director).get("/assessment/schemes/").status_code == 200


def test_unit_points_import_rank_and_trend(client_for, personas, county):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "指标"
    ws.append(["年度", "编码", "指标名称", "来源", "责任单位", "权重", "目标"])
    ws.append([2026, "FG-01", "企业开办 1 个工作日办结", "省", county.department.name, 10, "100%"])
    ws.append([2026, "FG-02", "一网通办率", "市", county.township_a.name, 10, "95%"])
    sc = book.create_sheet("得分")
    sc.append(["编码", "月份", "完成度"])
    sc.append(["FG-01", "2026-01", 80])
    sc.append(["FG-02", "2026-01", 100])
    sc.append(["FG-01", "2026-02", 100])
    out = io.BytesIO()
    book.save(out)
    client = client_for(personas.rectification_office)
    response = client.post("/assessment/unit-points/import/", {"file": SimpleUploadedFile("积分.xlsx", out.getvalue(), content_type=XLSX)})
    assert response.status_code == 200
    client.post("/assessment/unit-points/import/", {"token": response.context["token"]})
    assert UnitIndicatorScore.objects.count() == 3
    page = client.get("/assessment/unit-points/?year=2026")
    rows = page.context["rows"]
    assert [r["unit"] for r in rows] == [county.township_a.name, county.department.name]
    assert rows[1]["trend"][:2] == [Decimal("8.00"), Decimal("10.00")]
    assert "echarts" in page.content.decode()
    # a township sees only its own
    assert [r["unit"] for r in client_for(personas.township_admin).get("/assessment/unit-points/?year=2026").context["rows"]] \
        == [county.township_a.name]


def test_the_policy_page_lists_every_setting_with_its_source_and_a_profile_moves_between_counties(db, client_for, personas):
    client = client_for(personas.rectification_office)
    page = client.get("/assessment/policies/")
    labels = {v.model for v in page.context["values"]}
    assert {"supervision.SupervisionSettings", "assessment.AssessmentSettings"} <= labels
    assert "来源" in page.content.decode()
    profile = json.loads(client.get("/assessment/policies/export.json").content)
    profile["settings"]["assessment.AssessmentSettings"]["board_size"] = 7
    upload = SimpleUploadedFile("profile.json", json.dumps(profile).encode(), content_type="application/json")
    response = client.post("/assessment/policies/", {"file": upload})
    assert response.status_code == 200
    assert [c["field"] for c in response.context["changes"]] == ["board_size"]
    from tongban.assessment.models import AssessmentSettings

    assert AssessmentSettings.load().board_size == 5  # not before the confirm
    client.post("/assessment/policies/", {"token": response.context["token"]})
    assert AssessmentSettings.load().board_size == 7
    bad = SimpleUploadedFile("p.json", b"{\"format\": \"x\"}", content_type="application/json")
    response = client.post("/assessment/policies/", {"file": bad})
    assert response.status_code == 400 and "政策参数配置文件" in response.content.decode()
    assert client_for(personas.township_admin).get("/assessment/policies/").status_code == 403


def test_the_monthly_job_scores_the_previous_month_once(carded, scheme):
    from tongban.assessment.jobs import score_previous_month

    first = score_previous_month(None, date(2025, 11, 3))
    assert first["month"] == "2025-10" and first["created"]
    assert not score_previous_month(None, date(2025, 11, 3))["created"]


def test_the_public_board_opens_without_login(db, client):
    response = client.get("/assessment/board/")
    assert response.status_code == 200 and "暂未发布红黑榜" in response.content.decode()


def test_the_workbench_shows_the_office_its_objections_and_the_unit_its_open_sheet(scored, client_for, personas, county):
    from tongban.assessment.models import AssessmentMonth

    AssessmentMonth.objects.update(objection_until=date(2099, 1, 1))
    sheet = ScoreSheet.objects.get(assessment=scored, unit=county.township_a)
    item = services.add_manual_item(sheet, indicator=scored.scheme.indicators.get(code="bad_review"), label="差评甲",
                                    note="记录", by=personas.rectification_office)
    services.file_objection(item, reason="理由", by=personas.township_admin, today=date(2025, 11, 3))
    office = client_for(personas.rectification_office).get("/workbench/").content.decode()
    assert "待决定的考核申诉" in office and "差评甲" in office
    township = client_for(personas.township_admin).get("/workbench/").content.decode()
    assert "本单位考核得分（申诉期中）" in township and county.township_a.name in township
